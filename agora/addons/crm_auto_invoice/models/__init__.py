from agora.addons.crm_auto_invoice.models import account_move, crm_lead, sale_order  # noqa: F401
