from agora.addons.crm.models import crm_lead, crm_lost_reason, crm_stage, crm_tag  # noqa: F401
