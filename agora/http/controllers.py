"""Routes every database shares, before any module: server identity for Odoo clients."""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Request, Response

from agora import metrics
from agora.http.routing import Controller, route

#: What Odoo clients switch their code paths on (see API_SURFACE.md).
VERSION_INFO: dict[str, Any] = {
    "server_version": "17.0",
    "server_version_info": [17, 0, 0, "final", 0, ""],
    "server_serie": "17.0",
    "protocol_version": 1,
}


class ServerInfo(Controller):
    @route("/", methods=["GET", "HEAD"], auth="none")
    def root(self, request: Request) -> Response:
        return Response("Agora", mimetype="text/plain")

    @route("/web/webclient/version_info", type="json", auth="none")
    def version_info(self, request: Request, params: dict[str, Any]) -> dict[str, Any]:
        return dict(VERSION_INFO)

    @route("/metrics", methods=["GET"], auth="none")
    def metrics(self, request: Request) -> Response:
        """Prometheus text format: requests, latency, queries, primary/replica split,
        retries, pool usage (of every worker process under prefork)."""
        return Response(metrics.exposition(), content_type=metrics.CONTENT_TYPE)
