"""mail.template: rendering in the sandbox, send_mail and posting from a template."""

import pytest

from agora.addons.mail.template_render import TemplateRenderError


@pytest.fixture
def partner(env):
    company = env["res.partner"].create({"name": "Acme & Co", "is_company": True})
    return env["res.partner"].create({"name": "Zoë <Admin>", "email": "zoe@example.com",
                                      "parent_id": company.id, "city": "Gent"})


def _template(env, **values):
    vals = {"name": "Welcome", "model": "res.partner",
            "subject": "Hello {{ object.name }}",
            "body_html": "<p>Dear {{ object.name }} of {{ object.parent_id.name }}</p>",
            "email_to": "{{ object.email }}", "partner_to": "{{ object.id }}"}
    vals.update(values)
    return env["mail.template"].create(vals)


def test_render_fields_text_and_escaped_html(env, partner):
    template = _template(env)
    assert template.model == "res.partner"
    assert template.model_id.model == "res.partner"
    assert template._render_field("subject", [partner.id]) == {partner.id: "Hello Zoë <Admin>"}
    body = template._render_field("body_html", [partner.id])[partner.id]
    assert body == "<p>Dear Zoë &lt;Admin&gt; of Acme &amp; Co</p>"


def test_allowed_helpers(env, partner):
    template = _template(env, body_html=(
        "{{ object.child_ids.mapped('name') }}|{{ object.parent_id.child_ids"
        ".filtered('email').mapped('email')|join(',') }}|{{ format_date(object.create_date, '%Y') }}"
        "|{{ format_amount(1234.5) }}"))
    body = template._render_field("body_html", [partner.id])[partner.id]
    year = str(partner.create_date.year)
    assert body == f"[]|zoe@example.com|{year}|1,234.50"


@pytest.mark.parametrize("source", [
    "{{ object.__class__.__mro__ }}",
    "{{ object._name }}",
    "{{ object.unlink() }}",
    "{{ object.write({'name': 'x'}) }}",
    "{{ object.env['res.users'] }}",
    "{{ object.parent_id.sudo() }}",
    "{{ object.mapped(object.unlink) }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ object.no_such_field }}",
])
def test_sandbox_refuses_escapes_and_methods(env, partner, source):
    template = _template(env, name="Evil", body_html=source)
    with pytest.raises(TemplateRenderError, match="mail.template 'Evil', field body_html"):
        template._render_field("body_html", [partner.id])
    assert partner.exists() and partner.name == "Zoë <Admin>"


def test_syntax_errors_name_the_template(env, partner):
    template = _template(env, name="Broken", subject="{{ object.name ")
    with pytest.raises(TemplateRenderError, match="'Broken', field subject: invalid template"):
        template._render_field("subject", [partner.id])


def test_send_mail_queues_a_rendered_mail(env, partner):
    template = _template(env)
    mail_id = template.send_mail(partner.id)
    mail = env["mail.mail"].browse(mail_id)
    assert mail.state == "outgoing"
    assert mail.subject == "Hello Zoë <Admin>"
    assert "Zoë &lt;Admin&gt;" in mail.body_html
    assert "zoe@example.com" in mail.email_to
    assert mail.recipient_ids == partner
    assert (mail.model, mail.res_id) == ("res.partner", partner.id)


def test_message_post_with_template(env, partner):
    template = _template(env)
    record = partner.parent_id
    message = record.message_post_with_template(template.id)
    assert message.subject == "Hello Acme & Co"
    assert message.subtype_id == env.ref("mail.mt_comment")
    assert "Acme &amp; Co" in message.body
    mails = env["mail.mail"].search([("mail_message_id", "=", message.id)])
    # partner_to renders the company itself: it has no e-mail, so nothing is queued for it
    assert not mails
    assert message.partner_ids == record
