"""Demo app of the kernel: contacts, products and sales orders to play with."""

from agora.addons.demo import models  # noqa: F401


def post_init_hook(env) -> None:
    """Fill the demo models when the database was created with demo data."""
    if env["ir.module.module"].search_count([("name", "=", "base"), ("demo", "=", True)]):
        from agora.addons.demo.data import load_demo_data
        load_demo_data(env)
