"""Errors of the remote-call layer (reported to clients under these names)."""

from __future__ import annotations

from agora.orm.exceptions import UserError


class UnknownModelError(UserError):
    """The model named in a call does not exist in this database."""


class UnknownMethodError(UserError):
    """The method does not exist on the model, or is not a method."""


class InvalidArgumentsError(UserError):
    """The arguments do not fit the method's signature."""
