"""Security headers on every response, set by the Application after dispatch.

- every response: ``X-Content-Type-Options: nosniff`` (a JSON or text answer is never
  run as a script or page), ``Referrer-Policy: same-origin`` (URLs carry record ids and
  search terms), ``X-Frame-Options: SAMEORIGIN`` (clickjacking, for browsers that ignore
  CSP's ``frame-ancestors``);
- HTML: a Content-Security-Policy that allows scripts from this origin only — no inline
  script, no ``eval``: an HTML field that slipped past the sanitiser cannot run code;
- over HTTPS (directly, or behind a trusted proxy that says so): Strict-Transport-Security.

A header the route set itself wins: an attachment keeps its ``sandbox`` policy, a page
that forbids all framing keeps ``DENY``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from werkzeug.wrappers import Response

    from agora.http.request import HttpRequest

#: the policy of HTML pages (the web client, the login form, error pages)
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    # the client sets style attributes (indentation of grouped rows, menu positions):
    # styles cannot run code, and scripts stay strict
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'self'",
])

#: one year; no includeSubDomains: other hosts of the domain are not ours to decide
STRICT_TRANSPORT_SECURITY = "max-age=31536000"

_HTML_TYPES = ("text/html", "application/xhtml+xml")

ALWAYS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "SAMEORIGIN",
}


def apply_security_headers(request: HttpRequest, response: Response) -> None:
    """Add the headers above to ``response`` where the route did not set them."""
    headers = response.headers
    for name, value in ALWAYS.items():
        headers.setdefault(name, value)
    if response.mimetype in _HTML_TYPES:
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    if request.is_secure_transport:
        headers.setdefault("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY)
