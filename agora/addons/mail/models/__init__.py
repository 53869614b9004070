from agora.addons.mail.models import (  # noqa: F401
    ir_mail_server,
    mail_activity,
    mail_activity_mixin,
    mail_activity_type,
    mail_followers,
    mail_mail,
    mail_message,
    mail_message_subtype,
    mail_template,
    mail_thread,
    mail_thread_web,
    mail_tracking_value,
)
