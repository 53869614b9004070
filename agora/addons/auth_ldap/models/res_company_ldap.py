"""LDAP directories users may log in with, per company, tried in sequence order.

Records hold a bind password: only Settings administrators (``base.group_system``) may
read or change them (see ``security/ir.model.access.csv``)."""

from __future__ import annotations

import logging
from typing import Any

from agora import api, fields, models
from agora.addons.auth_ldap import ldap_directory
from agora.addons.auth_ldap.ldap_directory import DirectoryConfig, DirectoryEntry, DirectoryError
from agora.orm.exceptions import UserError, ValidationError

_logger = logging.getLogger(__name__)

#: ir.config_parameter: whole seconds to connect to a directory and to wait for each answer
TIMEOUT_PARAM = "auth_ldap.timeout"
DEFAULT_TIMEOUT = 5


class CompanyLDAP(models.Model):
    _name = "res.company.ldap"
    _description = "Company LDAP configuration"
    _order = "sequence, id"
    _rec_name = "ldap_server"

    sequence = fields.Integer(default=10, help="Directories are tried in this order.")
    company = fields.Many2one("res.company", string="Company", required=True,
                              ondelete="cascade", default=lambda self: self.env.company.id,
                              help="The company of the users created from this directory.")
    ldap_server = fields.Char(string="LDAP Server address", required=True,
                              default="127.0.0.1", help="Host name or IP address.")
    ldap_server_port = fields.Integer(string="LDAP Server port", required=True, default=389)
    ldap_binddn = fields.Char(
        string="LDAP binddn",
        help="The DN to bind as to search for a login's entry, e.g. "
             "cn=reader,dc=example,dc=org. Empty: search anonymously.")
    ldap_password = fields.Char(string="LDAP password", groups="base.group_system",
                                copy=False, help="The password of the bind DN.")
    ldap_filter = fields.Char(
        string="LDAP filter", required=True, default="(uid=%s)",
        help="The filter that finds a login's entry: %s stands for the login (escaped), "
             "e.g. (uid=%s) or (&(objectClass=inetOrgPerson)(mail=%s)).")
    ldap_base = fields.Char(string="LDAP base", required=True,
                            help="Where to search, e.g. ou=people,dc=example,dc=org.")
    user = fields.Many2one(
        "res.users", string="Template User", ondelete="set null",
        help="New users are copies of this user (groups, allowed companies). Empty: "
             "new users get no groups.")
    create_user = fields.Boolean(
        default=True, help="Create a user at the first login of someone the directory "
                           "knows and Agora does not. Off: only existing users log in.")
    ldap_tls = fields.Boolean(
        string="Use TLS",
        help="Start TLS (StartTLS) before binding; the server's certificate must be "
             "trusted by this machine (system authorities, SSL_CERT_FILE).")

    @api.constrains("ldap_filter")
    def _check_ldap_filter(self) -> None:
        for config in self:
            try:
                ldap_directory.check_filter_template(config.ldap_filter or "")
            except ValueError as exc:
                raise ValidationError(f"res.company.ldap: {exc}", model=self._name,
                                      field="ldap_filter") from None

    @api.constrains("ldap_server", "ldap_server_port")
    def _check_ldap_server(self) -> None:
        for config in self:
            server = (config.ldap_server or "").strip()
            if not server or "://" in server or any(c.isspace() for c in server) \
                    or "/" in server:
                raise ValidationError(
                    f"res.company.ldap: the LDAP server {config.ldap_server!r} must be a "
                    "host name or an IP address (no scheme, no path; the port is its own "
                    "field)", model=self._name, field="ldap_server")
            if not 0 < config.ldap_server_port < 65536:
                raise ValidationError(
                    f"res.company.ldap: the LDAP port {config.ldap_server_port} is not "
                    "between 1 and 65535", model=self._name, field="ldap_server_port")

    # -- used by res.users --------------------------------------------------------------------
    @api.model
    def _get_ldap_dicts(self) -> list[DirectoryConfig]:
        """Every configured directory, in sequence order (as the superuser: logins are
        checked before anyone is logged in)."""
        return self.sudo().search([])._directory_configs()

    def _directory_configs(self) -> list[DirectoryConfig]:
        if not self:
            return []
        timeout = self._timeout()
        return [DirectoryConfig(
            id=config.id, server=config.ldap_server.strip(), port=config.ldap_server_port,
            binddn=config.ldap_binddn or None, bind_password=config.ldap_password or None,
            filter=config.ldap_filter, base=config.ldap_base, starttls=config.ldap_tls,
            create_user=config.create_user, template_user_id=config.user.id or None,
            company_id=config.company.id, timeout=timeout) for config in self.sudo()]

    def _timeout(self) -> int:
        value = self.env["ir.config_parameter"].sudo().get_param(TIMEOUT_PARAM, "")
        try:
            timeout = int(value) if value else DEFAULT_TIMEOUT
        except ValueError:
            timeout = DEFAULT_TIMEOUT
        return timeout if 0 < timeout <= 300 else DEFAULT_TIMEOUT

    @api.model
    def _authenticate(self, config: DirectoryConfig, login: str, password: str
                      ) -> DirectoryEntry | None:
        """The entry of ``login`` if ``config``'s directory accepts ``password``; None
        otherwise — also when the directory cannot answer, which is logged as a warning
        (the login then fails like a wrong password, and the next directory is tried)."""
        try:
            return ldap_directory.authenticate(config, login, password)
        except DirectoryError as exc:
            _logger.warning("LDAP login of %r not checked: %s", login, exc)
        except Exception:  # a fault of the client library: refuse, never a 500
            _logger.exception("LDAP login of %r not checked: %s failed", login, config.label)
        return None

    @api.model
    def _authenticate_any(self, login: str, password: str
                          ) -> tuple[DirectoryConfig, DirectoryEntry] | None:
        """The first directory (in sequence order) that accepts ``password`` for
        ``login``, with the entry it found."""
        if not login or not password:
            return None
        for config in self._get_ldap_dicts():
            entry = self._authenticate(config, login, password)
            if entry is not None:
                return config, entry
        return None

    @api.model
    def _map_ldap_attributes(self, config: DirectoryConfig, login: str,
                             entry: DirectoryEntry) -> dict[str, Any]:
        """The values of the user made from ``entry``: its name (cn) and e-mail (mail),
        the login as typed (lower case) and the directory's company."""
        return {"name": entry.name or login, "login": login, "email": entry.email or False,
                "company_id": config.company_id, "active": True}

    # -- the form's button --------------------------------------------------------------------
    def test_ldap_connection(self) -> dict:
        """The "Test Connection" button: connect (StartTLS when set), bind as the bind DN
        and run the filter once."""
        self.check_access("write")  # the configs are then read as the superuser
        for config in self._directory_configs():
            try:
                ldap_directory.check_connection(config)
            except DirectoryError as exc:
                raise UserError(f"res.company.ldap: cannot use {config.server}:{config.port}: "
                                f"{exc}") from None
        return {"type": "ir.actions.client", "tag": "display_notification",
                "params": {"message": "Connection Test Successful!", "type": "success"}}
