// "Linked accounts" in the user menu: the page where users link their user to an
// identity provider account or remove the link (/auth_oauth/accounts).

import {registerUserMenuItem} from "/web/static/src/core/registry.js";

registerUserMenuItem({label: "Linked accounts", className: "ag-linked-accounts-menu",
    href: "/auth_oauth/accounts"});
