"""res.users.apikeys: keys shown once, stored hashed, scoped, expiring, revocable; usable
as the password of an RPC login. Runs on a database where base is really installed (its
data files add the secret columns and the access rules)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from agora.db.cursor import Cursor
from agora.db.pool import connect
from agora.modules import loader
from agora.orm.environment import SUPERUSER_ID, Environment
from agora.orm.exceptions import (
    AccessDenied,
    AccessError,
    InvalidDomainError,
    InvalidValueError,
    UnknownFieldError,
    ValidationError,
)
from agora.security import apikeys
from agora.testing.database import new_database, remove_database, rolled_back_cursor
from agora.testing.queries import assert_queries

MODEL = "res.users.apikeys"


@pytest.fixture(scope="module")
def setup(agora_server_url: str) -> Iterator[SimpleNamespace]:
    name, conninfo = new_database(agora_server_url, prefix="agora_apikeys")
    connection = connect(conninfo)
    try:
        with Cursor(connection) as cr:
            registry = loader.install_modules(cr, ["base"])
            env = Environment(cr, SUPERUSER_ID, {}, registry=registry)

            def user(login: str, *groups: str) -> int:
                return env["res.users"].create({
                    "name": login.title(), "login": login, "password": f"{login}-password",
                    "groups_id": [(6, 0, [env.ref(g).id for g in groups])]}).id

            ids = {"alice": user("alice", "base.group_user"),
                   "bob": user("bob", "base.group_user"),
                   "sysadmin": user("sysadmin", "base.group_system"),
                   "portal": user("portal", "base.group_portal"),
                   "nobody": user("nobody")}
            cr.commit()
        yield SimpleNamespace(registry=registry, conninfo=conninfo, **ids)
    finally:
        connection.close()
        remove_database(agora_server_url, name)


@pytest.fixture
def cr(setup: SimpleNamespace) -> Iterator[Cursor]:
    with rolled_back_cursor(setup.conninfo) as cursor:
        yield cursor


@pytest.fixture
def as_user(cr: Cursor, setup: SimpleNamespace):
    """``as_user('alice')``: the API keys model in an environment of that user."""
    def make(login: str):
        uid = SUPERUSER_ID if login == "root" else getattr(setup, login)
        return Environment(cr, uid, {}, registry=setup.registry)[MODEL]
    return make


def _row(cr: Cursor, key_id: int) -> dict:
    cr.execute("SELECT * FROM res_users_apikeys WHERE id = %s", (key_id,))
    return cr.dictfetchall()[0]


def _key_id(cr: Cursor, key: str) -> int:
    cr.execute("SELECT id FROM res_users_apikeys WHERE index = %s", (key[:8],))
    return cr.fetchone()[0]


def _future(days: int = 30) -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0) + timedelta(days=days)


# -- storage ---------------------------------------------------------------------------------

def test_key_is_returned_once_and_only_its_hash_is_stored(cr, as_user, setup):
    keys = as_user("alice")
    key = keys.generate("deploy script", scope="rpc")
    assert apikeys.is_key(key) and len(key) == 40
    assert keys.generate("another") != key
    row = _row(cr, _key_id(cr, key))
    assert row["user_id"] == setup.alice and row["name"] == "deploy script"
    assert row["scope"] == "rpc" and row["create_date"] is not None
    assert row["index"] == key[:8]
    assert row["key_hash"] == hashlib.sha256(key.encode()).hexdigest()
    # the key itself is in no column
    assert not any(key in str(value) for value in row.values())


def test_secret_columns_are_added_by_the_install_with_an_index(cr):
    cr.execute("SELECT column_name FROM information_schema.columns"
               " WHERE table_name = 'res_users_apikeys'")
    assert {"index", "key_hash"} <= {row[0] for row in cr.fetchall()}
    cr.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'res_users_apikeys'")
    assert any("(index)" in row[0] for row in cr.fetchall())
    # the lookup of _check_credentials can use it
    cr.execute("SET LOCAL enable_seqscan = off")
    cr.execute("EXPLAIN SELECT user_id FROM res_users_apikeys WHERE index = 'abcdef01'")
    assert "res_users_apikeys__index_index" in " ".join(row[0] for row in cr.fetchall())


def test_schema_sync_alone_adds_the_secret_columns(env):
    """A database built by the schema sync only (no module install) has them too, so a
    key-shaped wrong password is a clean AccessDenied there as well."""
    env.cr.execute("SELECT column_name FROM information_schema.columns"
                   " WHERE table_name = 'res_users_apikeys'")
    assert {"index", "key_hash"} <= {row[0] for row in env.cr.fetchall()}
    with pytest.raises(AccessDenied):
        env["res.users"]._login("admin", "ab" * 20)


def test_upgrading_base_keeps_keys_working(cr, as_user, setup):
    key = as_user("alice").generate("k", scope="rpc")
    registry = loader.upgrade_modules(cr, ["base"])  # runs the column hook again
    env = Environment(cr, SUPERUSER_ID, {}, registry=registry)
    assert env[MODEL]._check_credentials("rpc", key) == setup.alice


@pytest.mark.parametrize("login", ["alice", "sysadmin", "root"])
def test_secret_is_not_reachable_through_the_orm(cr, as_user, login):
    key = as_user("alice").generate("laptop")
    secrets = {key, key[:8], hashlib.sha256(key.encode()).hexdigest()}
    keys = as_user(login)
    record = keys.browse(_key_id(cr, key))
    for values in (record.read()[0], keys.search_read([])[0],
                   keys.search_read([("id", "=", record.id)], [])[0]):
        assert values["name"] == "laptop"
        assert not {"index", "key_hash", "key"} & set(values)
        assert not secrets & {str(v) for v in values.values()}
    assert not {"index", "key_hash", "key"} & set(keys.fields_get())
    for name in ("index", "key_hash"):
        with pytest.raises(UnknownFieldError):
            record.read([name])
        with pytest.raises((InvalidDomainError, UnknownFieldError)):
            keys.search([(name, "=", key[:8])])
    env = keys.env
    assert not env["ir.model.fields"].sudo().search(
        [("model", "=", MODEL), ("name", "in", ["index", "key_hash"])])


# -- checking keys ---------------------------------------------------------------------------

def test_scope_must_match_unless_the_key_has_none(as_user, setup):
    keys = as_user("alice")
    rpc_key = keys.generate("rpc only", scope="rpc")
    any_key = keys.generate("anything", scope="")
    check = keys.sudo()._check_credentials
    assert check("rpc", rpc_key) == setup.alice
    assert check("webdav", rpc_key) is None
    assert check(None, rpc_key) is None
    assert check("rpc", any_key) == check("webdav", any_key) == check(None, any_key) == setup.alice


def test_wrong_and_malformed_keys_are_refused(as_user):
    keys = as_user("alice")
    key = keys.generate("k", scope="rpc")
    check = keys.sudo()._check_credentials
    wrong = key[:8] + ("0" if key[8] != "0" else "1") + key[9:]  # same index, other key
    for candidate in (wrong, key.upper(), key[:-1], key + "0", "", None, 42, [key]):
        assert check("rpc", candidate) is None


def test_check_credentials_runs_one_query(cr, as_user, setup):
    keys = as_user("alice")
    key = keys.generate("k", scope="rpc")
    check = keys.sudo()._check_credentials
    with assert_queries(cr, 1) as log:
        assert check("rpc", key) == setup.alice
    assert "JOIN res_users" in log[0][0]
    with assert_queries(cr, 1):
        assert check("rpc", apikeys.generate_key()) is None
    with assert_queries(cr, 0):  # cannot be a key: no lookup at all
        assert check("rpc", "my password") is None


def test_expired_keys_are_refused_and_collected(cr, as_user, setup):
    keys = as_user("alice")
    key = keys.generate("temporary", scope="rpc", expiration_date=_future(1))
    later = keys.generate("later", expiration_date=_future(1).strftime("%Y-%m-%d %H:%M:%S"))
    check = keys.sudo()._check_credentials
    assert check("rpc", key) == check("rpc", later) == setup.alice
    cr.execute("UPDATE res_users_apikeys SET expiration_date = %s WHERE id = %s",
               (_future(-1), _key_id(cr, key)))
    assert check("rpc", key) is None
    assert keys._gc_expired() == 1
    cr.execute("SELECT count(*) FROM res_users_apikeys WHERE user_id = %s", (setup.alice,))
    assert cr.fetchone()[0] == 1
    assert check("rpc", later) == setup.alice


def test_revoked_key_is_refused(cr, as_user, setup):
    keys = as_user("alice")
    key, other = keys.generate("a", scope="rpc"), keys.generate("b", scope="rpc")
    record = keys.browse(_key_id(cr, key))
    assert record.revoke() is True
    assert keys.sudo()._check_credentials("rpc", key) is None
    assert not keys.search([("id", "=", record.id)])
    keys.browse(_key_id(cr, other)).remove()  # Odoo's name
    assert keys.sudo()._check_credentials("rpc", other) is None


def test_deactivated_user_keys_stop_working_password_change_keeps_them(cr, as_user, setup):
    key = as_user("alice").generate("k", scope="rpc")
    root = Environment(cr, SUPERUSER_ID, {}, registry=setup.registry)
    alice = root["res.users"].browse(setup.alice)
    alice.write({"password": "a-new-password"})
    check = root[MODEL]._check_credentials
    assert check("rpc", key) == setup.alice
    alice.write({"active": False})  # not flushed yet: the check must still see it
    assert check("rpc", key) is None
    alice.write({"active": True})
    assert check("rpc", key) == setup.alice


# -- access ----------------------------------------------------------------------------------

def test_users_see_and_revoke_only_their_own_keys(cr, as_user, setup):
    as_user("alice").generate("alice's")
    as_user("bob").generate("bob's")
    alice_keys, bob_keys = as_user("alice"), as_user("bob")
    mine = alice_keys.search([])
    assert mine.mapped("name") == ["alice's"]
    bobs = bob_keys.search([])
    assert bobs.mapped("name") == ["bob's"]
    assert alice_keys.search_count([("user_id", "=", setup.bob)]) == 0
    stranger = alice_keys.browse(bobs.id)
    with pytest.raises(AccessError):
        stranger.read(["name"])
    with pytest.raises(AccessError):
        stranger.revoke()
    with pytest.raises(AccessError):
        stranger.remove()
    assert bob_keys.search_count([]) == 1
    portal = as_user("portal")
    portal.generate("portal's")
    assert portal.search([]).mapped("name") == ["portal's"]


def test_settings_members_see_and_revoke_every_key(cr, as_user, setup):
    alice_key = as_user("alice").generate("alice's", scope="rpc")
    as_user("bob").generate("bob's")
    admin = as_user("sysadmin")
    every = admin.search([("user_id", "in", [setup.alice, setup.bob])])
    assert sorted(every.mapped("name")) == ["alice's", "bob's"]
    admin.browse(_key_id(cr, alice_key)).revoke()
    assert admin.sudo()._check_credentials("rpc", alice_key) is None


def test_keys_are_made_by_generate_only(as_user, setup):
    for login in ("alice", "sysadmin"):
        keys = as_user(login)
        with pytest.raises(AccessError):
            keys.create({"name": "forged", "user_id": getattr(setup, login)})
    alice_keys = as_user("alice")
    record = alice_keys.browse(_key_id(alice_keys.env.cr, alice_keys.generate("mine")))
    with pytest.raises(AccessError):
        record.write({"name": "renamed"})
    with pytest.raises(AccessError):
        as_user("nobody").generate("no groups, no keys")


# -- login -----------------------------------------------------------------------------------

def test_rpc_key_works_as_the_password_of_a_login(cr, as_user, setup):
    root = Environment(cr, SUPERUSER_ID, {}, registry=setup.registry)
    users = root["res.users"]
    keys = as_user("alice")
    key = keys.generate("odoorpc", scope="rpc")
    unscoped = keys.generate("any scope")
    other_scope = keys.generate("webdav", scope="webdav")
    bob_key = as_user("bob").generate("bob", scope="rpc")
    assert users._login("alice", key) == setup.alice
    assert users._login("alice", unscoped) == setup.alice
    assert users._login("alice", "alice-password") == setup.alice  # passwords still work
    for login, password in (("alice", other_scope), ("alice", bob_key), ("nobody", key),
                            ("no-such-login", key), ("alice", apikeys.generate_key()),
                            ("alice", key[:-1])):
        with pytest.raises(AccessDenied):
            users._login(login, password)
    with assert_queries(cr, 3) as log:  # user search, password, key lookup
        users._login("alice", key)
    assert len(log) == 3
    # an unknown login costs the same work: the key is looked up (and ignored) too
    with assert_queries(cr, 2) as log, pytest.raises(AccessDenied):
        users._login("no-such-login", key)
    assert "res_users_apikeys" in log[-1][0]
    root["res.users"].browse(setup.alice).write({"active": False})
    with pytest.raises(AccessDenied):
        users._login("alice", key)


# -- generate() input ------------------------------------------------------------------------

@pytest.mark.parametrize(("kwargs", "field", "error"), [
    ({"name": ""}, "name", ValidationError),
    ({"name": "   "}, "name", ValidationError),
    ({"name": None}, "name", InvalidValueError),
    ({"name": 42}, "name", InvalidValueError),
    ({"name": "k", "scope": 5}, "scope", InvalidValueError),
    ({"name": "k", "scope": ["rpc"]}, "scope", InvalidValueError),
    ({"name": "k", "expiration_date": "2000-01-01 00:00:00"}, "expiration_date",
     ValidationError),
    ({"name": "k", "expiration_date": datetime(2000, 1, 1)}, "expiration_date", ValidationError),
    ({"name": "k", "expiration_date": "next tuesday"}, "expiration_date", InvalidValueError),
    ({"name": "k", "expiration_date": 1893456000}, "expiration_date", InvalidValueError),
])
def test_generate_refuses_bad_input(cr, as_user, kwargs, field, error):
    with pytest.raises(error) as caught:
        as_user("alice").generate(**kwargs)
    assert caught.value.field == field and caught.value.model == MODEL
    cr.execute("SELECT count(*) FROM res_users_apikeys")
    assert cr.fetchone()[0] == 0


def test_generate_normalises_its_input(cr, as_user):
    keys = as_user("alice")
    aware = datetime.now(UTC) + timedelta(days=2)
    key = keys.generate("  padded  ", scope="  ", expiration_date=aware)
    row = _row(cr, _key_id(cr, key))
    assert row["name"] == "padded" and row["scope"] is None
    assert row["expiration_date"] == aware.replace(tzinfo=None)


# -- pure helpers ----------------------------------------------------------------------------

def test_key_helpers():
    key = apikeys.generate_key()
    assert apikeys.is_key(key) and not apikeys.is_key(key.upper()) and not apikeys.is_key(None)
    assert apikeys.key_index(key) == key[:apikeys.INDEX_SIZE]
    stored = apikeys.hash_key(key)
    assert len(stored) == 64 and apikeys.verify_key(key, stored)
    assert not apikeys.verify_key(apikeys.generate_key(), stored)
    assert not apikeys.verify_key(key, None) and not apikeys.verify_key("short", stored)
