"""CRM: leads and opportunities moving through a pipeline of stages until won or lost.

Other apps hook in by extending ``crm.lead`` (``sale_crm`` adds quotations); nothing here
refers to them."""

from agora.addons.crm import models, wizard  # noqa: F401
