"""Followers, message_post and who gets an e-mail."""

import pytest
from markupsafe import Markup

from agora.orm.exceptions import UserError, ValidationError


@pytest.fixture
def people(env):
    partners = env["res.partner"]
    return {
        "doc": partners.create({"name": "Document"}),
        "ann": partners.create({"name": "Ann", "email": "ann@example.com"}),
        "bob": partners.create({"name": "Bob", "email": "bob@example.com"}),
        "noemail": partners.create({"name": "No Mail"}),
    }


def test_subscribe_and_unsubscribe(env, people):
    doc, ann, bob = people["doc"], people["ann"], people["bob"]
    doc.message_subscribe([ann.id, bob.id])
    doc.message_subscribe([ann.id])  # twice: still one follower row
    assert doc.message_partner_ids == env.user.partner_id | ann | bob
    assert len(doc.message_follower_ids) == 3
    found = env["res.partner"].search([("message_partner_ids", "in", [ann.id])])
    assert doc in found and ann not in found
    doc.message_unsubscribe([ann.id])
    assert doc.message_partner_ids == env.user.partner_id | bob
    assert not env["res.partner"].search([("message_partner_ids", "in", [ann.id]),
                                          ("id", "=", doc.id)])
    assert env["res.partner"].search([("message_partner_ids", "not in", [ann.id]),
                                      ("id", "=", doc.id)]) == doc


def test_a_partner_follows_a_record_once(env, people):
    doc, ann = people["doc"], people["ann"]
    doc.message_subscribe([ann.id])
    with pytest.raises(ValidationError):
        env["mail.followers"].create({"res_model": "res.partner", "res_id": doc.id,
                                      "partner_id": ann.id})
        env.flush_all()


def test_note_is_mailed_only_to_the_partners_named(env, people):
    doc, ann, bob = people["doc"], people["ann"], people["bob"]
    doc.message_subscribe([ann.id])
    message = doc.message_post(body="internal <b>only</b>", partner_ids=[bob.id])
    assert message.subtype_id == env.ref("mail.mt_note") and message.is_internal
    assert "&lt;b&gt;" in message.body  # plain text is escaped, not HTML
    mails = env["mail.mail"].search([("mail_message_id", "=", message.id)])
    assert mails.mapped("recipient_ids") == bob


def test_discussion_is_mailed_to_followers_and_recipients_not_author(env, people):
    doc, ann, bob, noemail = people["doc"], people["ann"], people["bob"], people["noemail"]
    doc.message_subscribe([ann.id, noemail.id])
    message = doc.message_post(body=Markup("<p>Hello <b>all</b></p>"), subject="Hi",
                               subtype_xmlid="mail.mt_comment", partner_ids=[bob.id])
    assert not message.is_internal and message.body == "<p>Hello <b>all</b></p>"
    assert message.partner_ids == bob
    mails = env["mail.mail"].search([("mail_message_id", "=", message.id)])
    assert sorted(mails.mapped("email_to")) == ["Ann <ann@example.com>", "Bob <bob@example.com>"]
    assert set(mails.mapped("subject")) == {"Hi"}
    assert set(mails.mapped("state")) == {"outgoing"}
    assert all("<b>all</b>" in mail.body_html for mail in mails)
    # the author (current user) follows the record but gets no copy of their own post
    assert env.user.partner_id in doc.message_partner_ids


def test_message_post_refuses_bad_arguments(env, people):
    doc = people["doc"]
    with pytest.raises(UserError, match="message_type"):
        doc.message_post(body="x", message_type="sms")
    with pytest.raises(UserError, match="unknown arguments"):
        doc.message_post(body="x", colour="red")
    with pytest.raises(UserError, match="no_such_subtype"):
        doc.message_post(body="x", subtype_xmlid="mail.no_such_subtype")


def test_posted_attachments_are_linked_to_the_record(env, people):
    doc = people["doc"]
    attachment = env["ir.attachment"].create({"name": "a.txt", "raw": b"hello"})
    message = doc.message_post(body="see file", attachment_ids=[attachment.id])
    assert message.attachment_ids == attachment
    assert (attachment.res_model, attachment.res_id) == ("res.partner", doc.id)
