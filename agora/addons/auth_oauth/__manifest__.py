{
    "name": "OpenID Connect Login",
    "version": "0.1.0",
    "summary": "Log in with an OpenID Connect provider (authorization code flow with PKCE); "
               "users link and unlink their account from their preferences",
    "category": "Hidden/Tools",
    "depends": ["base", "web"],
    "data": [
        "security/ir.model.access.csv",
        "views/auth_oauth_provider_views.xml",
    ],
    "demo": [],
    "assets": {
        "web.assets_backend": [
            "auth_oauth/static/src/linked_accounts_menu.js",
        ],
    },
    "external_dependencies": {"python": ["authlib", "joserfc", "requests"]},
    "license": "LGPL-3",
    "installable": True,
    "auto_install": False,
    "uninstall_hook": "uninstall_hook",
}
