"""The Contacts app: res.partner with a chatter, activities and its views."""

from agora.addons.contacts import models  # noqa: F401
