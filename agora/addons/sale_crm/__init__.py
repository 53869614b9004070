"""Glue between CRM and Sales: an opportunity becomes a quotation."""

from agora.addons.sale_crm import models  # noqa: F401
