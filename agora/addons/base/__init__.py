"""The base module: every database has it."""

from agora.addons.base import models  # noqa: F401
from agora.addons.base.access_policy import install_policy as registry_hook  # noqa: F401
from agora.addons.base.init_data import pre_init_hook  # noqa: F401
