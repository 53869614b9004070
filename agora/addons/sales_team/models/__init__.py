from agora.addons.sales_team.models import crm_team  # noqa: F401
