"""``/xmlrpc/<service>`` (legacy, string fault codes), ``/xmlrpc/2/<service>`` (integer
fault codes) and ``/jsonrpc``: Odoo's external API over both transports."""

from __future__ import annotations

import logging
from typing import Any

from werkzeug.wrappers import Response

from agora.http.request import HttpRequest
from agora.http.routing import Controller, route
from agora.orm.exceptions import UserError
from agora.rpc.services import RpcServices
from agora.rpc.xmlrpc import XmlRpcRequestError, dump_result, fault_legacy, fault_v2, parse_call

_logger = logging.getLogger(__name__)


def services(request: HttpRequest) -> RpcServices:
    """The application's services object (made on first use)."""
    found = getattr(request.app, "rpc_services", None)
    if found is None:
        found = request.app.rpc_services = RpcServices(request.app)  # type: ignore[attr-defined]
    return found


def _expected(exc: BaseException) -> bool:
    """Errors that are the caller's doing: answered, not logged as server errors."""
    return isinstance(exc, UserError | XmlRpcRequestError | LookupError)


class RpcRoutes(Controller):
    @route("/xmlrpc/<service>", methods=["POST"], auth="none", csrf=False)
    def xmlrpc_legacy(self, request: HttpRequest, service: str) -> Response:
        return self._xmlrpc(request, service, legacy=True)

    @route("/xmlrpc/2/<service>", methods=["POST"], auth="none", csrf=False)
    def xmlrpc_2(self, request: HttpRequest, service: str) -> Response:
        return self._xmlrpc(request, service, legacy=False)

    def _xmlrpc(self, request: HttpRequest, service: str, *, legacy: bool) -> Response:
        try:
            method, params = parse_call(request.get_data(cache=False))
            payload = dump_result(services(request).dispatch(service, method, params))
        except Exception as exc:  # every error is a fault; the server keeps serving
            if getattr(exc, "code", None) == 413:
                raise
            if not _expected(exc):
                _logger.exception("XML-RPC %s failed", service)
            payload = fault_legacy(exc) if legacy else fault_v2(exc)
        return Response(payload, mimetype="text/xml")

    @route("/jsonrpc", type="json", auth="none")
    def jsonrpc(self, request: HttpRequest, params: dict[str, Any]) -> Any:
        return services(request).dispatch(params.get("service"), params.get("method"),
                                          params.get("args") or [])
