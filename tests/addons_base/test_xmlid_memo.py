"""External ids are remembered across transactions, and forgotten in every process when
one changes them: the memo is keyed by the ``xmlid`` signal in the database, which a
change of ir.model.data bumps once per transaction (another process sees the new value
at its next request, as this test's second transaction does)."""

from __future__ import annotations

from agora.testing.addons import installed_database_fixture
from agora.testing.database import run_committed

xmlid_db = installed_database_fixture(["base"])


def _lookup(env, xmlid):
    with env.cr.capture() as log:
        found = env["ir.model.data"]._xmlid_lookup(xmlid)
    return found, len(log)


def test_external_ids_are_remembered_until_another_transaction_changes_them(xmlid_db):
    partner_id = run_committed(xmlid_db, lambda env: env["res.partner"].create(
        {"name": "Memo"}).id)
    run_committed(xmlid_db, lambda env: env["ir.model.data"].create(
        {"module": "memo_test", "name": "partner", "model": "res.partner",
         "res_id": partner_id}))
    assert run_committed(xmlid_db, lambda env: _lookup(env, "memo_test.partner")) == (
        ("res.partner", partner_id), 1)
    # remembered: the next transaction asks no query
    assert run_committed(xmlid_db, lambda env: _lookup(env, "memo_test.partner")) == (
        ("res.partner", partner_id), 0)
    other_id = run_committed(xmlid_db, lambda env: env["res.partner"].create(
        {"name": "Memo 2"}).id)

    def repoint(env):
        with env.cr.capture() as log:
            env["ir.model.data"].search([("module", "=", "memo_test")]).write(
                {"res_id": other_id})
            env["ir.model.data"].search([("module", "=", "memo_test")]).write(
                {"noupdate": True})
        return sum("agora_signal" in code for code, _params in log)

    remembered = run_committed(xmlid_db, lambda env: env.registry._xmlid_memo[1])
    assert run_committed(xmlid_db, repoint) == 2  # one bump (2 statements) per transaction
    # Nothing in this process cleared what it remembered (another process would not
    # even know): only the signal tells that it is out of date.
    assert remembered[("memo_test", "partner")] == ("res.partner", partner_id)
    # the signal moved: the old answer is not served, the new one is read and remembered
    assert run_committed(xmlid_db, lambda env: _lookup(env, "memo_test.partner")) == (
        ("res.partner", other_id), 1)
    assert run_committed(xmlid_db, lambda env: _lookup(env, "memo_test.partner")) == (
        ("res.partner", other_id), 0)
