{
    "name": "Base",
    "version": "0.1.0",
    "summary": "Kernel models: modules, models, external ids, partners, users, companies",
    "category": "Hidden",
    "depends": [],
    "data": ["security/ir.model.access.csv", "security/base_rules.xml",
             "data/ir_cron_data.xml", "views/res_users_login_attempt_views.xml"],
    "demo": [],
    "license": "LGPL-3",
    "installable": True,
    "auto_install": False,
    "pre_init_hook": "pre_init_hook",
}
