"""HTML pages of the web client, rendered with Jinja2 (autoescaped: user data is never
markup)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from werkzeug.wrappers import Response

from agora.http.security_headers import CONTENT_SECURITY_POLICY

_TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).resolve().parent.parent / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
)

#: the central headers (agora.http.security_headers: CSP, nosniff, referrer policy) with
#: framing forbidden outright: no page of the client is meant to be framed, even by us
SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": CONTENT_SECURITY_POLICY.replace(
        "frame-ancestors 'self'", "frame-ancestors 'none'"),
}


def script_json(value: Any) -> str:
    """JSON safe inside <script type="application/json">: "</script>" cannot close it."""
    return (json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("&", "\\u0026"))


def render_page(template: str, status: int = 200, **values: Any) -> Response:
    body = _TEMPLATES.get_template(template).render(**values)
    response = Response(body, status=status, mimetype="text/html")
    response.headers.update(SECURITY_HEADERS)
    response.headers["Cache-Control"] = "no-store"
    return response
