"""This addon's HTML pages (Jinja2, autoescaped), sent with the web client's headers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from werkzeug.wrappers import Response

from agora.addons.web.controllers.pages import SECURITY_HEADERS

_TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).resolve().parent.parent / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
)


def render(template: str, status: int = 200, **values: Any) -> Response:
    response = Response(_TEMPLATES.get_template(template).render(**values), status=status,
                        mimetype="text/html")
    response.headers.update(SECURITY_HEADERS)
    response.headers["Cache-Control"] = "no-store"
    return response
