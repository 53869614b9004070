"""Units of measure: categories (weight, time...) and the units of each, convertible."""

from agora.addons.uom import models  # noqa: F401
