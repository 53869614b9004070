from agora.addons.product.models import (  # noqa: F401
    product_category,
    product_pricelist,
    product_pricelist_item,
    product_product,
    product_template,
)
