from datetime import datetime, timedelta

import pytest

from agora.addons.base.cron_runner import run_due_jobs
from agora.addons.base.models.ir_cron import add_interval
from agora.db.pool import DatabasePools
from agora.orm.exceptions import ValidationError
from agora.testing.concurrency import run_concurrently

NOW = datetime(2030, 1, 15, 12, 0, 0)


def _job(env, **values):
    vals = {"name": "job", "model_name": "test.cron.target", "method_name": "_record",
            "args": "['x']", "interval_number": 1, "interval_type": "hours",
            "nextcall": NOW - timedelta(minutes=5)}
    vals.update(values)
    return env["ir.cron"].create(vals)


@pytest.fixture
def clean(committed):
    yield
    def wipe(env):
        env.cr.execute("DELETE FROM ir_cron")
        env.cr.execute("DELETE FROM test_cron_target")
    committed(wipe)


def test_method_and_args_are_validated(env):
    with pytest.raises(ValidationError, match="no method 'nope'"):
        _job(env, method_name="nope")
    with pytest.raises(ValidationError, match="unknown model"):
        _job(env, model_name="no.such.model")
    with pytest.raises(ValidationError, match="no method 'tag'"):
        _job(env, method_name="tag")  # a field, not a method
    with pytest.raises(ValidationError, match="no method '__init__'"):
        _job(env, method_name="__init__")
    with pytest.raises(ValidationError, match="literal list"):
        _job(env, args="[__import__('os')]")
    with pytest.raises(ValidationError, match="must be a list"):
        _job(env, args="{'a': 1}")
    job = _job(env, method_name="record_and_fail", args="('y',)")
    assert job._parse_args() == ["y"]


def test_add_interval():
    assert add_interval(datetime(2024, 1, 31), 1, "months") == datetime(2024, 2, 29)
    assert add_interval(datetime(2024, 11, 30), 3, "months") == datetime(2025, 2, 28)
    assert add_interval(datetime(2024, 1, 1), 2, "weeks") == datetime(2024, 1, 15)
    assert add_interval(datetime(2024, 1, 1), 90, "minutes") == datetime(2024, 1, 1, 1, 30)


def test_runner_runs_reschedules_and_records_failures(connection_factory, committed, clean, base_registry):
    ids = committed(lambda env: {
        "ok": _job(env, name="ok", args="['ok']").id,
        "fail": _job(env, name="fail", method_name="record_and_fail", args="['fail']",
                     priority=1).id,
        "later": _job(env, name="later", nextcall=NOW + timedelta(minutes=5)).id,
        "twice": _job(env, name="twice", args="['twice']", numbercall=1).id,
        "off": _job(env, name="off", active=False).id,
    })
    ran = run_due_jobs(connection_factory, base_registry, now=NOW)
    assert ran[0] == ids["fail"]  # priority first
    assert sorted(ran) == sorted([ids["ok"], ids["fail"], ids["twice"]])

    def check(env):
        crons = env["ir.cron"].with_context(active_test=False)
        ok, fail = crons.browse(ids["ok"]), crons.browse(ids["fail"])
        assert ok.nextcall == NOW + timedelta(minutes=55)
        assert ok.lastcall == NOW and ok.failure_count == 0
        # the failing job's work is rolled back, its reschedule kept
        assert fail.failure_count == 1 and fail.nextcall == NOW + timedelta(minutes=55)
        twice = crons.browse(ids["twice"])
        assert twice.numbercall == 0 and not twice.active
        tags = sorted(env["test.cron.target"].search([]).mapped("tag"))
        assert tags == ["ok", "twice"]
        # jobs run as their user: the superuser here
        assert set(env["test.cron.target"].search([]).mapped("uid")) == {1}
    committed(check)
    # nothing is due any more at the same time; an hour later the two active jobs are
    assert run_due_jobs(connection_factory, base_registry, now=NOW) == []
    again = run_due_jobs(connection_factory, base_registry, now=NOW + timedelta(hours=1))
    assert sorted(again) == sorted([ids["ok"], ids["fail"], ids["later"]])
    assert committed(lambda env: env["ir.cron"].browse(ids["fail"]).failure_count) == 2


def test_limit(connection_factory, committed, clean, base_registry):
    committed(lambda env: [_job(env, name=f"j{i}") for i in range(3)])
    assert len(run_due_jobs(connection_factory, base_registry, now=NOW, limit=2)) == 2
    assert len(run_due_jobs(connection_factory, base_registry, now=NOW)) == 1


def test_concurrent_runners_never_run_a_job_twice(base_db, committed, clean, base_registry):
    count = 12
    job_ids = committed(lambda env: [
        _job(env, name=f"c{i}", args=f"['c{i}', 0.05]").id for i in range(count)])
    pools = DatabasePools(base_db, min_size=0, max_size=4)
    try:
        results = run_concurrently(
            lambda: run_due_jobs(pools, base_registry, now=NOW, max_tries=10), 2, timeout=60)
    finally:
        pools.close()
    first, second = results
    assert first and second, "both runners should have found work"
    assert not set(first) & set(second)
    assert sorted(first + second) == sorted(job_ids)
    tags = committed(lambda env: env["test.cron.target"].search([]).mapped("tag"))
    assert sorted(tags) == sorted(f"c{i}" for i in range(count))
