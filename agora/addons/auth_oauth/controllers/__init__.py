from agora.addons.auth_oauth.controllers import accounts, login  # noqa: F401
