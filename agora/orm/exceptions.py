"""Typed exceptions raised by the ORM.

The names match the ones Odoo clients know (UserError, ValidationError, AccessError,
AccessDenied, MissingError) so the RPC layer can report them under familiar names. The
more specific errors carry ``model`` and ``field`` so callers know exactly what was wrong.
"""

from __future__ import annotations


class UserError(Exception):
    """An error meant to be shown to the user; the transaction is rolled back."""

    def __init__(self, message: str, *, model: str | None = None,
                 field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.model = model
        self.field = field

    def __str__(self) -> str:
        return self.message


class ValidationError(UserError):
    """A value breaks a constraint: Python (``@api.constrains``) or SQL."""


class AccessError(UserError):
    """The user may not perform this operation on these records."""


class AccessDenied(UserError):
    """Authentication failed."""

    def __init__(self, message: str = "Access Denied", **kwargs: str | None) -> None:
        super().__init__(message, **kwargs)


class MissingError(UserError):
    """Some records do not exist (any more)."""


class CacheMiss(KeyError):
    """Internal: a value is not in the cache."""


class UnknownFieldError(ValidationError, ValueError):
    """A field name does not exist on the model."""


class InvalidValueError(ValidationError, ValueError):
    """A value has the wrong type or shape for its field."""


class RequiredFieldError(ValidationError):
    """A required field got no value."""


class ConstraintError(ValidationError):
    """The database refused a change: unique, check, not-null or foreign-key constraint."""

    def __init__(self, message: str, *, model: str | None = None, field: str | None = None,
                 constraint: str | None = None) -> None:
        super().__init__(message, model=model, field=field)
        self.constraint = constraint


class InvalidDomainError(UserError, ValueError):
    """A search domain is malformed or names unknown fields or operators."""


class InvalidOrderError(UserError, ValueError):
    """An order specification is malformed or names unknown fields."""


class SchemaError(UserError):
    """Schema synchronisation would lose data or cannot be applied."""


class SpecificationError(UserError, ValueError):
    """A ``web_read`` / ``web_search_read`` / ``web_save`` specification is malformed, or
    asks for more than one call may read: ``field`` is the dotted field path at fault and
    ``bound`` the limit exceeded (nesting depth or records read; None when malformed)."""

    def __init__(self, message: str, *, model: str | None = None, field: str | None = None,
                 bound: int | None = None) -> None:
        super().__init__(message, model=model, field=field)
        self.bound = bound
