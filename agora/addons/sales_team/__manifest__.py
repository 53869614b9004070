{
    "name": "Sales Teams",
    "version": "0.1.0",
    "summary": "Sales teams and the sales access groups shared by CRM and Sales",
    "category": "Sales/Sales",
    "depends": ["base", "web"],
    "data": [
        "security/sales_team_security.xml",
        "security/ir.model.access.csv",
        "data/crm_team_data.xml",
        "views/crm_team_views.xml",
    ],
    "demo": [],
    "license": "LGPL-3",
    "installable": True,
}
