"""Agora: an open-source, modular business platform (ERP) on PostgreSQL.

Addons import only this public API::

    from agora import api, fields, models, Command, exceptions
"""

from agora.orm import api, exceptions, fields, models
from agora.orm.commands import Command
from agora.orm.environment import SUPERUSER_ID, Environment
from agora.orm.registry import Registry

__version__ = "0.1.0"

__all__ = ["SUPERUSER_ID", "Command", "Environment", "Registry", "api", "exceptions", "fields",
           "models"]
