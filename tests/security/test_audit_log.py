"""The audit trail on a real database: data changes of models that opt in (old and new
values, one INSERT per batch, secrets masked, nothing for other models, nothing for
rolled-back changes), the append-only ``audit.log`` model (Settings read it, nobody
edits it), and security events (stored whatever the transaction does; access refusals;
API key use)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from agora.db.cursor import Cursor
from agora.db.pool import connect
from agora.modules.paths import add_addons_paths
from agora.orm.environment import SUPERUSER_ID, Environment
from agora.orm.exceptions import AccessError
from agora.security import audit
from agora.testing.addons import installed_database, rolled_back_env
from agora.testing.database import run_committed

ADDONS = Path(__file__).parent / "addons"


@pytest.fixture(scope="module")
def setup(agora_server_url: str) -> Iterator[SimpleNamespace]:
    add_addons_paths([ADDONS])
    with installed_database(agora_server_url, ["test_audit"], prefix="agora_audit") as db:
        def users(env: Environment) -> dict[str, int]:
            def user(login: str, *groups: str) -> int:
                return env["res.users"].create({
                    "name": login.title(), "login": login, "password": f"{login}-pw",
                    "groups_id": [(6, 0, [env.ref(g).id for g in groups])]}).id
            return {"alice": user("alice", "base.group_user"),
                    "sysadmin": user("sysadmin", "base.group_system"),
                    "admin": env.ref("base.user_admin").id}
        yield SimpleNamespace(conninfo=db, **run_committed(db, users))


@pytest.fixture
def env(setup: SimpleNamespace) -> Iterator[Environment]:
    with rolled_back_env(setup.conninfo) as env:
        yield env


def rows(env: Environment, **where: object) -> list[dict]:
    """audit_log rows matching ``where`` (after flushing pending ones), oldest first."""
    env.flush_all()
    conditions = " AND ".join(f"{name} = %s" for name in where) or "TRUE"
    env.cr.execute(f"SELECT * FROM audit_log WHERE {conditions} ORDER BY id",  # noqa: S608
                   tuple(where.values()))
    return env.cr.dictfetchall()


def committed_rows(conninfo: str, **where: object) -> list[dict]:
    """Rows as another connection sees them (committed)."""
    connection = connect(conninfo)
    try:
        with Cursor(connection) as cr:
            conditions = " AND ".join(f"{name} = %s" for name in where) or "TRUE"
            cr.execute(f"SELECT * FROM audit_log WHERE {conditions} ORDER BY id",  # noqa: S608
                       tuple(where.values()))
            return cr.dictfetchall()
    finally:
        connection.close()


# -- data changes --------------------------------------------------------------------------------
def test_create_write_unlink_record_old_and_new_values(env, setup):
    partners = env["res.partner"].with_user(setup.admin)
    partner = partners.create({"name": "Audited Ltd", "email": "a@example.com",
                               "phone": "123"})
    [created] = rows(env, model="res.partner", res_id=partner.id)
    assert created["operation"] == "create" and created["uid"] == setup.admin
    assert created["old_values"] is None
    assert created["new_values"]["name"] == "Audited Ltd"
    assert created["new_values"]["email"] == "a@example.com"
    assert "create_date" not in created["new_values"]  # the ORM's own bookkeeping
    assert created["create_date"] is not None

    partner.write({"email": "b@example.com", "phone": "123"})  # phone: unchanged
    write = rows(env, model="res.partner", res_id=partner.id)[1]
    assert write["operation"] == "write" and write["uid"] == setup.admin
    assert write["old_values"] == {"email": "a@example.com"}
    assert write["new_values"] == {"email": "b@example.com"}

    company = env.ref("base.main_company")
    partner.write({"company_id": company.id})
    write = rows(env, model="res.partner", res_id=partner.id)[2]
    assert write["old_values"] == {"company_id": None}
    assert write["new_values"] == {"company_id": company.id}

    partner.unlink()
    unlink = rows(env, model="res.partner", res_id=partner.id)[3]
    assert unlink["operation"] == "unlink" and unlink["new_values"] is None
    assert unlink["old_values"]["name"] == "Audited Ltd"
    assert unlink["old_values"]["email"] == "b@example.com"
    assert unlink["old_values"]["company_id"] == company.id


def test_a_write_changing_nothing_leaves_no_row(env):
    partner = env["res.partner"].create({"name": "Same"})
    partner.write({"name": "Same"})
    assert [r["operation"] for r in rows(env, model="res.partner", res_id=partner.id)] == [
        "create"]


def test_sudo_changes_are_attributed_to_the_real_user(env, setup):
    partner = env["res.partner"].with_user(setup.alice).sudo().create({"name": "Via sudo"})
    [row] = rows(env, model="res.partner", res_id=partner.id)
    assert row["uid"] == setup.alice and row["details"] == {"sudo": True}


def test_models_that_do_not_opt_in_log_nothing(env):
    env.flush_all()
    env.cr.execute("SELECT count(*) FROM audit_log")
    before = env.cr.fetchone()[0]
    category = env["res.partner.category"].create({"name": "Unaudited"})
    category.write({"name": "Still unaudited"})
    category.unlink()
    currency = env["res.currency"].search([], limit=1)
    currency.write({"symbol": "¤"})
    env.flush_all()
    env.cr.execute("SELECT count(*) FROM audit_log")
    assert env.cr.fetchone()[0] == before
    assert not rows(env, model="res.partner.category")


def test_rolled_back_changes_leave_no_row(env):
    partner = env["res.partner"].create({"name": "Kept"})
    env.flush_all()
    with pytest.raises(RuntimeError), env.cr.savepoint():
        partner.write({"name": "Undone"})
        env["res.partner"].create({"name": "Never existed"})
        raise RuntimeError("abort the block")
    assert [r["operation"] for r in rows(env, model="res.partner", res_id=partner.id)] == [
        "create"]
    assert all(r["new_values"].get("name") != "Never existed"
               for r in rows(env, model="res.partner", operation="create"))


# -- cost ------------------------------------------------------------------------------------
def _statements(env: Environment, work) -> list[str]:
    with env.cr.capture() as log:
        work()
        env.flush_all()
    return [code for code, _params in log]


def _audit_inserts(statements: list[str]) -> int:
    return sum(code.startswith('INSERT INTO "audit_log"') for code in statements)


def _compare(env: Environment, monkeypatch, make, work) -> tuple[list[str], list[str], object]:
    """Statements of ``work(records)`` on fresh uncached records, audit off then on (and
    the records of the audited run)."""
    model_class = type(env["res.partner"])
    found = {}
    for audited in (False, True):
        monkeypatch.setattr(model_class, "_audit", audited)
        records = make()
        env.invalidate_all()  # nothing cached: old values must be read
        found[audited] = _statements(env, lambda records=records: work(records))
    monkeypatch.setattr(model_class, "_audit", True)
    return found[False], found[True], records


def test_writing_100_audited_records_costs_one_read_and_one_insert(env, monkeypatch):
    def make():
        return env["res.partner"].create([{"name": f"P{i}", "email": f"p{i}@x"}
                                          for i in range(100)])
    plain, audited, partners = _compare(env, monkeypatch, make,
                                        lambda partners: partners.write({"email": "new@x"}))
    # exactly two more statements: one SELECT of the old values, one INSERT
    assert len(audited) == len(plain) + 2, (plain, audited)
    extra = [code for code in audited if code not in plain]
    assert len(extra) == 2 and extra[0].startswith("SELECT") and _audit_inserts(extra) == 1
    assert len([r for r in rows(env, model="res.partner", operation="write")
                if r["new_values"] == {"email": "new@x"}]) == 100

    # old values already cached (just written): the INSERT is the only extra statement
    statements = _statements(env, lambda: partners.write({"email": "newer@x"}))
    assert _audit_inserts(statements) == 1
    assert not [code for code in statements if code.startswith("SELECT")]


def test_unlinking_100_audited_records_costs_one_read_and_one_insert(env, monkeypatch):
    def make():
        return env["res.partner"].create([{"name": f"U{i}"} for i in range(100)])
    plain, audited, _partners = _compare(env, monkeypatch, make,
                                         lambda partners: partners.unlink())
    # unlink reads the records' columns anyway (for the fields depending on them): the
    # old values come from that same single SELECT, the INSERT is the only addition
    def selects(statements: list[str]) -> int:
        return sum(code.startswith("SELECT") for code in statements)
    assert selects(audited) == selects(plain), (plain, audited)
    assert _audit_inserts(audited) == 1
    assert len(audited) <= len(plain) + 1
    assert len([r for r in rows(env, model="res.partner", operation="unlink")
                if r["old_values"]["name"].startswith("U")]) == 100


def test_creating_100_audited_records_costs_one_insert(env, monkeypatch):
    def make():
        return env["res.partner"]
    plain, audited, _model = _compare(env, monkeypatch, make, lambda partners: partners.create(
        [{"name": f"C{i}"} for i in range(100)]))
    assert len(audited) == len(plain) + 1, (plain, audited)
    assert _audit_inserts(audited) == 1


def test_a_loop_of_writes_costs_one_insert_per_flush(env):
    partners = env["res.partner"].create([{"name": f"L{i}"} for i in range(50)])
    partners.mapped("phone")  # prefetched: old values come from the cache

    def loop() -> None:
        for index, partner in enumerate(partners):
            partner.write({"phone": f"+{index}"})
    statements = _statements(env, loop)
    # phone has no dependents: the writes stay buffered, one flush writes them all
    assert _audit_inserts(statements) == 1
    assert not [code for code in statements if code.startswith("SELECT")]
    written = rows(env, model="res.partner", operation="write")
    assert {r["res_id"] for r in written if "phone" in r["new_values"]} == set(partners.ids)


# -- secrets ------------------------------------------------------------------------------------
def test_secrets_are_masked(env, setup):
    partner = env["res.partner"].create({"name": "Secretive", "secret_note": "launch codes"})
    partner.write({"secret_note": "new codes"})
    partner.unlink()
    found = rows(env, model="res.partner", res_id=partner.id)
    assert [r["operation"] for r in found] == ["create", "write", "unlink"]
    assert found[0]["new_values"]["secret_note"] == audit.MASK
    assert found[1]["old_values"] == {"secret_note": audit.MASK}
    assert found[1]["new_values"] == {"secret_note": audit.MASK}
    assert "secret_note" not in found[2]["old_values"]
    # res.users opted in by the test addon: the password never appears, hashed or not
    user = env["res.users"].browse(setup.alice)
    user.write({"password": "correct horse battery"})
    [write] = [r for r in rows(env, model="res.users", res_id=setup.alice)
               if r["operation"] == "write"]
    assert write["new_values"] == {"password": audit.MASK}
    env.cr.execute("SELECT count(*) FROM audit_log WHERE old_values::text LIKE %s"
                   " OR new_values::text LIKE %s OR old_values::text LIKE %s"
                   " OR new_values::text LIKE %s",
                   ("%battery%", "%battery%", "%argon2%", "%argon2%"))
    assert env.cr.fetchone()[0] == 0


# -- the audit.log model --------------------------------------------------------------------------
def test_only_settings_members_read_the_log_and_nobody_edits_it(env, setup):
    env["res.partner"].create({"name": "Visible in the log"})
    env.flush_all()
    admin_log = env["audit.log"].with_user(setup.sysadmin)
    found = admin_log.search([("model", "=", "res.partner")], limit=1)
    assert found and found.operation == "create"
    assert found.read(["new_values"])[0]["new_values"]["name"]
    assert '"name": "Visible in the log"' in found.new_values_text

    alice_log = env["audit.log"].with_user(setup.alice)
    with pytest.raises(AccessError):
        alice_log.search([])
    with pytest.raises(AccessError):
        alice_log.browse(found.id).read(["model"])

    for log in (admin_log, env["audit.log"].sudo(), env["audit.log"]):
        with pytest.raises(AccessError):
            log.browse(found.id).write({"model": "tampered"})
        with pytest.raises(AccessError):
            log.browse(found.id).unlink()
        with pytest.raises(AccessError):
            log.create({"operation": "create", "model": "forged"})
    with pytest.raises(AccessError):
        admin_log.vacuum("2999-01-01 00:00:00")
    assert env["audit.log"].browse(found.id).exists()


def test_vacuum_by_the_superuser_deletes_old_rows(env):
    env["res.partner"].create({"name": "Old news"})
    env.flush_all()
    env.cr.execute("UPDATE audit_log SET create_date = '2000-01-01' WHERE id = "
                   "(SELECT max(id) FROM audit_log)")
    assert env["audit.log"].sudo().vacuum("2001-01-01 00:00:00") >= 1
    env.cr.execute("SELECT count(*) FROM audit_log WHERE create_date < '2001-01-01'")
    assert env.cr.fetchone()[0] == 0


def test_the_daily_vacuum_keeps_the_retention_period(env):
    env["res.partner"].create({"name": "Ancient"})
    env["res.partner"].create({"name": "Recent"})
    env.flush_all()
    env.cr.execute("SELECT max(id) FROM audit_log")
    newest = env.cr.fetchone()[0]
    env.cr.execute("UPDATE audit_log SET create_date = now() at time zone 'UTC'"
                   " - interval '40 days' WHERE id = %s", (newest - 1,))
    params = env["ir.config_parameter"].sudo()
    params.set_param("base.audit_log_retention_days", "0")  # 0: keep everything
    assert "audit.log" not in env["ir.autovacuum"]._run_vacuum_cleaner()
    params.set_param("base.audit_log_retention_days", "30")
    assert env["ir.autovacuum"]._run_vacuum_cleaner()["audit.log"] >= 1
    env.cr.execute("SELECT id FROM audit_log WHERE id = ANY(%s)", ([newest - 1, newest],))
    assert [row[0] for row in env.cr.fetchall()] == [newest]


def test_pending_rows_are_found_by_a_search_on_the_log(env):
    partner = env["res.partner"].create({"name": "Searchable"})
    found = env["audit.log"].search([("model", "=", "res.partner"),
                                     ("res_id", "=", partner.id)])
    assert found.operation == "create"


# -- security events --------------------------------------------------------------------------------
def test_a_security_event_survives_the_rollback_of_its_transaction(setup):
    login = "ghost-rollback"
    connection = connect(setup.conninfo)
    try:
        cr = Cursor(connection)
        cr.execute("SELECT 1")
        audit.log_security_event(cr, audit.LOGIN_FAILED, login=login, ip="203.0.113.9",
                                 details={"reason": "wrong password"})
        assert not committed_rows(setup.conninfo, login=login)  # queued until the end
        cr.rollback()
        [row] = committed_rows(setup.conninfo, login=login)
        assert row["operation"] == "security" and row["event"] == "login_failed"
        assert row["ip"] == "203.0.113.9" and row["details"] == {"reason": "wrong password"}

        # committed: stored once, not twice
        audit.log_security_event(cr, audit.LOGIN, uid=setup.alice, login=login)
        cr.commit()
        assert [r["event"] for r in committed_rows(setup.conninfo, login=login)] == [
            "login_failed", "login"]

        # a read-only transaction (a read-only unit): stored after it too
        connection.read_only = True
        cr.execute("SELECT 1")
        audit.log_security_event(cr, audit.TOTP_FAILED, uid=setup.alice, login=login)
        cr.rollback()
        assert connection.read_only
        assert committed_rows(setup.conninfo, login=login)[-1]["event"] == "totp_failed"
        cr.close()
    finally:
        connection.close()


def test_events_logged_on_a_replica_cursor_go_to_the_primary(setup):
    login = "ghost-replica"
    connection = connect(setup.conninfo)

    class ReplicaCursor(Cursor):
        pass

    def primary(_dbname: str):
        return Cursor(connect(setup.conninfo))

    try:
        cr = ReplicaCursor(connection, on_replica=True)
        audit.set_primary_cursor_factory(primary)
        audit.log_security_event(cr, audit.ACCESS_DENIED, login=login)
        cr.rollback()
        assert [r["event"] for r in committed_rows(setup.conninfo, login=login)] == [
            "access_denied"]
        audit.set_primary_cursor_factory(None)
        audit.log_security_event(cr, audit.ACCESS_DENIED, login=login)
        cr.rollback()  # no way to the primary: the logger only, no error
        assert len(committed_rows(setup.conninfo, login=login)) == 1
        cr.close()
    finally:
        audit.set_primary_cursor_factory(None)
        connection.close()


def test_access_refusals_are_security_events(setup):
    uid = setup.alice
    with rolled_back_env(setup.conninfo) as env:
        before = len(committed_rows(setup.conninfo, uid=uid, event="access_denied"))
        # no access line grants alice write on groups
        with pytest.raises(AccessError):
            env["res.groups"].with_user(uid).search([], limit=1).write({"name": "x"})
        # a record rule (multi-company) refuses another company's contact
        other = env["res.company"].create({"name": "Elsewhere",
                                           "currency_id": env.ref("base.EUR").id})
        hidden = env["res.partner"].create({"name": "Hidden", "company_id": other.id})
        with pytest.raises(AccessError):
            hidden.with_user(uid).read(["name"])
        with pytest.raises(AccessError):
            hidden.with_user(uid).read(["name"])  # same refusal: merged into one event
        # asking is not trying: no event
        assert env["res.groups"].with_user(uid).check_access_rights(
            "unlink", raise_exception=False) is False
        env.cr.rollback()
        events = committed_rows(setup.conninfo, uid=uid, event="access_denied")[before:]
    by_kind = {(e["model"], e["details"]["operation"], e["details"]["kind"]): e
               for e in events}
    assert set(by_kind) == {("res.groups", "write", "model"),
                            ("res.partner", "read", "rule")}, events
    rule_event = by_kind[("res.partner", "read", "rule")]
    assert rule_event["details"]["rules"] == ["Contacts: multi-company"]
    assert rule_event["details"]["ids"] == [hidden.id] and rule_event["res_id"] == hidden.id
    assert "not allowed" in by_kind[("res.groups", "write", "model")]["details"]["message"]


def test_api_key_use_creation_and_revocation_are_security_events(setup, monkeypatch):
    from agora.addons.base.models import res_users_apikeys
    monkeypatch.setattr(res_users_apikeys, "USE_LOG_INTERVAL", 60.0)
    res_users_apikeys._last_logged.clear()
    with rolled_back_env(setup.conninfo, uid=setup.alice) as env:
        key = env["res.users.apikeys"].generate("audit test", scope="rpc")
        keys = env["res.users.apikeys"].sudo()
        assert keys._check_credentials("rpc", key) == setup.alice
        assert keys._check_credentials("rpc", key) == setup.alice  # within the interval
        assert keys._check_credentials("rpc", "0" * 40) is None
        key_id = env["res.users.apikeys"].search([("name", "=", "audit test")]).id
        env["res.users.apikeys"].browse(key_id).revoke()
        env.cr.rollback()
    events = [e for e in committed_rows(setup.conninfo, model="res.users.apikeys",
                                        res_id=key_id)]
    assert [e["event"] for e in events] == ["apikey_created", "apikey_used", "apikey_revoked"]
    assert events[1]["uid"] == setup.alice and events[1]["details"] == {
        "name": "audit test", "scope": "rpc"}
    assert key not in str(events) and key[:8] not in str(events)

    monkeypatch.setattr(res_users_apikeys, "USE_LOG_INTERVAL", 0.0)
    with rolled_back_env(setup.conninfo, uid=setup.alice) as env:
        key = env["res.users.apikeys"].generate("every use", scope="rpc")
        env.cr.commit()
        keys = env["res.users.apikeys"].sudo()
        for _ in range(3):
            assert keys._check_credentials("rpc", key) == setup.alice
        key_id = keys.search([("name", "=", "every use")]).id
        env.cr.commit()
    uses = committed_rows(setup.conninfo, model="res.users.apikeys", res_id=key_id,
                          event="apikey_used")
    assert len(uses) == 3


def test_the_superuser_is_never_refused_nor_logged(setup):
    with rolled_back_env(setup.conninfo) as env:
        env["res.groups"].search([], limit=1).write({"comment": "root may"})
        assert not audit.pending_events(env.cr)
    assert SUPERUSER_ID == 1


def test_security_configuration_is_audited_out_of_the_box(env, setup):
    """Users, groups, access lines and record rules opt in from base itself."""
    admin = env["res.users"].with_user(setup.admin)
    admin.browse(setup.alice).write({"groups_id": [(4, env.ref("base.group_system").id)]})
    [grant] = [r for r in rows(env, model="res.users", res_id=setup.alice)
               if r["operation"] == "write"]
    assert grant["uid"] == setup.admin
    assert grant["new_values"] == {"groups_id": [[4, env.ref("base.group_system").id]]}
    model_id = env["ir.model"].search([("model", "=", "res.partner")]).id
    rule = env["ir.rule"].create({"name": "Audited rule", "model_id": model_id,
                                  "domain_force": "[(1, '=', 1)]"})
    line = env["ir.model.access"].search([("name", "=", "res.partner user")])
    line.write({"perm_unlink": True})
    [created] = rows(env, model="ir.rule", res_id=rule.id)
    assert created["new_values"]["domain_force"] == "[(1, '=', 1)]"
    [changed] = [r for r in rows(env, model="ir.model.access", res_id=line.id)
                 if r["operation"] == "write"]
    assert changed["old_values"] == {"perm_unlink": False}
    assert changed["new_values"] == {"perm_unlink": True}
    group = env["res.groups"].create({"name": "Auditors"})
    assert [r["operation"] for r in rows(env, model="res.groups", res_id=group.id)] == [
        "create"]
