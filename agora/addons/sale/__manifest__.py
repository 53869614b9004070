{
    "name": "Sales",
    "version": "0.1.0",
    "summary": "Quotations and sales orders, confirmed and invoiced",
    "category": "Sales/Sales",
    "depends": ["sales_team", "account", "mail", "contacts"],
    "data": [
        "security/ir.model.access.csv",
        "security/sale_security.xml",
        "data/sale_data.xml",
        "views/sale_order_views.xml",
        "views/sale_menus.xml",
    ],
    "demo": [],
    "license": "LGPL-3",
    "installable": True,
    "post_init_hook": "post_init_hook",
}
