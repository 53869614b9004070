"""The chatter in the real client (headless Chromium) on a contact's form: messages and
notes posted from the composer, a tracked field saved from the form, follow/unfollow,
an activity marked done, and the chatter hidden on a new record. One RPC per load."""

from __future__ import annotations

import uuid
from types import SimpleNamespace
from typing import Any

import pytest

from agora.testing.addons import served_addons_fixture
from agora.testing.browser import wait_idle, web_login

CHATTER = ".ag-form-widget-chatter .ag-chatter"


# contacts with its demo data, served by a live server of its own
chatter_served = served_addons_fixture(["contacts"], prefix="agora_chatter_web")


@pytest.fixture
def run(chatter_served: SimpleNamespace):
    return chatter_served.run


@pytest.fixture
def web(agora_page, chatter_served: SimpleNamespace):
    web_login(agora_page, chatter_served.url, "admin", "admin")
    agora_page.base_url = chatter_served.url
    return agora_page


def new_contact(run, name: str | None = None, **values: Any) -> tuple[int, str]:
    name = name or f"Chatter {uuid.uuid4().hex[:8]}"
    return run(lambda env: env["res.partner"].create({"name": name, **values}).id), name


def open_form(web, run, partner_id: int) -> None:
    action = run(lambda env: env.ref("contacts.action_contacts").id)
    web.goto(f"{web.base_url}/web#action={action}&view_type=form&id={partner_id}")
    wait_for_chatter(web, partner_id)


def wait_for_chatter(web, partner_id: int) -> None:
    web.wait_for_selector(f"{CHATTER}[data-state=ready][data-res-id='{partner_id}']")
    wait_idle(web)


def rpc_count(web) -> int:
    return web.evaluate("() => window.__agoraRpc.count")


def messages(web) -> list[str]:
    return web.locator(f"{CHATTER} .ag-chatter-message").all_inner_texts()


def test_post_a_message_and_log_a_note(web, run):
    partner_id, name = new_contact(run)
    open_form(web, run, partner_id)
    assert "created" in messages(web)[0]  # the creation note, newest (and only) message

    web.click(f"{CHATTER} .ag-chatter-send")
    web.fill(f"{CHATTER} .ag-chatter-input", "Hello <b>world</b> & co")
    before = rpc_count(web)
    web.click(f"{CHATTER} .ag-chatter-post")
    web.wait_for_function("(n) => document.querySelectorAll('.ag-chatter-message').length === n",
                          arg=2)
    wait_idle(web)
    assert rpc_count(web) - before == 2  # message_post + ONE chatter_read
    newest = web.locator(f"{CHATTER} .ag-chatter-message").first
    # typed text is text: the server escaped it, the page shows it as typed
    assert newest.locator(".ag-chatter-body").inner_text() == "Hello <b>world</b> & co"
    assert newest.locator(".ag-chatter-author").inner_text() == \
        run(lambda env: env.ref("base.user_admin").partner_id.display_name)
    assert not newest.locator(".ag-chatter-badge").count()
    assert not web.locator(f"{CHATTER} .ag-chatter-composer").count()

    web.click(f"{CHATTER} .ag-chatter-log")
    web.fill(f"{CHATTER} .ag-chatter-input", "Internal only")
    web.click(f"{CHATTER} .ag-chatter-post")
    web.wait_for_selector(f"{CHATTER} .ag-chatter-message.ag-chatter-note:has-text('Internal only')")
    wait_idle(web)
    assert "Internal only" in messages(web)[0]

    def posted(env):
        found = env["mail.message"].search([("model", "=", "res.partner"),
                                            ("res_id", "=", partner_id),
                                            ("message_type", "=", "comment")], order="id")
        return [(m.subtype_id.name, m.is_internal) for m in found]
    assert run(posted) == [("Discussions", False), ("Note", True)]


def test_server_html_is_rendered_and_sanitised(web, run):
    partner_id, _name = new_contact(run)

    def post_html(env):
        env["res.partner"].browse(partner_id).message_post(
            body='<p>Bold <b>move</b><script>window.__pwned = 1</script>'
                 '<img src="x" onerror="window.__pwned = 2"></p>', body_is_html=True)
    run(post_html)
    open_form(web, run, partner_id)
    body = web.locator(f"{CHATTER} .ag-chatter-message").first.locator(".ag-chatter-body")
    assert body.locator("b").inner_text() == "move"
    assert not body.locator("script").count()
    assert web.evaluate("() => window.__pwned === undefined")


def test_saving_a_tracked_field_shows_the_tracking_line(web, run):
    partner_id, _name = new_contact(run, email="a@example.com")
    open_form(web, run, partner_id)
    web.fill(".ag-field[data-name=email] input", "b@example.com")
    web.click(".ag-save")
    tracking = f"{CHATTER} .ag-chatter-tracking[data-field=email]"
    web.wait_for_selector(tracking)
    wait_idle(web)
    assert web.locator(tracking).inner_text().replace("\n", " ") == \
        "Email: a@example.com → b@example.com"
    newest = web.locator(f"{CHATTER} .ag-chatter-message").first
    assert newest.locator(".ag-chatter-tracking[data-field=email]").count() == 1


def test_follow_and_unfollow(web, run):
    partner_id, _name = new_contact(run)
    me = run(lambda env: env.ref("base.user_admin").partner_id.id)
    run(lambda env: env["res.partner"].browse(partner_id).message_unsubscribe([me]))
    open_form(web, run, partner_id)
    follow = web.locator(f"{CHATTER} .ag-chatter-follow")
    count = web.locator(f"{CHATTER} .ag-chatter-follower-count")
    others = run(lambda env: len(env["res.partner"].browse(partner_id).message_partner_ids))
    assert (follow.inner_text(), count.inner_text()) == ("Follow", str(others))

    follow.click()
    web.wait_for_selector(f"{CHATTER} .ag-chatter-follow.ag-following")
    wait_idle(web)
    assert (follow.inner_text(), count.inner_text()) == ("Unfollow", str(others + 1))
    def is_follower(env):
        return me in env["res.partner"].browse(partner_id).message_partner_ids.ids
    assert run(is_follower) is True
    web.click(f"{CHATTER} .ag-chatter-followers")
    assert web.locator(f"{CHATTER} .ag-chatter-follower[data-partner-id='{me}']").count() == 1

    follow.click()
    web.wait_for_selector(f"{CHATTER} .ag-chatter-follow:not(.ag-following)")
    wait_idle(web)
    assert (follow.inner_text(), count.inner_text()) == ("Follow", str(others))
    assert run(is_follower) is False


def test_mark_an_activity_done(web, run):
    partner_id, _name = new_contact(run)

    def schedule(env):
        partner = env["res.partner"].browse(partner_id)
        partner.activity_schedule(summary="Call back")
        partner.activity_schedule(summary="Send offer")
    run(schedule)
    open_form(web, run, partner_id)
    activities = web.locator(f"{CHATTER} .ag-chatter-activity")
    assert activities.count() == 2
    assert "Call back" in activities.first.inner_text()
    activities.first.locator(".ag-chatter-activity-done").click()
    web.wait_for_function("() => document.querySelectorAll('.ag-chatter-activity').length === 1")
    wait_idle(web)
    assert "Send offer" in activities.first.inner_text()
    assert "Call back" in messages(web)[0] and "done" in messages(web)[0]
    left = run(lambda env: env["mail.activity"].search(
        [("res_model", "=", "res.partner"), ("res_id", "=", partner_id)]).mapped("summary"))
    assert left == ["Send offer"]


def test_new_record_has_no_chatter_until_saved(web, run):
    action = run(lambda env: env.ref("contacts.action_contacts").id)
    web.goto(f"{web.base_url}/web#action={action}&view_type=form")
    web.wait_for_selector(f"{CHATTER}[data-state=new]")
    assert web.locator(f"{CHATTER} .ag-chatter-new").inner_text() == "Creating a new record..."
    name = f"Brand new {uuid.uuid4().hex[:8]}"
    web.fill(".ag-field[data-name=name] input", name)
    web.click(".ag-save")
    web.wait_for_selector(f"{CHATTER}[data-state=ready]")
    wait_idle(web)
    partner_id = run(lambda env: env["res.partner"].search([("name", "=", name)]).id)
    assert web.locator(CHATTER).get_attribute("data-res-id") == str(partner_id)
    assert "created" in messages(web)[0]


def test_a_form_load_costs_one_chatter_rpc(web, run):
    partner_id, _name = new_contact(run)
    open_form(web, run, partner_id)
    calls: list[str] = []
    web.on("request", lambda request: calls.append(request.url)
           if "/web/dataset/call_kw" in request.url else None)
    web.reload()
    wait_for_chatter(web, partner_id)
    chatter_calls = [url for url in calls if "chatter_read" in url]
    message_calls = [url for url in calls if "mail.message" in url or "mail.followers" in url]
    assert len(chatter_calls) == 1
    assert message_calls == []


def test_the_page_loads_the_chatter_before_the_client(web):
    sources = web.evaluate("() => [...document.querySelectorAll('script[type=module]')]"
                           ".map((s) => new URL(s.src).pathname)")
    assert sources == ["/mail/static/src/chatter/chatter.js", "/web/static/src/webclient/main.js"]
    assert web.locator("link[rel=stylesheet][href='/mail/static/src/chatter/chatter.css']").count() == 1


def test_older_messages_load_on_demand(web, run):
    partner_id, _name = new_contact(run)

    def post_many(env):
        partner = env["res.partner"].browse(partner_id)
        for index in range(35):
            partner.message_post(body=f"number {index}")
    run(post_many)
    open_form(web, run, partner_id)
    assert len(messages(web)) == 30
    assert "number 34" in messages(web)[0]
    older = web.locator(f"{CHATTER} .ag-chatter-older")
    assert older.inner_text() == "Load older messages (6)"
    older.click()
    web.wait_for_function("() => document.querySelectorAll('.ag-chatter-message').length === 36")
    wait_idle(web)
    assert "created" in messages(web)[-1]
    assert not older.count()


def test_the_pager_moves_the_chatter_to_the_next_record(web, run):
    tag = uuid.uuid4().hex[:8]
    first_id, _first = new_contact(run, f"Pager {tag} 1")
    second_id, _second = new_contact(run, f"Pager {tag} 2")
    run(lambda env: env["res.partner"].browse(second_id).message_post(body="only on the second"))
    action = run(lambda env: env.ref("contacts.action_contacts").id)
    web.goto(f"{web.base_url}/web#action={action}&view_type=list")
    web.wait_for_selector(".ag-search-input")
    wait_idle(web)
    web.fill(".ag-search-input", f"Pager {tag}")
    web.press(".ag-search-input", "Enter")
    web.wait_for_function("() => document.querySelectorAll('.ag-data-row').length === 2")
    wait_idle(web)
    web.click(f".ag-data-row[data-id='{first_id}']")
    wait_for_chatter(web, first_id)
    assert not web.locator(f"{CHATTER} .ag-chatter-message:has-text('only on the second')").count()
    web.click(".ag-pager-next")
    wait_for_chatter(web, second_id)
    assert web.locator(f"{CHATTER} .ag-chatter-message:has-text('only on the second')").count() == 1


def test_a_form_in_a_dialog_has_no_chatter(web, run):
    partner_id, _name = new_contact(run)
    open_form(web, run, partner_id)
    calls: list[str] = []
    web.on("request", lambda request: calls.append(request.url)
           if "chatter_read" in request.url else None)
    web.fill(".ag-field[data-name=parent_id] input", f"Dialog Co {uuid.uuid4().hex[:6]}")
    web.click(".ag-m2o-create-edit")
    web.wait_for_selector(".ag-dialog .ag-form")
    wait_idle(web)
    assert web.locator(".ag-dialog .ag-chatter[data-state=dialog]").count() == 1
    assert not web.locator(".ag-dialog .ag-form-widget-chatter").is_visible()
    assert calls == []
    # the page's own chatter is still there
    assert web.locator(f".ag-form-view > .ag-form {CHATTER}[data-state=ready]").count() == 1


def test_attach_a_file_post_it_and_download_it(web, run):
    partner_id, _name = new_contact(run)
    open_form(web, run, partner_id)
    web.click(f"{CHATTER} .ag-chatter-log")
    web.fill(f"{CHATTER} .ag-chatter-input", "Files attached")
    content = "héllo from the browser\n<b>not markup</b>\n"
    files = f"{CHATTER} .ag-chatter-file-input"
    web.set_input_files(files, [
        {"name": "notes <1>.txt", "mimeType": "text/plain", "buffer": content.encode()},
        {"name": "drop-me.txt", "mimeType": "text/plain", "buffer": b"unwanted"}])
    chosen = f"{CHATTER} .ag-chatter-composer-file"
    web.wait_for_function("(s) => document.querySelectorAll(s).length === 2", arg=chosen)
    web.click(f"{chosen}[data-name='drop-me.txt'] .ag-chatter-composer-file-remove")
    web.wait_for_function("(s) => document.querySelectorAll(s).length === 1", arg=chosen)
    assert web.locator(f"{chosen} .ag-chatter-attachment-name").inner_text() == "notes <1>.txt"
    assert web.locator(f"{CHATTER} .ag-chatter-input").input_value() == "Files attached"

    before = rpc_count(web)
    web.click(f"{CHATTER} .ag-chatter-post")
    link = f"{CHATTER} .ag-chatter-message.ag-chatter-note .ag-chatter-attachment-link"
    web.wait_for_selector(link)
    wait_idle(web)
    assert rpc_count(web) - before == 3  # ir.attachment create + message_post + chatter_read
    assert not web.locator(f"{CHATTER} .ag-chatter-composer").count()
    anchor = web.locator(link)
    assert anchor.count() == 1
    assert anchor.inner_text() == "notes <1>.txt"  # a name is text, never markup
    newest = web.locator(f"{CHATTER} .ag-chatter-message").first
    assert "Files attached" in newest.inner_text()

    def stored(env):
        [message] = env["mail.message"].search([("model", "=", "res.partner"),
                                                 ("res_id", "=", partner_id),
                                                 ("message_type", "=", "comment")])
        return [(a.id, a.name, a.res_model, a.res_id, a.raw) for a in message.attachment_ids]
    [(attachment_id, name, res_model, res_id, raw)] = run(stored)
    assert (name, res_model, res_id, raw) == ("notes <1>.txt", "res.partner", partner_id,
                                              content.encode())
    assert anchor.get_attribute("href") == f"/web/content/{attachment_id}?download=true"
    fetched = web.evaluate("""async (href) => {
        const answer = await fetch(href, { credentials: "same-origin" });
        return { status: answer.status, text: await answer.text(),
                 disposition: answer.headers.get("Content-Disposition") };
    }""", anchor.get_attribute("href"))
    assert fetched["status"] == 200
    assert fetched["text"] == content
    assert fetched["disposition"].startswith("attachment;")
