{
    "name": "Invoicing",
    "version": "0.1.0",
    "summary": "Invoices, bills, credit notes, payments, taxes, chart of accounts, reports",
    "category": "Accounting/Accounting",
    "depends": ["product", "web"],
    "data": [
        "security/account_security.xml",
        "security/ir.model.access.csv",
        "views/account_move_views.xml",
        "views/account_config_views.xml",
        "views/account_payment_views.xml",
        "views/account_menus.xml",
    ],
    "demo": [],
    "license": "LGPL-3",
    "installable": True,
    "post_init_hook": "post_init_hook",
}
