{
    "name": "Web",
    "version": "0.1.0",
    "summary": "The web client: menus, list, form, kanban, search, pivot and graph views",
    "category": "Hidden",
    "depends": ["base"],
    "data": [],
    "demo": [],
    "license": "LGPL-3",
    "installable": True,
    "auto_install": True,
}
