"""``/web``: the page that starts the client, with the session's info inlined so the
first screen needs no extra round trip; ``/web/action/load`` reads one action."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from markupsafe import Markup
from werkzeug.utils import redirect
from werkzeug.wrappers import Response

from agora import exceptions, http
from agora.addons.web.controllers.pages import render_page, script_json

#: stylesheets of the client, in cascade order (each view family owns one)
STYLESHEETS = ["css/web.css", "views/list/list.css", "views/form/form.css",
               "fields/fields.css", "views/kanban/kanban.css", "views/pivot/pivot.css",
               "views/graph/graph.css", "search/search.css"]


STATIC_SOURCE = Path(__file__).resolve().parent.parent / "static" / "src"


def existing_stylesheets() -> list[str]:
    # a view family may ship without styles: link only what exists (no 404 per page)
    return [f"/web/static/src/{path}" for path in STYLESHEETS
            if (STATIC_SOURCE / path).is_file()]


def login_redirect(request: http.HttpRequest) -> Response:
    target = request.full_path.rstrip("?")
    return redirect(f"/web/login?redirect={quote(target, safe='')}", code=303)


class WebClient(http.Controller):
    @http.route(["/web", "/web/"], methods=["GET"], auth="user")
    def web_client(self, request: http.HttpRequest) -> Response:
        info = http.session_info(request.env, request.session)
        info["databases"] = request.app.served_databases() if request.app.list_db else []
        return render_page("webclient.html", session_info=Markup(script_json(info)),
                           stylesheets=existing_stylesheets(),
                           title="Agora")

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
