"""Products (templates and their variant), categories and basic pricelists."""

from agora.addons.product import models  # noqa: F401
