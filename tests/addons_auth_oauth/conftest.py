"""Fixtures of the auth_oauth tests: a real OpenID Connect provider (oidc-provider-mock
behind a PKCE-enforcing gate, see ``provider.py``), a database with auth_oauth installed
served over real HTTP, a client registered at the provider for it, and an enabled
``auth.oauth.provider`` record per test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

import pytest

from agora.addons.auth_oauth import oidc
from agora.security.throttle import ADDRESS_LIMIT_PARAM
from agora.testing.addons import served_addons
from tests.addons_auth_oauth.helpers import Browser
from tests.addons_auth_oauth.provider import Provider, running_provider


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    with running_provider() as running:
        yield running


@pytest.fixture(scope="module")
def served(agora_server_url: str) -> Iterator[SimpleNamespace]:
    """auth_oauth (with base and web) on a database of its own, served over HTTP; the
    per-address login limit is off (every request comes from 127.0.0.1)."""
    with served_addons(agora_server_url, ["auth_oauth"], demo=False,
                       prefix="agora_auth_oauth") as served:
        served.run(lambda env: env["ir.config_parameter"].set_param(ADDRESS_LIMIT_PARAM, 0))
        yield served


@pytest.fixture(scope="module")
def client(provider: Provider, served: SimpleNamespace) -> SimpleNamespace:
    """Agora's client at the provider (its redirect URI: the served callback)."""
    client_id, secret = provider.register_client(f"{served.url}/auth_oauth/signin")
    return SimpleNamespace(id=client_id, secret=secret)


@pytest.fixture
def make_provider(served: SimpleNamespace, provider: Provider, client: SimpleNamespace
                  ) -> Iterator[Callable[..., int]]:
    """``make_provider(**values)``: an enabled ``auth.oauth.provider`` for the running
    provider and Agora's client; deleted after the test (which unlinks its users)."""
    made: list[int] = []

    def make(**values: Any) -> int:
        defaults = {"name": "Mock ID", "issuer": provider.issuer, "client_id": client.id,
                    "client_secret": client.secret, "enabled": True}
        record_id = served.run(lambda env: env["auth.oauth.provider"].create(
            {**defaults, **values}).id)
        made.append(record_id)
        return record_id

    yield make
    provider.gate.reset()
    served.run(lambda env: env["auth.oauth.provider"].browse(made).exists().unlink())


@pytest.fixture
def provider_id(make_provider: Callable[..., int]) -> int:
    return make_provider()


@pytest.fixture
def browser(served: SimpleNamespace) -> Browser:
    return Browser(served)


@pytest.fixture(autouse=True)
def _fresh_oidc_caches() -> Iterator[None]:
    """Each test discovers its providers anew (keys and metadata are cached per
    process, and the Agora server runs in this one)."""
    oidc.clear_caches()
    yield
    oidc.clear_caches()


#: warnings of these tests: a deprecated authlib/joserfc API called by the module is an
#: error (it warns from the module's own frames); the provider's (oidc-provider-mock's)
#: use of deprecated authlib APIs is its business, not this module's
_WARNING_FILTERS = (
    "error::DeprecationWarning:agora.addons.auth_oauth",
    "ignore:authlib.jose module is deprecated:DeprecationWarning",
    "ignore:The httpx module is deprecated:DeprecationWarning",
    r"ignore:get_jwt_config\(self, grant\) is deprecated:DeprecationWarning",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = __file__.rsplit("/", 1)[0]
    for item in items:
        if str(item.path).startswith(here):
            for spec in _WARNING_FILTERS:
                item.add_marker(pytest.mark.filterwarnings(spec))
