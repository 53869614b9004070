from agora.addons.sale.models import (  # noqa: F401
    account_move,
    product_template,
    sale_order,
    sale_order_invoice,
    sale_order_line,
)
