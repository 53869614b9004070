from agora.addons.demo.models import contact, order, product  # noqa: F401
