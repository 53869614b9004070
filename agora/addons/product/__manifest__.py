{
    "name": "Products & Pricelists",
    "version": "0.1.0",
    "summary": "Products, product categories and pricelists, shared by sales, purchase and stock",
    "category": "Sales/Sales",
    "depends": ["uom", "web"],
    "data": [
        "security/ir.model.access.csv",
        "data/product_data.xml",
        "views/product_category_views.xml",
        "views/product_views.xml",
        "views/product_pricelist_views.xml",
        "views/product_menus.xml",
    ],
    "demo": ["data/product_demo.xml"],
    "license": "LGPL-3",
    "installable": True,
}
