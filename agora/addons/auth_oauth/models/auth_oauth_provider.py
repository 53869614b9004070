"""OpenID Connect providers users may log in with (Settings > OAuth Providers).

Only Settings administrators (base.group_system) read or write them: the client secret is
here. The login page and the flows read them as superuser.
"""

from __future__ import annotations

from typing import Any

from agora import api, fields, models
from agora.addons.auth_oauth import flows, oidc
from agora.db.sql import SQL
from agora.orm.exceptions import ValidationError
from agora.orm.schema import missing_tables

TOKEN_AUTH_METHODS = [
    ("client_secret_basic", "Client secret (HTTP Basic)"),
    ("client_secret_post", "Client secret (in the request body)"),
    ("none", "None (public client, PKCE only)"),
]


class AuthOAuthProvider(models.Model):
    _name = "auth.oauth.provider"
    _description = "OAuth2 provider"
    _order = "sequence, name"
    _audit = True  # who enabled a provider or changed its secret (shown as ***)

    name = fields.Char(string="Provider name", required=True)
    client_id = fields.Char(
        string="Client ID", required=True,
        help="The client registered at the provider, with <this server>/auth_oauth/signin "
             "as its redirect URI.")
    client_secret = fields.Char(string="Client Secret", groups="base.group_system",
                                copy=False)
    enabled = fields.Boolean(string="Allowed", default=False,
                             help="Shown on the login page and accepted at the callback.")
    issuer = fields.Char(
        string="Issuer", required=True,
        help="The provider's OpenID Connect issuer, e.g. https://accounts.google.com: "
             "endpoints and signing keys come from its discovery document.")
    discovery_url = fields.Char(
        string="Discovery URL",
        help="Where the provider's metadata is, when not at "
             "<issuer>/.well-known/openid-configuration.")
    scope = fields.Char(default="openid email profile", required=True)
    token_endpoint_auth_method = fields.Selection(
        TOKEN_AUTH_METHODS, string="Client authentication", required=True,
        default="client_secret_basic")
    link_by_email = fields.Boolean(
        string="Link by verified email", default=False,
        help="A first login whose ID token says email_verified and carries the login or "
             "email of exactly one active user links that user to the account. Turn on "
             "only for a provider that verifies the addresses it vouches for.")
    body = fields.Char(string="Login button label",
                       help="Default: \"Log in with <provider name>\".")
    sequence = fields.Integer(default=10)
    user_ids = fields.One2many("res.users", "oauth_provider_id", string="Linked users")

    @classmethod
    def _init_schema(cls, cr: Any) -> None:
        """The flows in progress (see :mod:`agora.addons.auth_oauth.flows`): no field,
        no ORM access, only the flows' SQL touches them."""
        parent = getattr(super(), "_init_schema", None)
        if parent is not None:
            parent(cr)
        if missing_tables(cr, [flows.TABLE]):  # once: no DDL (no lock) afterwards
            for statement in flows.DDL:
                cr.execute(SQL(statement))

    @api.constrains("issuer", "discovery_url")
    def _check_urls(self) -> None:
        for provider in self:
            for name in ("issuer", "discovery_url"):
                value = provider[name]
                if not value and name == "discovery_url":
                    continue
                try:
                    oidc.check_url(value, self._fields[name].string)
                except oidc.OidcError as exc:
                    raise ValidationError(f"auth.oauth.provider {provider.name!r}: {exc}",
                                          model=self._name, field=name) from None

    @api.constrains("scope")
    def _check_scope(self) -> None:
        for provider in self:
            if "openid" not in (provider.scope or "").split():
                raise ValidationError(
                    f"auth.oauth.provider {provider.name!r}: the scope must contain "
                    f"\"openid\" (got {provider.scope!r})", model=self._name, field="scope")

    def unlink(self) -> bool:
        # the subjects of a provider that is gone identify nobody any more
        users = self.env["res.users"].sudo().with_context(active_test=False).search(
            [("oauth_provider_id", "in", self.ids)])
        if users:
            users.write({"oauth_provider_id": False, "oauth_uid": False})
        return super().unlink()

    def _settings(self) -> oidc.ProviderSettings:
        """What the protocol needs (read as superuser: the secret is Settings-only)."""
        self.ensure_one()
        provider = self.sudo()
        return oidc.ProviderSettings(
            issuer=provider.issuer, client_id=provider.client_id,
            client_secret=provider.client_secret or "", scope=provider.scope,
            discovery_url=provider.discovery_url or "",
            token_endpoint_auth_method=provider.token_endpoint_auth_method)

    def _label(self) -> str:
        self.ensure_one()
        return self.body or f"Log in with {self.name}"

    @api.model
    def _login_choices(self) -> list[dict[str, Any]]:
        """``{"id", "name", "label"}`` of every enabled provider, for pages (as superuser:
        nobody but administrators reads providers otherwise)."""
        providers = self.sudo().search([("enabled", "=", True)])
        return [{"id": p.id, "name": p.name, "label": p._label()} for p in providers]


class IrAutovacuum(models.AbstractModel):
    _inherit = "ir.autovacuum"

    @api.model
    def _run_vacuum_cleaner(self) -> dict[str, int]:
        removed = super()._run_vacuum_cleaner()
        count = flows.delete_expired(self.env.cr)
        if count:
            removed[flows.TABLE] = count
        return removed
