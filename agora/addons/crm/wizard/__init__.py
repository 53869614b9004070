from agora.addons.crm.wizard import crm_lead_lost, crm_lead_to_opportunity  # noqa: F401
