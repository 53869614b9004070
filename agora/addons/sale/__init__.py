"""Sales: quotations become confirmed orders, which are invoiced in full from their
ordered or delivered quantities."""

from agora.addons.sale import models  # noqa: F401


def post_init_hook(env) -> None:
    """Demo orders when the database has demo data."""
    if env["ir.module.module"].search_count([("name", "=", "base"), ("demo", "=", True)]):
        from agora.addons.sale.demo import load_demo_orders
        load_demo_orders(env)
