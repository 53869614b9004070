from . import audited  # noqa: F401
