"""schemathesis (its Python API) against ``/api/v1/openapi.json`` of a live server with
contacts and the demo app: every operation of the document, for an administrator and for
an employee (each with a bearer API key), with valid (positive) and invalid (negative)
generated requests.

Checks: no 5xx on any request; for valid requests the status code, content type and
body conform to the document; every request answers within its timeout (no hang). The
number of examples is bounded (derandomized) so the file runs in well under a minute.
Operations that would end the caller's own credentials (its user, its API keys) run
last, and the run checks that its key still worked at the end (a run whose requests all
came back 401 would prove nothing)."""

from __future__ import annotations

import collections
import time
from types import SimpleNamespace

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis import checks as st_checks

from agora.testing.addons import served_addons_fixture

OPENAPI = "/api/v1/openapi.json"
#: seconds one request may take before it counts as a hang
REQUEST_TIMEOUT = 10
POSITIVE_CHECKS = [st_checks.not_a_server_error, st_checks.status_code_conformance,
                   st_checks.content_type_conformance, st_checks.response_schema_conformance]
NEGATIVE_CHECKS = [st_checks.not_a_server_error]
#: models whose changes could revoke the caller's access mid-run: fuzzed last
LAST = ("/res.users", "/res.groups", "/ir.model.access", "/ir.rule")

served = served_addons_fixture(["contacts", "demo"], prefix="agora_schemathesis")


@pytest.fixture
def callers(served) -> SimpleNamespace:
    """Fresh keys for each run (a run may revoke keys, or archive users, at its end)."""
    def work(env):
        admin_key = env(user=2, su=True)["res.users.apikeys"].generate("fuzz admin", "rpc")
        users = env["res.users"].with_context(active_test=False)
        user = users.search([("login", "=", "fuzz_employee")]) or users.create({
            "name": "Fuzz Employee", "login": "fuzz_employee", "password": "fuzz-employee-1",
            "groups_id": [(6, 0, [env.ref("base.group_user").id])]})
        employee_key = env(user=user.id, su=True)["res.users.apikeys"].generate(
            "fuzz employee", "rpc")
        return SimpleNamespace(admin=admin_key, employee=employee_key)
    return served.run(work)


def fuzz(url: str, key: str, examples: dict[GenerationMode, int]) -> SimpleNamespace:
    """Run every operation of the caller's document; failures are collected, not raised
    one by one, so a report names them all."""
    headers = {"Authorization": f"Bearer {key}"}
    schema = schemathesis.openapi.from_url(f"{url}{OPENAPI}", headers=headers)
    session = requests.Session()
    session.headers.update(headers)
    operations = [result.ok() for result in schema.get_all_operations()]
    failures: dict[tuple[str, str], str] = {}
    statuses: collections.Counter[int] = collections.Counter()
    last_statuses: collections.Counter[int] = collections.Counter()
    started = time.perf_counter()
    alive = False
    for group, counter in ((False, statuses), (True, last_statuses)):
        if group:  # before what may revoke it: the key still works
            alive = session.get(f"{url}/api/v1/res.partner?limit=1",
                                timeout=REQUEST_TIMEOUT).status_code == 200
        for operation in [op for op in operations if op.path.startswith(LAST) == group]:
            for mode, checks in ((GenerationMode.POSITIVE, POSITIVE_CHECKS),
                                 (GenerationMode.NEGATIVE, NEGATIVE_CHECKS)):
                _runner(operation, mode, checks, examples[mode], session, failures,
                        counter)()
    return SimpleNamespace(operations=len(operations), statuses=statuses,
                           last_statuses=last_statuses, failures=failures,
                           elapsed=time.perf_counter() - started, key_alive=alive)


def _runner(operation, mode, checks, examples, session, failures, statuses):
    """The hypothesis test of one operation in one generation mode."""
    @settings(max_examples=examples, derandomize=True, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case) -> None:
        try:
            response = case.call(session=session, timeout=REQUEST_TIMEOUT)
        except requests.Timeout:
            failures[(operation.label, mode.value)] = \
                f"no answer within {REQUEST_TIMEOUT}s: {case.as_curl_command()}"
            return
        statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=checks)
        except Exception as exc:  # a failed check (schemathesis groups them)
            failures.setdefault((operation.label, mode.value),
                                f"{exc}\n{case.as_curl_command()}"[:2000])
    return run


def report(run: SimpleNamespace) -> str:
    lines = [f"{len(run.failures)} failing operation(s) of {run.operations}:"]
    for (label, mode), text in sorted(run.failures.items()):
        lines.append(f"--- {label} ({mode})\n{text}")
    return "\n".join(lines)


@pytest.mark.parametrize("who, positive, negative", [("employee", 1, 1), ("admin", 2, 1)])
def test_every_operation_answers_without_server_error(served, callers, who, positive,
                                                       negative):
    run = fuzz(served.url, getattr(callers, who), {GenerationMode.POSITIVE: positive,
                                                   GenerationMode.NEGATIVE: negative})
    total = sum(run.statuses.values()) + sum(run.last_statuses.values())
    print(f"schemathesis {who}: {run.operations} operations, {total} requests in "
          f"{run.elapsed:.1f}s, statuses {dict(sorted((run.statuses + run.last_statuses).items()))}")
    assert run.operations >= (150 if who == "admin" else 40), run.operations
    assert not run.failures, report(run)
    assert not [s for s in run.statuses + run.last_statuses if s >= 500]
    assert run.key_alive, "the run lost its own credentials early: its requests proved little"
    # the requests reached the application (401 is what negative cases without a valid
    # authorization get, not the answer to everything)
    assert run.statuses[401] < sum(run.statuses.values()) / 4, run.statuses
