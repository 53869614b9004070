{
    "name": "Units of Measure",
    "version": "0.1.0",
    "summary": "Units of measure grouped in categories, with conversions between them",
    "category": "Hidden",
    "depends": ["base"],
    "data": [
        "security/ir.model.access.csv",
        "data/uom_data.xml",
        "views/uom_views.xml",
    ],
    "demo": [],
    "license": "LGPL-3",
    "installable": True,
}
