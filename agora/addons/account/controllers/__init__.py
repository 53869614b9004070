from agora.addons.account.controllers import report  # noqa: F401
