"""An OpenAPI 3.1 description of the simulated ``/rest`` surface, made from the routes.

Nothing is written by hand per endpoint: paths and methods come from the
router, summaries and descriptions from the handlers' docstrings, and an
operation is documented as asynchronous (202 + task) when its handler answers
with ``Ctx.start_task`` or ``Ctx.accepted`` (directly or through a helper it
calls, in its own module or as ``module.function``).
Served at ``GET /rest/openapi.json``; ``oneview-simulator --dump-openapi FILE``
writes it without starting a server.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable
from types import FunctionType, ModuleType
from typing import Any

from oneview_openstack.simulator.router import Access, Blueprint, Ctx, Reply, Route

bp = Blueprint()

OPENAPI_VERSION = "3.1.0"
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_BODY_METHODS = ("POST", "PUT", "PATCH")


@bp.get("/rest/openapi.json", Access.PUBLIC)
def get_openapi(ctx: Ctx) -> Reply:
    """This document: the simulator's REST surface as OpenAPI 3.1."""
    return Reply(200, document(ctx.appliance.router.routes, ctx.appliance.config.api_version))


def document(routes: Iterable[Route], api_version: int) -> dict[str, Any]:
    """The OpenAPI document for every route but the operator's (``/rest`` and public probes)."""
    paths: dict[str, dict[str, Any]] = {}
    seen: dict[str, int] = {}
    for route in sorted(routes, key=lambda r: (r.template, r.method)):
        if route.access is Access.OPERATOR:  # /sim: the operator API is not the appliance's
            continue
        operation = _operation(route)
        # One handler may serve several templates; OpenAPI wants unique operation ids.
        seen[operation["operationId"]] = count = seen.get(operation["operationId"], 0) + 1
        if count > 1:
            operation["operationId"] += f".{count}"
        paths.setdefault(route.template, {})[route.method.lower()] = operation
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "HPE OneView REST API (oneview-simulator)",
            "version": str(api_version),
            "description": (
                "The subset of the HPE OneView REST API the simulator serves. Send the session "
                "id from POST /rest/login-sessions in the auth header and an X-API-Version "
                "header; asynchronous operations answer 202 with a task."
            ),
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": _components(),
    }


def _operation(route: Route) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": _operation_id(route),
        "summary": route.summary or f"{route.method} {route.template}",
        "tags": [_tag(route.template)],
        "parameters": [
            *(_path_parameter(name) for name in _PLACEHOLDER.findall(route.template)),
            {"$ref": "#/components/parameters/XApiVersion"},
        ],
        "security": [] if route.access is Access.PUBLIC else [{"auth": []}],
        "responses": _responses(route),
    }
    description = inspect.getdoc(route.handler)
    if description and description != route.summary:
        operation["description"] = description
    if route.method in _BODY_METHODS:
        operation["requestBody"] = _request_body(route.method)
    return operation


def _responses(route: Route) -> dict[str, Any]:
    responses: dict[str, Any] = {}
    if answers_with_task(route.handler):
        responses["202"] = {"$ref": "#/components/responses/Task"}
    else:
        responses["2XX"] = {
            "description": "Success (a resource, a collection, or no content).",
            "content": {"application/json": {"schema": {"type": ["object", "array"]}}},
        }
    if route.access is not Access.PUBLIC:
        responses["401"] = {"$ref": "#/components/responses/Error"}
    responses["412"] = {"$ref": "#/components/responses/Error"}
    responses["default"] = {"$ref": "#/components/responses/Error"}
    return responses


_TASK_REPLIES = frozenset({"accepted", "start_task"})


def answers_with_task(handler: Callable[..., Any], depth: int = 2) -> bool:
    """Whether the handler (or a function it calls) answers with ``start_task``/``accepted``."""
    code = getattr(handler, "__code__", None)
    if code is None:
        return False
    if _TASK_REPLIES.intersection(code.co_names):
        return True
    if depth == 0:
        return False
    return any(answers_with_task(called, depth - 1) for called in _called_functions(handler))


def _called_functions(handler: Callable[..., Any]) -> Iterable[FunctionType]:
    """Functions the handler may call: ``helper(...)`` and ``module.helper(...)``."""
    names = handler.__code__.co_names
    module_globals = getattr(handler, "__globals__", {})
    for name in names:
        value = module_globals.get(name)
        if isinstance(value, FunctionType):
            yield value
        elif isinstance(value, ModuleType):
            yield from (
                getattr(value, attribute)
                for attribute in names
                if isinstance(getattr(value, attribute, None), FunctionType)
            )


def _operation_id(route: Route) -> str:
    module = route.handler.__module__.rsplit(".", 1)[-1]
    return f"{module}.{route.handler.__name__}.{route.method.lower()}"


def _tag(template: str) -> str:
    parts = template.split("/")
    return parts[2] if len(parts) > 2 else "rest"


def _path_parameter(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}


def _request_body(method: str) -> dict[str, Any]:
    content: dict[str, Any] = {"application/json": {"schema": {"type": ["object", "array"]}}}
    if method == "PATCH":
        content["application/json-patch+json"] = {
            "schema": {"type": "array", "items": {"$ref": "#/components/schemas/PatchOperation"}}
        }
    return {"required": False, "content": content}


def _components() -> dict[str, Any]:
    return {
        "securitySchemes": {
            "auth": {
                "type": "apiKey",
                "in": "header",
                "name": "auth",
                "description": "The sessionID returned by POST /rest/login-sessions.",
            }
        },
        "parameters": {
            "XApiVersion": {
                "name": "X-API-Version",
                "in": "header",
                "required": False,
                "description": (
                    "API version of the request; missing means the minimum (120). A value "
                    "that is not a number from 1 to currentVersion is refused with 412."
                ),
                "schema": {"type": "string", "pattern": "^[0-9]+$"},
            }
        },
        "schemas": {
            "ErrorMessage": _error_schema(),
            "TaskResource": _task_schema(),
            "PatchOperation": {
                "type": "object",
                "required": ["op", "path"],
                "properties": {
                    "op": {"type": "string", "enum": ["add", "remove", "replace", "test"]},
                    "path": {"type": "string"},
                    "value": {},
                },
            },
        },
        "responses": {
            "Error": {
                "description": "An error, as OneView's ErrorMessage document.",
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/ErrorMessage"}}
                },
            },
            "Task": {
                "description": "Accepted: the operation runs as the task in the body.",
                "headers": {
                    "Location": {
                        "description": "URI of the task (/rest/tasks/{id}).",
                        "schema": {"type": "string"},
                    }
                },
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/TaskResource"}}
                },
            },
        },
    }


def _error_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["errorCode", "message"],
        "properties": {
            "errorCode": {"type": "string", "examples": ["RESOURCE_NOT_FOUND"]},
            "message": {"type": "string"},
            "details": {"type": "string"},
            "recommendedActions": {"type": "array", "items": {"type": "string"}},
            "nestedErrors": {"type": "array", "items": {"type": "object"}},
            "errorSource": {"type": ["string", "null"]},
            "data": {"type": "object"},
        },
    }


def _task_schema() -> dict[str, Any]:
    states = ["New", "Pending", "Starting", "Running", "Suspended", "Stopping"]
    states += ["Completed", "Warning", "Error", "Terminated", "Killed"]
    return {
        "type": "object",
        "required": ["type", "uri", "taskState"],
        "properties": {
            "type": {"type": "string", "examples": ["TaskResourceV2"]},
            "category": {"const": "tasks"},
            "uri": {"type": "string"},
            "name": {"type": "string"},
            "owner": {"type": "string"},
            "taskState": {"type": "string", "enum": states},
            "taskStatus": {"type": "string"},
            "percentComplete": {"type": "integer", "minimum": 0, "maximum": 100},
            "associatedResource": {
                "type": "object",
                "properties": {
                    "resourceUri": {"type": ["string", "null"]},
                    "resourceCategory": {"type": "string"},
                    "resourceName": {"type": ["string", "null"]},
                    "associationType": {"type": "string"},
                },
            },
            "progressUpdates": {"type": "array", "items": {"type": "object"}},
            "taskErrors": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/ErrorMessage"},
            },
        },
    }
