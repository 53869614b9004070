"""``GET /api/v1/openapi.json``: a valid OpenAPI document per database and caller, that
lists what the caller may do, and that a fuzzer (schemathesis) cannot make the server
fail with."""

from __future__ import annotations

import re
import subprocess
import sys
import time

import pytest
from openapi_spec_validator import validate

from agora.orm.exceptions import AccessError
from tests.rpc.api_fixtures import *  # noqa: F403  (the fixtures)
from tests.rpc.api_fixtures import DEMO_MODELS, assert_error

OPENAPI = "/api/v1/openapi.json"
#: what the fuzzer runs against (bounded so the test stays well under a minute)
FUZZED_PATHS = r"^/(demo\.[a-z.]+|res\.partner)(/\{id\})?$"
MAX_EXAMPLES = 8


def document(caller) -> dict:
    response = caller.get(OPENAPI)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def operations(doc: dict) -> dict[str, set[str]]:
    """``{path: {http methods}}``."""
    return {path: {m for m in item if m != "parameters"} for path, item in doc["paths"].items()}


def readable_models(api_setup, uid: int) -> set[str]:
    """The oracle: models whose read the ORM allows ``uid`` (with a table)."""
    def work(env):
        user_env = env(user=uid, su=False)
        found = set()
        for name in env.registry:
            if env[name]._abstract:
                continue
            try:
                user_env[name].check_access("read")
            except AccessError:
                continue
            found.add(name)
        return found
    return api_setup.run(work)


@pytest.mark.parametrize("who", ["admin", "employee", "nobody"])
def test_document_is_valid_openapi(request, who):
    doc = document(request.getfixturevalue(who))
    validate(doc)
    assert doc["openapi"].startswith("3.") and doc["servers"][0]["url"].endswith("/api/v1")


def test_models_are_exactly_the_readable_ones(admin, employee, nobody, api_setup):
    for caller, uid in ((admin, api_setup.admin), (employee, api_setup.employee),
                        (nobody, api_setup.nobody)):
        doc = document(caller)
        listed = {path.split("/")[1] for path in doc["paths"]}
        assert listed == readable_models(api_setup, uid)
        assert {tag["name"] for tag in doc["tags"]} == listed
    nobody_paths = operations(document(nobody))
    assert "/res.currency" in nobody_paths and "/res.partner" not in nobody_paths
    assert not any(path.startswith("/demo.") for path in nobody_paths)
    assert all(methods <= {"get"} or path.endswith(("/round", "/is_zero"))
               for path, methods in nobody_paths.items())  # read-only rights


def test_operations_follow_access_rights(admin, employee):
    mine, theirs = operations(document(admin)), operations(document(employee))
    assert mine["/res.partner"] == {"get", "post"} == theirs["/res.partner"]
    assert mine["/res.partner/{id}"] == {"get", "patch", "delete"}
    assert theirs["/res.partner/{id}"] == {"get", "patch"}  # employees may not delete
    assert theirs["/res.company/{id}"] == {"get"}
    assert "/ir.model.access" in mine and "/ir.model.access" not in theirs
    for model in DEMO_MODELS:
        assert theirs[f"/{model}/{{id}}"] == {"get", "patch", "delete"}
    # workflow methods: record methods modules added, callable by POST
    assert mine["/res.users.apikeys/{id}/revoke"] == {"post"}
    assert not any(path.endswith(("/write", "/read", "/unlink", "/search", "/sudo"))
                   for path in mine)


def test_field_schemas(admin):
    schemas = document(admin)["components"]["schemas"]
    order = schemas["demo.order"]["properties"]
    assert order["state"]["enum"] == ["draft", "sale", None] and order["state"]["nullable"]
    assert order["date"]["format"] == "date" and "nullable" not in order["date"]  # required
    assert order["create_date"]["format"] == "date-time" and order["create_date"]["readOnly"]
    assert order["contact_id"]["type"] == "integer" and order["contact_id"]["x-relation"] \
        == "demo.contact"
    assert order["line_ids"] == {"type": "array", "items": {
        "type": "integer", "minimum": 1, "maximum": 2**31 - 1}, "x-relation": "demo.order.line",
        "description": "Line"}
    assert order["amount_total"]["type"] == "number" and order["amount_total"]["readOnly"]
    create = schemas["demo.order.create"]
    # date is required but has a default (today): a create may leave it out
    assert sorted(create["required"]) == ["contact_id", "name"]
    assert create["additionalProperties"] is False and "amount_total" not in create["properties"]
    assert "required" not in schemas["demo.order.update"]
    contact = schemas["demo.contact"]["properties"]
    assert contact["is_company"] == {"type": "boolean", "description": "Is Company"}
    assert contact["email"]["type"] == "string" and contact["email"]["nullable"]
    assert schemas["demo.product"]["properties"]["list_price"]["type"] == "number"


def test_fields_of_other_groups_are_left_out(admin, employee):
    assert "password" in document(admin)["components"]["schemas"]["res.users"]["properties"]
    assert "password" not in document(employee)["components"]["schemas"]["res.users"][
        "properties"]


def test_document_follows_access_changes(nobody, api_setup):
    assert "/demo.product" not in document(nobody)["paths"]

    def grant(env):
        env["ir.model.access"].create({
            "name": "api tests: everyone reads products", "perm_read": True,
            "model_id": env["ir.model"].search([("model", "=", "demo.product")]).id})
    api_setup.run(grant)
    try:
        assert operations(document(nobody))["/demo.product"] == {"get"}
        assert nobody.get("/api/v1/demo.product?limit=1").status_code == 200
    finally:
        api_setup.run(lambda env: env["ir.model.access"].search(
            [("name", "=", "api tests: everyone reads products")]).unlink())
    assert "/demo.product" not in document(nobody)["paths"]


def test_document_needs_credentials(api_client):
    response = api_client.get(OPENAPI)
    assert_error(response, 401)
    assert response.headers["WWW-Authenticate"] == "bearer"


def test_schemathesis_finds_no_server_error(fuzz_server, tmp_path):
    """Fuzz the demo and partner operations through a real HTTP server: no 5xx, and
    responses match the document (status codes, content types, schemas)."""
    started = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-m", "schemathesis.cli", "run", f"{fuzz_server.url}{OPENAPI}",
         "--header", f"Authorization: Bearer {fuzz_server.callers.admin_key}",
         "--include-path-regex", FUZZED_PATHS, "--max-examples", str(MAX_EXAMPLES),
         "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,"
                     "response_schema_conformance,use_after_free",
         "--seed", "20261129", "--no-color", "--workers", "2",
         "--suppress-health-check", "all", "--request-timeout", "20"],
        capture_output=True, text=True, timeout=300, cwd=tmp_path)  # its caches go there
    elapsed = time.perf_counter() - started
    summary = run.stdout[run.stdout.rfind("SUMMARY"):]
    print(f"schemathesis: {elapsed:.1f}s\n{summary}")
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-3000:]
    assert "Server error" not in run.stdout
    tested = re.search(r"Tested:\s+(\d+)", summary)
    assert tested and int(tested.group(1)) == 5 * len(DEMO_MODELS) + 5, summary
