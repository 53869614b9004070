from agora.addons.mail.controllers import attachment  # noqa: F401
