"""Real Odoo API client libraries against a live Agora server.

Every test drives ``agora_live_server`` over real HTTP, the way a user of the library
would, on the session's shared database (base + demo, ``admin`` / ``admin``, uid 2).
Records a test creates carry its ``token`` in their name and are deleted afterwards.
"""

from __future__ import annotations

import secrets
import xmlrpc.client
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest

ADMIN_UID = 2
LOGIN = PASSWORD = "admin"
#: What every Odoo-compatible server reports (clients switch code paths on it).
VERSION = {"server_version": "17.0", "server_version_info": [17, 0, 0, "final", 0, ""],
           "server_serie": "17.0", "protocol_version": 1}
#: Models the tests create records of, children first (cleaned up by name).
CLEANED_MODELS = ("res.partner", "res.partner.category")


@dataclass(frozen=True)
class Served:
    url: str
    db: str

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or "127.0.0.1"

    @property
    def port(self) -> int:
        return urlsplit(self.url).port or 80

    def admin(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        """Run a call as admin over /xmlrpc/2 (set-up and checks outside the client
        under test)."""
        proxy = xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/object", allow_none=True)
        return proxy.execute_kw(self.db, ADMIN_UID, PASSWORD, model, method, list(args), kwargs)


@pytest.fixture(scope="session")
def served(agora_live_server: Any, agora_served_db: str) -> Served:
    return Served(agora_live_server.url, agora_served_db)


@pytest.fixture
def token(served: Served) -> Iterator[str]:
    """A name fragment unique to the test; partners and tags whose name contains it are
    deleted when the test ends (archived ones included)."""
    value = f"zz{secrets.token_hex(4)}"
    yield value
    for model in CLEANED_MODELS:
        ids = served.admin(model, "search", [("name", "ilike", value)],
                           context={"active_test": False})
        if ids:
            served.admin(model, "unlink", ids)
