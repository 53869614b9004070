// "Passkeys" (user menu): the user's passkeys with when they were added and last used;
// add one (the browser or phone creates it), rename, remove. Adding goes through
// /web/session/passkey/register{/options}; renaming and removing are ORM calls on
// res.users.passkey, whose record rules keep each user to their own.

import {h, replaceContent} from "../core/dom.js";
import {confirmDialog, openDialog} from "../core/dialog.js";
import {formatValue} from "../core/format.js";
import {orm} from "../core/orm.js";
import {rpc} from "../core/rpc.js";
import {session} from "../core/session.js";
import {createPasskey, passkeyErrorMessage, passkeysSupported} from "../core/webauthn.js";

const MODEL = "res.users.passkey";

export async function openPasskeyDialog() {
    const body = h("div", {class: "ag-passkeys"});
    const dialog = openDialog({title: "Passkeys", body, size: "small"});
    await new PasskeyView(body).refresh();
    return dialog;
}

function when(value) {
    // the server's UTC datetime, shown in the user's time zone and locale
    return value ? formatValue(value, {type: "datetime"}) : "never";
}

class PasskeyView {
    constructor(element) {
        this.element = element;
        this.slot = h("div", {class: "ag-passkeys-message"});
    }

    async attempt(work) {
        replaceContent(this.slot);
        try {
            await work();
        } catch (error) {
            replaceContent(this.slot, h("p", {class: "ag-passkeys-error", role: "alert"},
                passkeyErrorMessage(error)));
        }
    }

    async refresh() {
        const keys = await orm.call(MODEL, "search_read", [[["user_id", "=", session.uid]]],
            {fields: ["name", "create_date", "last_used"], order: "id"});
        const name = h("input", {type: "text", class: "ag-passkey-new-name", maxlength: "100",
            placeholder: "Name, e.g. \"Work laptop\""});
        // a passkey logs in on its own: whoever adds one must know the password
        const password = h("input", {type: "password", class: "ag-passkey-password",
            autocomplete: "current-password", placeholder: "Your password"});
        replaceContent(this.element, [
            h("p", {}, "A passkey logs you in with your fingerprint, face or screen lock, " +
                "without a password, and serves as the second step of two-factor " +
                "authentication."),
            keys.length
                ? h("ul", {class: "ag-passkey-list"}, keys.map((key) => this.row(key)))
                : h("p", {class: "ag-passkey-none"}, "You have no passkey yet."),
            this.slot,
            passkeysSupported()
                ? h("div", {class: "ag-passkeys-add"}, name, password,
                    h("button", {type: "button", class: "ag-btn ag-btn-primary ag-passkey-add",
                        onclick: () => this.attempt(async () => {
                            const options = await rpc("/web/session/passkey/register/options",
                                {password: password.value});
                            const credential = await createPasskey(options);
                            await rpc("/web/session/passkey/register",
                                {credential, name: name.value});
                            await this.refresh();
                        })}, "Add a passkey"))
                : h("p", {}, "This browser cannot create passkeys."),
        ]);
    }

    row(key) {
        const label = h("span", {class: "ag-passkey-name"}, key.name);
        const item = h("li", {class: "ag-passkey", dataset: {id: String(key.id)}},
            label,
            h("span", {class: "ag-passkey-dates"},
                ` added ${when(key.create_date)}, last used ${when(key.last_used)} `),
            h("button", {type: "button", class: "ag-btn ag-passkey-rename",
                onclick: () => this.rename(item, key)}, "Rename"),
            h("button", {type: "button", class: "ag-btn ag-btn-danger ag-passkey-remove",
                onclick: () => this.attempt(async () => {
                    if (await confirmDialog(`Remove the passkey "${key.name}"? It will no ` +
                        "longer log you in.", {confirmLabel: "Remove"})) {
                        await orm.call(MODEL, "unlink", [[key.id]]);
                        await this.refresh();
                    }
                })}, "Remove"));
        return item;
    }

    rename(item, key) {
        const input = h("input", {type: "text", class: "ag-passkey-rename-input",
            value: key.name, maxlength: "100"});
        const save = () => this.attempt(async () => {
            await orm.call(MODEL, "write", [[key.id], {name: input.value}]);
            await this.refresh();
        });
        input.addEventListener("keydown", (event) => {
            if (event.key === "Enter") {
                save();
            }
        });
        replaceContent(item, [input, h("button", {type: "button",
            class: "ag-btn ag-btn-primary ag-passkey-save", onclick: save}, "Save")]);
        input.focus();
    }
}
