from agora.addons.uom.models import uom_category, uom_uom  # noqa: F401
