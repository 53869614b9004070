"""Talking to one LDAP directory (ldap3): find the entry of a login with the configured
filter, then prove the password by binding as that entry.

Nothing here touches the database: ``res.company.ldap`` turns its records into
:class:`DirectoryConfig` values and ``res.users`` decides what a found entry means.

Safety rules, each one a way LDAP logins go wrong in practice:

- the login is escaped (RFC 4515, ``escape_filter_chars``) before it goes into the
  filter, so ``*`` or ``admin)(|(uid=*`` match nothing but an entry with that very value;
- a search that finds several entries authenticates nobody (which one would it be?);
- an empty password is never sent: a simple bind with a DN and no password is an
  *unauthenticated* bind (RFC 4513 5.1.2) that many servers answer with success;
- every connection has a connect and a receive timeout, so a directory that is down or
  hangs costs a login a few seconds, never a worker;
- StartTLS verifies the server's certificate against the system's trusted authorities
  (and ``SSL_CERT_FILE``/``SSL_CERT_DIR``) and its host name, as libldap does by default;
- referrals are not chased: a directory cannot send the password to another host.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import ldap3
from ldap3.core.exceptions import LDAPException
from ldap3.operation.search import parse_filter
from ldap3.utils.conv import escape_filter_chars

#: the placeholder of the login in a filter, as in Odoo: ``(uid=%s)``
LOGIN_PLACEHOLDER = "%s"
#: the attributes a new user is made from
NAME_ATTRIBUTE = "cn"
EMAIL_ATTRIBUTE = "mail"
#: longest login and password sent to a directory: an attacker's megabyte "login" would
#: otherwise become a megabyte filter at every attempt
MAX_LOGIN_LENGTH = 256
MAX_PASSWORD_LENGTH = 4096


class DirectoryError(Exception):
    """The directory could not answer: down, unreachable, too slow, TLS refused, a bind
    DN refused, a filter it does not accept. Not a wrong password."""


@dataclass(frozen=True)
class DirectoryConfig:
    """One configured directory (a ``res.company.ldap`` record)."""

    id: int
    server: str
    port: int
    binddn: str | None
    bind_password: str | None = field(repr=False)
    filter: str
    base: str
    starttls: bool
    create_user: bool
    template_user_id: int | None
    company_id: int
    #: whole seconds to connect, and to wait for each answer (ldap3 wants an integer)
    timeout: int = 5

    @property
    def label(self) -> str:
        """How logs name this directory (never with its bind password)."""
        return f"res.company.ldap({self.id}) {self.server}:{self.port}"


@dataclass(frozen=True)
class DirectoryEntry:
    """The one entry a login's filter found."""

    dn: str
    name: str | None
    email: str | None


def check_filter_template(template: str) -> None:
    """Raise ValueError (naming the problem) unless ``template`` is a valid LDAP filter
    with at least one ``%s`` where the login goes."""
    if LOGIN_PLACEHOLDER not in (template or ""):
        raise ValueError(f"the LDAP filter {template!r} has no %s where the login goes, "
                         "e.g. (uid=%s)")
    try:
        parse_filter(login_filter(template, "login"), None, True, True, None, False)
    except LDAPException as exc:
        raise ValueError(f"the LDAP filter {template!r} is not valid: {exc}") from None


def login_filter(template: str, login: str) -> str:
    """``template`` with every ``%s`` replaced by ``login``, escaped: characters that mean
    something in a filter (``* ( ) \\`` and NUL) become ``\\XX`` and match themselves."""
    return template.replace(LOGIN_PLACEHOLDER, escape_filter_chars(login))


def _server(config: DirectoryConfig) -> ldap3.Server:
    tls = ldap3.Tls(validate=ssl.CERT_REQUIRED) if config.starttls else None
    return ldap3.Server(config.server, port=config.port, use_ssl=False, tls=tls,
                        get_info=ldap3.NONE, connect_timeout=config.timeout)


def _open(config: DirectoryConfig, user: str | None, password: str | None
          ) -> ldap3.Connection:
    """An open connection (TLS started when configured), not bound yet."""
    connection = ldap3.Connection(
        _server(config), user=user or None, password=password if user else None,
        authentication=ldap3.SIMPLE if user else ldap3.ANONYMOUS,
        auto_bind=ldap3.AUTO_BIND_NONE, auto_referrals=False, read_only=True,
        receive_timeout=config.timeout, raise_exceptions=False)
    try:
        connection.open()
        if config.starttls:
            connection.start_tls()
    except BaseException:
        _close(connection)
        raise
    return connection


def _close(connection: ldap3.Connection) -> None:
    try:
        connection.unbind()
    except (LDAPException, OSError):
        pass


def _first(attributes: dict[str, Any], name: str) -> str | None:
    value = attributes.get(name)
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return str(value) if value not in (None, "") else None


def find_entry(config: DirectoryConfig, login: str) -> DirectoryEntry | None:
    """The only entry the filter finds for ``login`` under the base (bound as the bind
    DN, or anonymously without one); None when there is none or several. Raises
    DirectoryError when the directory cannot be searched."""
    search_filter = login_filter(config.filter, login)
    if config.binddn and not config.bind_password:
        raise DirectoryError(f"{config.label}: the bind DN has no password (an "
                             "unauthenticated bind is never made)")
    with _as_directory_error(config):
        connection = _open(config, config.binddn, config.bind_password)
        try:
            if not connection.bind():
                raise DirectoryError(f"{config.label}: bind as {config.binddn or 'anonymous'}"
                                     f" refused: {connection.result.get('description')}")
            connection.search(config.base, search_filter, search_scope=ldap3.SUBTREE,
                              attributes=[NAME_ATTRIBUTE, EMAIL_ATTRIBUTE], size_limit=2,
                              time_limit=config.timeout)
            code = connection.result.get("result") if connection.result else None
            # 0: success, 4: size limit exceeded (several entries: nobody is logged in);
            # anything else is the configuration's fault (32: the base does not exist,
            # 50: the bind DN may not search...)
            if code not in (0, 4):
                raise DirectoryError(f"{config.label}: search under {config.base!r} failed:"
                                     f" {connection.result.get('description')}")
            entries = [item for item in connection.response or ()
                       if item.get("type") == "searchResEntry"]
        finally:
            _close(connection)
    if len(entries) != 1:
        return None
    attributes = entries[0].get("attributes") or {}
    return DirectoryEntry(dn=entries[0]["dn"], name=_first(attributes, NAME_ATTRIBUTE),
                          email=_first(attributes, EMAIL_ATTRIBUTE))


def bind_as(config: DirectoryConfig, dn: str, password: str) -> bool:
    """Whether the directory accepts ``password`` for ``dn`` (a simple bind on a
    connection of its own). An empty password is refused here, never sent."""
    if not dn or not password:
        return False
    with _as_directory_error(config):
        connection = _open(config, dn, password)
        try:
            return bool(connection.bind())
        finally:
            _close(connection)


@contextmanager
def _as_directory_error(config: DirectoryConfig) -> Iterator[None]:
    """Library and network failures of a directory as DirectoryError naming it."""
    try:
        yield
    except LDAPException as exc:
        raise DirectoryError(f"{config.label}: {type(exc).__name__}: {exc}") from None
    except OSError as exc:
        raise DirectoryError(f"{config.label}: {exc}") from None


def authenticate(config: DirectoryConfig, login: str, password: str
                 ) -> DirectoryEntry | None:
    """The entry of ``login`` if the directory accepts ``password`` for it; None for an
    unknown login, an ambiguous one, a wrong password, or either longer than
    MAX_LOGIN_LENGTH/MAX_PASSWORD_LENGTH. Raises DirectoryError when the directory cannot
    answer."""
    if not login or not password or len(login) > MAX_LOGIN_LENGTH \
            or len(password) > MAX_PASSWORD_LENGTH:
        return None
    entry = find_entry(config, login)
    if entry is None or not bind_as(config, entry.dn, password):
        return None
    return entry


def check_connection(config: DirectoryConfig) -> None:
    """Connect (StartTLS when configured) and bind as the bind DN, or anonymously;
    DirectoryError naming what failed otherwise."""
    find_entry(config, "\0agora-connection-test")
