"""Fixtures of the auth_ldap tests: a private OpenLDAP server (slapd, with StartTLS
available), a database with auth_ldap and web installed served over real HTTP, and
helpers to configure directories and add people to the directory."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from agora.security.throttle import (
    ADDRESS_LIMIT_PARAM,
    COOLDOWN_PARAM,
    LOGIN_LIMIT_PARAM,
    WINDOW_PARAM,
)
from agora.testing.addons import served_addons
from tests.addons_auth_ldap import slapd as slapd_module
from tests.addons_auth_ldap.helpers import COOLDOWN, LOGIN_LIMIT, unique
from tests.addons_auth_ldap.slapd import READER_DN, READER_PASSWORD, SUFFIX, Slapd


@pytest.fixture(scope="session")
def ldap_tls_dir() -> Iterator[Path]:
    directory = Path(tempfile.mkdtemp(prefix="agora_ldap_tls_"))
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="module")
def slapd(ldap_tls_dir: Path) -> Iterator[Slapd]:
    """A private slapd on a free loopback port (StartTLS with a test CA's certificate),
    stopped and removed at the end."""
    if not slapd_module.available():
        pytest.skip(f"OpenLDAP's {slapd_module.SLAPD} (Debian: slapd) or "
                    f"{slapd_module.LDAPWHOAMI} (ldap-utils) is not installed: the auth_ldap "
                    "tests need a real LDAP server")
    tls = slapd_module.make_tls_files(ldap_tls_dir)
    server = Slapd(Path(tempfile.mkdtemp(prefix="agora_slapd_")), tls=tls)
    try:
        server.start()
        yield server
    finally:
        server.remove()


@pytest.fixture(scope="module")
def served(agora_server_url: str) -> Iterator[SimpleNamespace]:
    """auth_ldap (and web: the login form) on a database of its own, served over HTTP.
    Per-address limits are off (every request comes from 127.0.0.1)."""
    with served_addons(agora_server_url, ["auth_ldap", "web"], demo=False,
                       prefix="agora_auth_ldap") as served:
        def configure(env):
            params = env["ir.config_parameter"]
            params.set_param(LOGIN_LIMIT_PARAM, LOGIN_LIMIT)
            params.set_param(COOLDOWN_PARAM, COOLDOWN)
            params.set_param(WINDOW_PARAM, 600)
            params.set_param(ADDRESS_LIMIT_PARAM, 0)
        served.run(configure)
        yield served


@pytest.fixture
def directory(served: SimpleNamespace, slapd: Slapd) -> Iterator[Callable[..., int]]:
    """``directory(**values)``: a ``res.company.ldap`` record for the private slapd (bind
    DN cn=reader, base dc=example,dc=org, filter (uid=%s) unless given); every record
    made is deleted after the test."""
    made: list[int] = []

    def make(**values) -> int:
        defaults = {"ldap_server": slapd.host, "ldap_server_port": slapd.port,
                    "ldap_binddn": READER_DN, "ldap_password": READER_PASSWORD,
                    "ldap_base": SUFFIX, "ldap_filter": "(uid=%s)", "create_user": True}
        record_id = served.run(lambda env: env["res.company.ldap"].create(
            {**defaults, **values}).id)
        made.append(record_id)
        return record_id

    yield make
    served.run(lambda env: env["res.company.ldap"].browse(made).exists().unlink())


@pytest.fixture
def person(slapd: Slapd) -> Callable[..., SimpleNamespace]:
    """``person(prefix)``: a new inetOrgPerson in the directory: ``uid``, ``dn``,
    ``name``, ``email``, ``password``."""
    def make(prefix: str = "ldapuser", **values) -> SimpleNamespace:
        uid = values.pop("uid", None) or unique(prefix)
        name = values.pop("name", f"Person {uid.title()}")
        email = values.pop("email", f"{uid}@example.org")
        password = values.pop("password", f"Dir-{uid}-Secret-9")
        dn = slapd.add_person(uid, name, password, mail=email, **values)
        return SimpleNamespace(uid=uid, dn=dn, name=name, email=email, password=password)
    return make
