"""Messaging on records (chatter), followers, field tracking, activities, the outgoing
e-mail queue (``mail.mail`` sent after commit and by a cron job) and e-mail templates."""

from agora.addons.mail import models  # noqa: F401
