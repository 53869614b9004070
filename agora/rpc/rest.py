"""The REST API, generated from the models:

- ``GET /api/v1/<model>``: a page of records, ``{"records": [...], "count"?: n}``
  (query: ``domain`` JSON, ``fields`` comma list, ``limit`` (100, at most 1000),
  ``offset``, ``order``, ``count=true`` to add the number of matching records);
- ``POST /api/v1/<model>``: create, 201 with the record and its ``Location``;
- ``GET|PATCH|DELETE /api/v1/<model>/<id>``: read (``fields``), write, delete (204);
- ``POST /api/v1/<model>/<id>/<method>``: a workflow method on the record, body =
  named arguments, response = its JSON result;
- ``GET /api/v1/openapi.json``: the OpenAPI document for this database and caller.

Callers authenticate with ``Authorization: bearer <api key>`` or the session cookie.
Each request is one transaction; errors are the JSON-2 ones (:mod:`rest_errors`).
Access rights are the ORM's: the API only shapes requests and responses.
"""

from __future__ import annotations

import inspect
from typing import Any

from werkzeug.wrappers import Response

from agora.http.request import HttpRequest
from agora.http.routing import route
from agora.rpc import rest_fields as rf
from agora.rpc import rest_values as rv
from agora.rpc.dispatch import check_method_name
from agora.rpc.errors import InvalidArgumentsError, UnknownMethodError
from agora.rpc.marshal import to_wire
from agora.rpc.openapi import openapi_document
from agora.rpc.rest_errors import ApiController, check_session_request, json_object, json_reply
from agora.rpc.rest_query import parse_fields, parse_list_query

PREFIX = "/api/v1"


class RestRoutes(ApiController):
    @route(f"{PREFIX}/openapi.json", methods=["GET"], auth="bearer", csrf=False,
           readonly=True)
    def openapi(self, request: HttpRequest) -> Response:
        server = request.host_url.rstrip("/") + PREFIX
        return json_reply(openapi_document(request.env, server))

    # Reads are marked readonly: with read replicas configured they may be served there.
    @route(f"{PREFIX}/<model>", methods=["GET"], auth="bearer", csrf=False, readonly=True)
    def list_records(self, request: HttpRequest, model: str) -> Response:
        return json_reply(self._search(rf.api_model(request.env, model), request))

    @route(f"{PREFIX}/<model>", methods=["POST"], auth="bearer", csrf=False)
    def create_record(self, request: HttpRequest, model: str) -> Response:
        check_session_request(request)
        records = rf.api_model(request.env, model)
        vals = rv.write_values(records, json_object(request, required=True))
        created = records.create(vals)
        body = rv.read_records(created, rf.default_fields(records))[0]
        return json_reply(body, 201, {"Location": f"{PREFIX}/{model}/{created.id}"})

    @route(f"{PREFIX}/<model>/<record_id>", methods=["GET"], auth="bearer", csrf=False,
           readonly=True)
    def read_record(self, request: HttpRequest, model: str, record_id: str) -> Response:
        record = rf.record(rf.api_model(request.env, model), record_id)
        fields = rf.field_list(record, parse_fields(request.args.get("fields")))
        return json_reply(rv.read_records(record, fields)[0])

    @route(f"{PREFIX}/<model>/<record_id>", methods=["PATCH", "DELETE"], auth="bearer",
           csrf=False)
    def change_record(self, request: HttpRequest, model: str, record_id: str) -> Response:
        check_session_request(request)
        record = rf.record(rf.api_model(request.env, model), record_id)
        if request.method == "DELETE":
            record.unlink()
            return Response(status=204)
        record.write(rv.write_values(record, json_object(request, required=True)))
        return json_reply(rv.read_records(record, rf.default_fields(record))[0])

    @route(f"{PREFIX}/<model>/<record_id>/<method>", methods=["POST"], auth="bearer",
           csrf=False)
    def call(self, request: HttpRequest, model: str, record_id: str, method: str) -> Response:
        check_session_request(request)
        records = rf.api_model(request.env, model)
        function = rf.workflow_methods(records).get(method)
        if function is None:
            check_method_name(records, method)  # private: AccessError; unknown: 404
            raise UnknownMethodError(
                f"{model}.{method} is not a workflow method: call it through JSON-2",
                model=model)
        kwargs = json_object(request)
        record = rf.record(records, record_id)
        record.check_access("read")  # a method runs on a record the caller can see
        try:
            inspect.signature(function).bind(record, **kwargs)
        except TypeError as exc:
            raise InvalidArgumentsError(f"{model}.{method}: {exc}", model=model) from None
        return json_reply(to_wire(function(record, **kwargs), none=None))

    @staticmethod
    def _search(model: Any, request: HttpRequest) -> dict[str, Any]:
        query = parse_list_query(model, request.args)
        fields = rf.field_list(model, query.fields)
        # search_fetch: the page's columns come with the search query itself
        records = model.search_fetch(query.domain, [f.name for f in fields], query.offset,
                                     query.limit, query.order) if query.limit else model.browse()
        result: dict[str, Any] = {"records": rv.read_records(records, fields)}
        if query.count:
            result["count"] = model.search_count(query.domain)
        return result
