from . import probe  # noqa: F401
