"""Field tracking and the messages logged by mail.thread on res.partner."""

from agora.testing.queries import assert_queries


def _tracking_messages(partner):
    return partner.message_ids.filtered(lambda m: m.tracking_value_ids)


def test_create_logs_a_message_and_subscribes_the_creator(env):
    partner = env["res.partner"].create({"name": "Tracked Ltd", "email": "t@example.com"})
    messages = partner.message_ids
    assert len(messages) == 1
    assert messages.message_type == "notification"
    assert messages.subtype_id == env.ref("mail.mt_note")
    assert "created" in messages.body
    assert messages.author_id == env.user.partner_id
    assert partner.message_partner_ids == env.user.partner_id
    assert partner.message_is_follower


def test_context_keys_skip_log_and_subscription(env):
    partners = env["res.partner"]
    nolog = partners.with_context(mail_create_nolog=True).create({"name": "No log"})
    assert not nolog.message_ids and nolog.message_partner_ids
    nosub = partners.with_context(mail_create_nosubscribe=True).create({"name": "No sub"})
    assert nosub.message_ids and not nosub.message_partner_ids
    quiet = partners.with_context(tracking_disable=True).create({"name": "Quiet"})
    assert not quiet.message_ids and not quiet.message_partner_ids
    quiet.with_context(tracking_disable=True).write({"email": "q@example.com"})
    assert not quiet.message_ids


def test_write_tracks_old_and_new_values_in_one_message(env):
    be, fr = env.ref("base.be"), env.ref("base.fr")
    company = env["res.partner"].create({"name": "Parent Co", "is_company": True})
    partner = env["res.partner"].create({"name": "Jane", "email": "jane@old.example",
                                         "country_id": be.id, "type": "contact"})
    partner.write({"email": "jane@new.example", "country_id": fr.id, "type": "invoice",
                   "parent_id": company.id, "phone": "+32 2 555 00 00", "city": "Liège"})
    messages = _tracking_messages(partner)
    assert len(messages) == 1
    message = messages
    assert message.message_type == "notification" and message.is_internal
    values = {value.field_name: value for value in message.tracking_value_ids}
    assert set(values) == {"email", "country_id", "type", "parent_id", "phone"}  # city untracked
    assert values["email"].old_value_char == "jane@old.example"
    assert values["email"].new_value_char == "jane@new.example"
    assert values["email"].field_desc == partner._fields["email"].string
    # many2one by display name (and id), selection by label
    assert values["country_id"].old_value_char == be.display_name
    assert values["country_id"].new_value_char == fr.display_name
    assert values["country_id"].new_value_integer == fr.id
    assert values["type"].old_value_char == "Contact"
    assert values["type"].new_value_char == "Invoice address"
    assert values["parent_id"].old_value_char == ""
    assert values["parent_id"].new_value_char == "Parent Co"
    assert values["phone"].old_value_char == "" and values["phone"].new_value() == "+32 2 555 00 00"


def test_write_without_a_change_logs_nothing(env):
    partner = env["res.partner"].create({"name": "Same", "email": "same@example.com"})
    partner.write({"email": "same@example.com", "city": "Gent"})
    assert not _tracking_messages(partner)


def test_boolean_tracking_and_one_message_per_record(env):
    partners = env["res.partner"].create([{"name": f"P{i}"} for i in range(3)])
    partners.write({"is_company": True})
    for partner in partners:
        [message] = _tracking_messages(partner)
        [value] = message.tracking_value_ids
        assert (value.old_value_integer, value.new_value_integer) == (0, 1)


def test_tracked_write_of_100_records_runs_a_bounded_number_of_queries(env):
    partners = env["res.partner"].with_context(tracking_disable=True).create(
        [{"name": f"Bulk {i}", "email": f"old{i}@example.com"} for i in range(100)]
    ).with_env(env)
    country = env.ref("base.de")
    env.flush_all()
    env.invalidate_all()
    with assert_queries(env.cr, 10) as log:
        partners.write({"email": "new@example.com", "country_id": country.id})
        env.flush_all()
    count = len(log)
    messages = env["mail.message"].search([("model", "=", "res.partner"),
                                           ("res_id", "in", partners.ids)])
    assert len(messages) == 100
    assert env["mail.tracking.value"].search_count(
        [("message_id", "in", messages.ids)]) == 200
    # Same statements for 10 records: the cost does not grow with the batch.
    few = env["res.partner"].with_context(tracking_disable=True).create(
        [{"name": f"Few {i}"} for i in range(10)]).with_env(env)
    env.flush_all()
    env.invalidate_all()
    with env.cr.capture() as small:
        few.write({"email": "few@example.com", "country_id": country.id})
        env.flush_all()
    assert len(small) == count


def test_create_of_100_records_logs_and_subscribes_in_bounded_queries(env):
    env.flush_all()
    with assert_queries(env.cr, 9):  # 4 of them create the partners themselves
        partners = env["res.partner"].create([{"name": f"New {i}"} for i in range(100)])
        env.flush_all()
    assert env["mail.message"].search_count([("model", "=", "res.partner"),
                                             ("res_id", "in", partners.ids)]) == 100
    assert env["mail.followers"].search_count([("res_model", "=", "res.partner"),
                                               ("res_id", "in", partners.ids)]) == 100


def test_unlink_removes_messages_and_followers(env):
    partner = env["res.partner"].create({"name": "Gone"})
    partner.message_post(body="bye")
    partner_id = partner.id
    partner.unlink()
    assert not env["mail.message"].search([("model", "=", "res.partner"),
                                           ("res_id", "=", partner_id)])
    assert not env["mail.followers"].search([("res_model", "=", "res.partner"),
                                             ("res_id", "=", partner_id)])
