"""The login form of a server with several databases and no default: a selector, and
``/web/login?db=<name>`` preselects one (links such as an OpenID provider's show for the
database chosen)."""

from __future__ import annotations

import re

from werkzeug.test import Client

from agora.db.manager import Databases
from agora.http.application import Application
from agora.testing.addons import served_addons_fixture

second = served_addons_fixture(["base"], demo=False, prefix="agora_login_choice")


def test_db_parameter_preselects_a_served_database(agora_app, agora_server_url,
                                                   agora_served_db, second):
    databases = Databases(agora_server_url, pool_min=0, pool_max=2)
    try:
        app = Application(databases=databases, default_db=None)
        served = app.served_databases()
        assert {agora_served_db, second.name} <= set(served)
        client = Client(app)

        def selected(query: str) -> list[str]:
            page = client.get(f"/web/login{query}").get_data(as_text=True)
            assert '<select id="db"' in page  # several databases: the selector
            return re.findall(r'<option value="([^"]+)" selected>', page)
        assert selected("") == []
        assert selected(f"?db={second.name}") == [second.name]
        assert selected("?db=no-such-database") == []
    finally:
        databases.close()
