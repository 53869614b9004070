from agora.addons.contacts.models import res_partner  # noqa: F401
