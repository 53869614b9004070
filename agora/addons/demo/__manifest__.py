{
    "name": "Kernel demo",
    "version": "0.1.0",
    "summary": "Contacts, products and orders that show the ORM at work",
    "category": "Hidden",
    "depends": ["base"],
    "data": ["security/ir.model.access.csv", "views/demo_views.xml"],
    "demo": [],
    "license": "LGPL-3",
    "installable": True,
    "post_init_hook": "post_init_hook",
}
