"""An example addon: one behaviour spread over three other addons' models.

- ``crm.lead.action_set_won`` (crm) also makes the quotation and confirms it;
- ``sale.order.action_confirm`` (sale) invoices and posts orders confirmed that way;
- ``account.move.action_post`` (account) tells the opportunity which invoice settled it.

Each override calls ``super()``, so it composes with whatever else is installed.
"""

from agora.addons.crm_auto_invoice import models  # noqa: F401
