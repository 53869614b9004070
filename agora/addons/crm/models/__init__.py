from agora.addons.crm.models import (  # noqa: F401
    crm_lead,
    crm_lead_mail,
    crm_lost_reason,
    crm_stage,
    crm_tag,
)
