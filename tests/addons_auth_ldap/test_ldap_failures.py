"""A directory that is down, hangs or is misconfigured: the login fails cleanly (an
AccessDenied for the user, a warning in the log, within the timeout), the server keeps
serving and local users still log in. StartTLS against the private slapd: a trusted
certificate is accepted, an untrusted one or one for another host name is not."""

from __future__ import annotations

import logging
import threading
import time
import xmlrpc.client

import pytest
import requests

from tests.addons_auth_ldap.helpers import authenticate, refusal
from tests.addons_auth_ldap.slapd import free_port

LOGGER = "agora.addons.auth_ldap"
TIMEOUT = 1  # auth_ldap.timeout while a test runs: a hung directory costs a login ~1 s


@pytest.fixture
def short_timeout(served):
    served.run(lambda env: env["ir.config_parameter"].set_param("auth_ldap.timeout", TIMEOUT))
    yield TIMEOUT
    served.run(lambda env: env["ir.config_parameter"].set_param("auth_ldap.timeout", False))


def _warnings(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records
            if record.name.startswith(LOGGER) and record.levelno >= logging.WARNING]


def _local_logins_work(served) -> None:
    admin = served.run(lambda env: env.ref("base.user_admin").id)
    assert authenticate(served, "admin", "admin")["result"]["uid"] == admin
    common = xmlrpc.client.ServerProxy(f"{served.url}/xmlrpc/2/common")
    assert common.authenticate(served.name, "admin", "admin", {}) == admin


def test_a_directory_that_is_down(served, directory, person, caplog):
    caplog.set_level(logging.WARNING, logger=LOGGER)
    config = directory()
    someone = person("down")
    uid = authenticate(served, someone.uid, someone.password)["result"]["uid"]
    newcomer = person("down")
    # nothing listens on that port any more
    served.run(lambda env: env["res.company.ldap"].browse(config).write(
        {"ldap_server_port": free_port()}))
    started = time.monotonic()
    assert refusal(authenticate(served, someone.uid, someone.password)) == "Access Denied"
    assert refusal(authenticate(served, newcomer.uid, newcomer.password)) == "Access Denied"
    models = xmlrpc.client.ServerProxy(f"{served.url}/xmlrpc/2/object")
    with pytest.raises(xmlrpc.client.Fault, match="Access Denied"):
        models.execute_kw(served.name, uid, someone.password, "res.users", "context_get", [])
    assert time.monotonic() - started < 10
    warnings = _warnings(caplog)
    assert any(someone.uid in message and "Connection refused" in message
               for message in warnings), warnings
    assert any(newcomer.uid in message for message in warnings), warnings
    assert not any(someone.password in message for message in warnings)
    _local_logins_work(served)


def test_a_hung_directory_costs_a_login_the_timeout_only(served, directory, person, slapd,
                                                         short_timeout, caplog):
    caplog.set_level(logging.WARNING, logger=LOGGER)
    directory()
    someone = person("hung")
    uid = authenticate(served, someone.uid, someone.password)["result"]["uid"]
    slapd.pause()  # accepts connections (the kernel does), answers nothing
    try:
        answers: list[dict] = []
        waiting = threading.Thread(
            target=lambda: answers.append(authenticate(served, someone.uid, someone.password)))
        started = time.monotonic()
        waiting.start()
        # meanwhile the server answers everyone else at once
        time.sleep(0.2)
        answered = time.monotonic()
        _local_logins_work(served)
        assert requests.get(f"{served.url}/web/webclient/version_info", timeout=10).ok
        assert time.monotonic() - answered < TIMEOUT + 2
        waiting.join(timeout=60)
        elapsed = time.monotonic() - started
        assert answers and refusal(answers[0]) == "Access Denied", answers
        assert TIMEOUT <= elapsed < TIMEOUT * 3 + 3, elapsed
        assert any("timed out" in message for message in _warnings(caplog)), _warnings(caplog)
    finally:
        slapd.resume()
    assert authenticate(served, someone.uid, someone.password)["result"]["uid"] == uid


def test_the_next_directory_answers_when_one_is_down(served, directory, person, caplog):
    caplog.set_level(logging.WARNING, logger=LOGGER)
    dead_port = free_port()
    directory(sequence=1, ldap_server_port=dead_port)
    directory(sequence=2)
    someone = person("next")
    assert authenticate(served, someone.uid, someone.password)["result"]["uid"]
    assert any(f":{dead_port}" in message for message in _warnings(caplog))


@pytest.mark.parametrize("values, expected", [
    ({"ldap_password": "not-the-reader-password"}, "bind as cn=reader"),
    ({"ldap_binddn": False, "ldap_password": False}, "insufficientAccessRights"),
    ({"ldap_base": "ou=nowhere,dc=example,dc=org"}, "noSuchObject"),
    ({"ldap_server": "no-such-host.invalid"}, "no-such-host.invalid"),
])
def test_a_misconfigured_directory(served, directory, person, caplog, values, expected):
    caplog.set_level(logging.WARNING, logger=LOGGER)
    directory(**values)
    someone = person("misconf")
    assert refusal(authenticate(served, someone.uid, someone.password)) == "Access Denied"
    assert any(expected in message for message in _warnings(caplog)), _warnings(caplog)
    # the bind password never reaches the log
    assert not any("not-the-reader-password" in message for message in _warnings(caplog))
    _local_logins_work(served)


# -- StartTLS ----------------------------------------------------------------------------------------
def test_starttls_with_a_trusted_certificate(served, directory, person, slapd, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", str(slapd.tls.ca_cert))  # trust the test CA
    directory(ldap_tls=True)
    someone = person("tls")
    uid = authenticate(served, someone.uid, someone.password)["result"]["uid"]
    assert uid
    models = xmlrpc.client.ServerProxy(f"{served.url}/xmlrpc/2/object")
    assert models.execute_kw(served.name, uid, someone.password, "res.users", "context_get",
                             [])["uid"] == uid
    log = slapd.log_path.read_text(errors="replace")
    assert "oid=1.3.6.1.4.1.1466.20037" in log  # the StartTLS extended operation
    assert "TLS established" in log


def test_starttls_refuses_an_untrusted_certificate(served, directory, person, caplog,
                                                   monkeypatch):
    caplog.set_level(logging.WARNING, logger=LOGGER)
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    directory(ldap_tls=True)
    someone = person("tlsbad")
    assert refusal(authenticate(served, someone.uid, someone.password)) == "Access Denied"
    assert any("CERTIFICATE_VERIFY_FAILED" in message for message in _warnings(caplog))


def test_starttls_refuses_a_certificate_for_another_host(served, directory, person, slapd,
                                                         caplog, monkeypatch):
    caplog.set_level(logging.WARNING, logger=LOGGER)
    monkeypatch.setenv("SSL_CERT_FILE", str(slapd.tls.ca_cert))
    # the same slapd, reached at an address its (trusted) certificate does not name
    directory(ldap_tls=True, ldap_server=slapd.other_hosts[0])
    someone = person("tlshost")
    assert refusal(authenticate(served, someone.uid, someone.password)) == "Access Denied"
    assert any("doesn't match" in message for message in _warnings(caplog)), _warnings(caplog)
