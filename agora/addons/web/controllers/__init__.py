from agora.addons.web.controllers import home, login  # noqa: F401
