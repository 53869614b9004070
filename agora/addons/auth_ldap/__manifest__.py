{
    "name": "Authentication via LDAP",
    "version": "0.1.0",
    "summary": "Log in with an LDAP directory password; create users at their first login "
               "from a template user",
    "category": "Hidden/Tools",
    "depends": ["base"],
    "data": [
        "security/ir.model.access.csv",
        "views/res_company_ldap_views.xml",
    ],
    "external_dependencies": {"python": ["ldap3"]},
    "license": "LGPL-3",
    "installable": True,
    "auto_install": False,
}
