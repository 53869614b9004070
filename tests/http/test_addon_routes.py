"""Routes of addon controllers are served only on databases where the addon is
installed; the framework's own routes everywhere."""

from __future__ import annotations

from werkzeug.test import Client

from agora.http.application import Application
from agora.http.routing import Controller, route


class InstalledAddonRoutes(Controller):
    @route("/test/addon/installed", type="json", auth="user")
    def hello(self, request, params):
        return {"uid": request.env.uid}


class MissingAddonRoutes(Controller):
    @route("/test/addon/missing", type="json", auth="user")
    def hello(self, request, params):
        return {"uid": request.env.uid}


# as if defined in agora/addons/<name>/controllers: demo is installed in the served
# database, no_such_addon is not
InstalledAddonRoutes.__module__ = "agora.addons.demo.controllers.main"
MissingAddonRoutes.__module__ = "agora.addons.no_such_addon.controllers.main"


def rpc(client, path, params=None):
    return client.post(path, json={"jsonrpc": "2.0", "method": "call", "id": 1,
                                   "params": params or {}}).get_json()


def test_addon_routes_follow_installation(agora_app, agora_served_db):
    app = Application([InstalledAddonRoutes, MissingAddonRoutes],
                      databases=agora_app.databases, default_db=agora_served_db)
    assert app.endpoint_addons and set(app.endpoint_addons.values()) == {"demo",
                                                                          "no_such_addon"}
    client = Client(app)
    session = Client(agora_app)
    rpc(session, "/web/session/authenticate",
        {"db": agora_served_db, "login": "admin", "password": "admin"})
    client.set_cookie("session_id", session.get_cookie("session_id").value)
    assert rpc(client, "/test/addon/installed")["result"] == {"uid": 2}
    error = rpc(client, "/test/addon/missing")["error"]
    assert error["code"] == 404


def test_framework_routes_belong_to_no_addon(agora_app):
    # the API routes answer on every database; only the web client's pages belong to the
    # web addon
    api = ("/xmlrpc", "/jsonrpc", "/web/session/authenticate", "/web/session/get_session_info",
           "/web/session/destroy", "/web/dataset/", "/web/database/", "/web/webclient/",
           "/json/2", "/api/")
    owners = {rule.rule: agora_app.endpoint_addons.get(rule.endpoint)
              for rule in agora_app.url_map.iter_rules()}
    assert not any(owner for path, owner in owners.items() if path.startswith(api))
    assert owners["/web/login"] == "web"
    assert owners["/<string:addon>/static/<path:path>"] is None


def test_controllers_of_every_addon_found_are_loaded():
    from pathlib import Path

    from agora.modules.paths import add_addons_paths
    from agora.service.wsgi import load_controllers

    add_addons_paths([Path(__file__).parents[1] / "modules" / "addons"])
    load_controllers()
    app = Application()
    addons = {app.endpoint_addons.get(rule.endpoint): rule.rule
              for rule in app.url_map.iter_rules()}
    assert addons.get("test_partner_ext") == "/test_partner_ext/ping"
