"""Invoicing and accounting: chart of accounts, journals, taxes, invoices and bills that
always balance, gapless numbering, payments and reconciliation."""

from agora.addons.account import models, report  # noqa: F401


def post_init_hook(env) -> None:
    """Every existing company gets the generic chart (new companies get it at creation)."""
    from agora.addons.account.chart_template import install_generic_chart

    for company in env["res.company"].sudo().search([]):
        install_generic_chart(env, company)
    if env["ir.module.module"].search_count([("name", "=", "base"), ("demo", "=", True)]):
        from agora.addons.account.demo import load_demo_bills
        load_demo_bills(env)
