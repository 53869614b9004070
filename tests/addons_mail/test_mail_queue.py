"""The outgoing queue against a real SMTP server (aiosmtpd on loopback): sent after
commit, nothing on rollback, failures recorded and retried by the cron job, never sent
twice by concurrent workers."""

from datetime import datetime, timedelta

import pytest

from agora.addons.base.cron_runner import run_due_jobs
from agora.db.cursor import Cursor
from agora.db.pool import connect
from agora.modules.registry_manager import registry_for
from agora.orm.environment import SUPERUSER_ID, Environment
from agora.testing.concurrency import run_concurrently
from agora.testing.database import run_committed
from tests.addons_mail.smtp_sink import SmtpSink


def _post(env, subject="Quote ready", email="client@example.com"):
    client = env["res.partner"].create({"name": "Client", "email": email})
    doc = env["res.partner"].create({"name": "Deal"})
    message = doc.message_post(body="<p>Your <b>quote</b></p>", body_is_html=True,
                               subject=subject, subtype_xmlid="mail.mt_comment",
                               partner_ids=[client.id])
    return message.id


def _mails_of(env, message_id):
    return env["mail.mail"].search([("mail_message_id", "=", message_id)])


def test_posted_message_is_delivered_after_commit(committed, mail_server):
    message_id = committed(_post)
    [received] = mail_server.messages
    assert received["Subject"] == "Quote ready"
    assert received["To"] == "Client <client@example.com>"
    html = received.get_body(("html",)).get_content()
    assert "<p>Your <b>quote</b></p>" in html
    assert "Your quote" in received.get_body(("plain",)).get_content()
    mail = committed(lambda env: _mails_of(env, message_id).read(["state", "message_id"]))[0]
    assert mail["state"] == "sent"
    assert mail["message_id"] == received["Message-Id"]


def test_rolled_back_transaction_sends_nothing(contacts_db, committed, mail_server):
    connection = connect(contacts_db)
    try:
        cr = Cursor(connection)
        env = Environment(cr, SUPERUSER_ID, {}, registry=registry_for(cr))
        message_id = _post(env, subject="Never")
        assert _mails_of(env, message_id)
        env.flush_all()
        cr.rollback()
        cr.close()
    finally:
        connection.close()
    assert mail_server.messages == []
    assert not committed(lambda env: env["mail.mail"].search_count([("subject", "=", "Never")]))


def test_smtp_down_then_cron_retry(contacts_db, committed, mail_server):
    mail_server.stop()
    message_id = committed(_post)  # the user's transaction commits all the same
    mail = committed(lambda env: _mails_of(env, message_id).read(
        ["state", "failure_type", "failure_reason", "failure_count"]))[0]
    assert mail["state"] == "exception" and mail["failure_type"] == "mail_smtp"
    assert mail["failure_count"] == 1
    assert "refused" in mail["failure_reason"].lower() or "errno" in mail["failure_reason"].lower()
    assert committed(lambda env: env["mail.message"].browse(message_id).exists().id)

    mail_server.start()
    registry = committed(lambda env: env.registry)
    cron_id = committed(lambda env: env.ref("mail.ir_cron_mail_scheduler_action").id)
    ran = run_due_jobs(lambda: connect(contacts_db), registry,
                       now=datetime.now() + timedelta(days=1))
    assert cron_id in ran
    [received] = mail_server.messages
    assert received["Subject"] == "Quote ready"
    mail = committed(lambda env: _mails_of(env, message_id).read(["state", "failure_reason"]))[0]
    assert mail == {**mail, "state": "sent", "failure_reason": False}


def test_retries_are_bounded(committed, mail_server):
    mail_server.stop()
    committed(lambda env: env["ir.config_parameter"].set_param("mail.send_max_attempts", "2"))
    try:
        message_id = committed(_post)  # attempt 1 (after commit)
        assert committed(lambda env: env["mail.mail"].process_email_queue()) == 0  # attempt 2
        committed(lambda env: env["mail.mail"].process_email_queue())  # no attempt 3
        mail = committed(lambda env: _mails_of(env, message_id).read(
            ["state", "failure_count", "failure_reason"]))[0]
        assert mail["state"] == "exception" and mail["failure_count"] == 2
        mail_server.start()
        assert committed(lambda env: env["mail.mail"].process_email_queue()) == 0
        assert mail_server.messages == []
        # a manual retry queues it again, and it goes out after commit
        committed(lambda env: _mails_of(env, message_id).mark_outgoing())
        assert len(mail_server.messages) == 1
    finally:
        committed(lambda env: env["ir.config_parameter"].set_param("mail.send_max_attempts", "5"))


def test_mail_without_recipient_fails_without_retry(committed, mail_server):
    mail_id = committed(lambda env: env["mail.mail"].create(
        {"subject": "Nobody", "body_html": "<p>x</p>"}).id)
    mail = committed(lambda env: env["mail.mail"].browse(mail_id).read(
        ["state", "failure_type"]))[0]
    assert (mail["state"], mail["failure_type"]) == ("exception", "mail_email_missing")
    assert mail_server.messages == []


def test_header_injection_is_refused(committed, mail_server):
    mail_id = committed(lambda env: env["mail.mail"].create(
        {"subject": "Hi\r\nBcc: victim@example.com", "email_to": "a@example.com"}).id)
    mail = committed(lambda env: env["mail.mail"].browse(mail_id).read(
        ["state", "failure_type"]))[0]
    assert (mail["state"], mail["failure_type"]) == ("exception", "mail_email_invalid")
    assert mail_server.messages == []


@pytest.fixture
def slow_mail_server(committed):
    sink = SmtpSink(delay=0.02).start()

    def configure(env):
        env["ir.mail_server"].search([]).unlink()
        env["ir.mail_server"].create({"name": "slow sink", "smtp_host": "127.0.0.1",
                                      "smtp_port": sink.port})
    committed(configure)
    yield sink
    sink.stop()

    def wipe(env):
        env.cr.execute("DELETE FROM mail_mail")
        env.cr.execute("DELETE FROM ir_mail_server")
    committed(wipe)


def test_concurrent_workers_never_send_a_mail_twice(contacts_db, committed, slow_mail_server):
    def queue(env):
        return env["mail.mail"].with_context(mail_notify_force_send=False).create([
            {"subject": f"Batch {i}", "email_to": f"r{i}@example.com", "body_html": "<p>b</p>"}
            for i in range(30)]).ids
    ids = committed(queue)
    assert slow_mail_server.messages == []  # left to the workers

    def worker():
        sent = 0
        for _round in range(3):
            sent += run_committed(contacts_db,
                                  lambda env: env["mail.mail"].process_email_queue(limit=10))
        return sent

    results = run_concurrently(worker, 4)
    subjects = [message["Subject"] for message in slow_mail_server.messages]
    assert sorted(subjects) == sorted(f"Batch {i}" for i in range(30))
    assert sum(results) == 30
    states = committed(lambda env: set(env["mail.mail"].browse(ids).mapped("state")))
    assert states == {"sent"}


def test_template_mail_with_attachment_is_delivered(committed, mail_server):
    def send(env):
        partner = env["res.partner"].create({"name": "Ann", "email": "ann@example.com"})
        attachment = env["ir.attachment"].create({"name": "terms.txt", "raw": b"be nice",
                                                  "mimetype": "text/plain"})
        template = env["mail.template"].create({
            "name": "Terms", "model": "res.partner", "subject": "Terms for {{ object.name }}",
            "body_html": "<p>Hi {{ object.name }}</p>", "partner_to": "{{ object.id }}",
            "email_from": "shop@example.com", "attachment_ids": [(6, 0, attachment.ids)]})
        return template.send_mail(partner.id)
    committed(send)
    [received] = mail_server.messages
    assert received["Subject"] == "Terms for Ann"
    assert received["From"] == "shop@example.com"
    assert received["To"] == "Ann <ann@example.com>"
    [attached] = list(received.iter_attachments())
    assert attached.get_filename() == "terms.txt"
    assert attached.get_content() == "be nice"


def test_mail_server_connection_test(committed, mail_server):
    from agora.orm.exceptions import UserError

    def check(env):
        return env["ir.mail_server"].search([]).test_smtp_connection()
    assert committed(check)["params"]["type"] == "success"
    mail_server.stop()
    with pytest.raises(UserError, match="cannot connect to 127.0.0.1"):
        committed(check)


def test_scheduled_mail_waits_for_its_date(committed, mail_server):
    later = datetime.now() + timedelta(hours=2)
    mail_id = committed(lambda env: env["mail.mail"].create(
        {"subject": "Later", "email_to": "l@example.com", "scheduled_date": later}).id)
    assert mail_server.messages == []
    assert committed(lambda env: env["mail.mail"].browse(mail_id).state) == "outgoing"
    committed(lambda env: env["mail.mail"].browse(mail_id).write(
        {"scheduled_date": datetime.now() - timedelta(minutes=1)}))
    assert committed(lambda env: env["mail.mail"].process_email_queue()) == 1
    assert [m["Subject"] for m in mail_server.messages] == ["Later"]


def test_sent_mails_marked_auto_delete_are_removed(committed, mail_server):
    mail_id = committed(lambda env: env["mail.mail"].create(
        {"subject": "Ephemeral", "email_to": "e@example.com", "auto_delete": True}).id)
    assert [m["Subject"] for m in mail_server.messages] == ["Ephemeral"]
    assert not committed(lambda env: env["mail.mail"].browse(mail_id).exists())


def test_message_post_over_rpc_is_delivered(committed, mail_server):
    from agora.rpc.dispatch import call_kw

    def post(env):
        client = env["res.partner"].create({"name": "Rpc Client", "email": "rpc@example.com"})
        doc = env["res.partner"].create({"name": "Rpc Doc"})
        return call_kw(env, "res.partner", "message_post", [[doc.id]], {
            "body": "<b>plain</b>", "subject": "Over RPC", "subtype_xmlid": "mail.mt_comment",
            "partner_ids": [client.id]})
    result = committed(post)
    assert isinstance(result, list) and len(result) == 1  # no api.returns yet: [id], not id
    [received] = mail_server.messages
    assert received["Subject"] == "Over RPC"
    assert "&lt;b&gt;plain&lt;/b&gt;" in received.get_body(("html",)).get_content()


def test_the_queue_does_not_keep_cursors_alive(committed, mail_server):
    import gc
    import weakref

    cursors = []

    def queue(env):
        cursors.append(weakref.ref(env.cr))
        env["mail.mail"].create({"subject": "Weak", "email_to": "w@example.com"})
    committed(queue)
    gc.collect()
    assert cursors[0]() is None  # nothing in mail_queue._pending holds it
