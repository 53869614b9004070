from agora.addons.sale_crm.models import crm_lead, sale_order  # noqa: F401
