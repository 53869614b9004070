"""CRM: leads and opportunities moving through a pipeline of stages until won or lost.

Other apps hook in by extending ``crm.lead`` (``sale_crm`` adds quotations); nothing here
refers to them."""

from agora.addons.crm import models, wizard  # noqa: F401


def uninstall_hook(env) -> None:
    """Clear the way for the loader, which deletes the module's records one external id
    at a time in name order: the leads first (their table is dropped anyway, and the
    stages and reasons they point to are ondelete restrict), then the menu tree in one
    statement (a parent menu cannot go before its children)."""
    env["crm.lead"].with_context(active_test=False).search([]).unlink()
    root = env.ref("crm.crm_menu_root", raise_if_not_found=False)
    if root:
        env["ir.ui.menu"].with_context(active_test=False).search(
            [("id", "child_of", root.id)]).unlink()
