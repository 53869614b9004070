{
    "name": "Base",
    "version": "0.1.0",
    "summary": "Kernel models: modules, models, external ids, partners, users, companies",
    "category": "Hidden",
    "depends": [],
    "data": [],
    "demo": [],
    "license": "LGPL-3",
    "installable": True,
    "auto_install": False,
    "post_init_hook": "post_init_hook",
}
