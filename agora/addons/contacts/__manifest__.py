{
    "name": "Contacts",
    "version": "0.1.0",
    "summary": "Companies and people: addresses, chatter, activities",
    "category": "Sales/CRM",
    "depends": ["mail", "web"],
    "data": ["views/res_partner_views.xml"],
    "demo": ["demo/res_partner_demo.xml"],
    "license": "LGPL-3",
    "installable": True,
    "application": True,
}
