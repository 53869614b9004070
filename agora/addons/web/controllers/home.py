"""``/web``: the page that starts the client, with the session's info inlined so the
first screen needs no extra round trip; ``/web/action/load`` reads one action."""

from __future__ import annotations

import ast
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from markupsafe import Markup
from werkzeug.utils import redirect
from werkzeug.wrappers import Response

from agora import exceptions, http
from agora.addons.web.controllers.pages import render_page, script_json
from agora.http.static import static_directory

#: stylesheets of the client, in cascade order (each view family owns one)
STYLESHEETS = ["css/web.css", "views/list/list.css", "views/form/form.css",
               "fields/fields.css", "views/kanban/kanban.css", "views/pivot/pivot.css",
               "views/graph/graph.css", "search/search.css"]


STATIC_SOURCE = Path(__file__).resolve().parent.parent / "static" / "src"


def existing_stylesheets() -> list[str]:
    # a view family may ship without styles: link only what exists (no 404 per page)
    return [f"/web/static/src/{path}" for path in STYLESHEETS
            if (STATIC_SOURCE / path).is_file()]


#: the manifest key addons list their client files under (Odoo's name):
#: ``"assets": {"web.assets_backend": ["mail/static/src/chatter/chatter.js", ...]}``
ASSETS_BUNDLE = "web.assets_backend"


@lru_cache(maxsize=256)  # manifests are code: read once per process
def addon_assets(addon: str) -> tuple[str, ...]:
    """URLs of ``addon``'s backend assets: paths or globs (``mail/static/src/**/*.css``)
    under the addon's own ``static/`` folder, in the manifest's order (globs sorted)."""
    static = static_directory(addon)
    if static is None:
        return ()
    manifest = ast.literal_eval((static.parent / "__manifest__.py").read_text(encoding="utf-8"))
    bundles = manifest.get("assets")
    entries = bundles.get(ASSETS_BUNDLE) if isinstance(bundles, dict) else None
    urls: list[str] = []
    for entry in entries if isinstance(entries, list | tuple) else ():
        prefix = f"{addon}/static/"
        if not isinstance(entry, str) or not entry.startswith(prefix) or ".." in entry:
            continue  # another addon's files are that addon's to list
        relative = entry[len(prefix):]
        found = sorted(static.glob(relative)) if any(c in relative for c in "*?[") \
            else [static / relative]
        urls += [f"/{addon}/static/{path.relative_to(static).as_posix()}"
                 for path in found if path.is_file()]
    return tuple(dict.fromkeys(urls))


def installed_assets(modules: Iterable[str]) -> tuple[list[str], list[str]]:
    """(stylesheets, ES modules) the installed addons add to the page, dependencies first."""
    urls = [url for module in modules for url in addon_assets(module)]
    return ([url for url in urls if url.endswith(".css")],
            [url for url in urls if url.endswith(".js")])


def login_redirect(request: http.HttpRequest) -> Response:
    target = request.full_path.rstrip("?")
    return redirect(f"/web/login?redirect={quote(target, safe='')}", code=303)


class WebClient(http.Controller):
    @http.route(["/web", "/web/"], methods=["GET"], auth="user", readonly=True)
    def web_client(self, request: http.HttpRequest) -> Response:
        info = http.session_info(request.env, request.session)
        info["databases"] = request.app.served_databases() if request.app.list_db else []
        # the registry knows the installed modules in load order: no query
        styles, modules = installed_assets(getattr(request.env.registry, "modules", ()))
        return render_page("webclient.html", session_info=Markup(script_json(info)),
                           stylesheets=existing_stylesheets() + styles,
                           modules=modules, title="Agora")

    def handle_error(self, request: http.HttpRequest, exc: BaseException) -> Response | None:
        # a browser without a session (or with an expired one) is sent to the login form
        if isinstance(exc, http.SessionExpired):
            return login_redirect(request)
        return None

    @http.route("/web/action/load", type="json", auth="user", readonly=True)
    def load_action(self, request: http.HttpRequest, params: dict[str, Any]) -> Any:
        """The action ``action_id`` (an id of ir.actions.act_window, an external id, or
        ``"<model>,<id>"``) as the client reads it."""
        action_id = params.get("action_id")
        env = request.env
        if isinstance(action_id, str) and "," in action_id:
            model, _, record_id = action_id.partition(",")
            if not model.startswith("ir.actions.") or model not in env \
                    or not record_id.isdigit():
                raise exceptions.ValidationError(f"/web/action/load: invalid action {action_id!r}")
            record = env[model].browse(int(record_id))
        elif isinstance(action_id, str):
            record = env.ref(action_id, raise_if_not_found=False)
            if record is None or not record._name.startswith("ir.actions."):
                raise exceptions.MissingError(f"/web/action/load: no action {action_id!r}")
        elif isinstance(action_id, int) and not isinstance(action_id, bool):
            record = env["ir.actions.act_window"].browse(action_id)
        else:
            raise exceptions.ValidationError("/web/action/load: action_id must be an id or an external id")
        if not record.exists():
            raise exceptions.MissingError(f"/web/action/load: action {action_id!r} does not exist")
        return record._get_action_dict()
