{
    "name": "Discuss (mail)",
    "version": "0.1.0",
    "summary": "Chatter: messages, followers, field tracking, activities, e-mail queue and templates",
    "category": "Productivity/Discuss",
    "depends": ["base", "web"],
    "data": [
        "security/ir.model.access.csv",
        "security/mail_security.xml",
        "data/mail_data.xml",
        "views/mail_activity_views.xml",
        "views/mail_settings_views.xml",
    ],
    "demo": [],
    "assets": {
        "web.assets_backend": [
            "mail/static/src/chatter/chatter.css",
            "mail/static/src/chatter/chatter.js",
        ],
    },
    "license": "LGPL-3",
    "installable": True,
}
