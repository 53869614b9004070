"""Sales teams (crm.team) and the three sales access groups."""

from agora.addons.sales_team import models  # noqa: F401
