"""Routes: HTTP method + OneView path template -> handler, and the request context.

Each resource module has one ``Blueprint``: its endpoints (``@bp.get(...)``), its
asynchronous job kinds (``@bp.job(...)``) and its per-version renderers
(``@bp.renderer(category)``). The appliance merges the blueprints. Path templates use ``{name}``
placeholders; the template (not the concrete path) is what the per-endpoint
request counters and the OpenAPI document are keyed by.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from oneview_openstack.simulator.errors import ApiError
from oneview_openstack.simulator.tasks import Complete, Fail, JobKind
from oneview_openstack.simulator.versions import Renderer, render

if TYPE_CHECKING:
    from oneview_openstack.simulator.appliance import Appliance
    from oneview_openstack.simulator.auth import User


class Access(enum.Enum):
    PUBLIC = "public"  # no session needed (GET /rest/version, login)
    READ = "read"  # any logged-in user
    WRITE = "write"  # refused (403) for read-only users
    OPERATOR = "operator"  # /sim/...: no session, no API version, no faults, not counted


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Ctx:
    """Everything a handler may look at; built once per request by the app."""

    appliance: Appliance
    method: str
    path: str
    params: dict[str, str]
    query: list[tuple[str, str]]
    headers: dict[str, str]  # lower-case names
    api_version: int
    body: Any = None  # parsed JSON, or None
    user: User | None = None
    session_id: str | None = None

    def arg(self, name: str, default: str | None = None) -> str | None:
        """First value of a query parameter, its key in any case (``Start``, ``COUNT``)."""
        wanted = name.lower()
        for key, value in self.query:
            if key.lower() == wanted:
                return value
        return default

    def args(self, name: str) -> list[str]:
        """Every value of a query parameter, its key in any case.

        An appliance takes keys regardless of case: its reference documents
        ``multiresource`` while hpeOneView sends ``multiResource``, and both work.
        """
        wanted = name.lower()
        return [value for key, value in self.query if key.lower() == wanted]

    def json_object(self) -> dict[str, Any]:
        if not isinstance(self.body, dict):
            raise ApiError(
                400,
                "INVALID_JSON_DATA_TYPE",
                "Invalid JSON data type.",  # an appliance's words (doc/simulator.md)
                details=f"{self.method} {self.path} expects a JSON object body.",
            )
        return self.body

    @property
    def owner(self) -> str:
        return self.user.name if self.user else "Administrator"

    def render(self, doc: dict[str, Any]) -> dict[str, Any]:
        """A stored document as this request's API version sees it."""
        return render(doc, self.api_version, self.appliance.renderers)

    def accepted(self, task: dict[str, Any]) -> Reply:
        """202 with the task in the body and its URI in ``Location``."""
        return Reply(202, task, {"Location": task["uri"]})

    def start_task(
        self,
        kind: str,
        params: dict[str, Any],
        *,
        name: str,
        status: str,
        resource_uri: str | None,
        resource_category: str,
        resource_name: str | None = None,
        duration: float | None = None,
        fails_with: ApiError | None = None,
    ) -> Reply:
        """Start a job owned by the request's user; 202 with its task (``accepted``)."""
        task = self.appliance.tasks.start(
            kind,
            params,
            name=name,
            status=status,
            resource_uri=resource_uri,
            resource_category=resource_category,
            resource_name=resource_name,
            owner=self.owner,
            duration=duration,
            fails_with=fails_with,
        )
        return self.accepted(task)


Handler = Callable[[Ctx], Reply]


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    handler: Handler
    access: Access
    pattern: re.Pattern[str]
    summary: str


def _compile(template: str) -> re.Pattern[str]:
    regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
    return re.compile(f"^{regex}$")


class Blueprint:
    def __init__(self) -> None:
        self.routes: list[Route] = []
        self.jobs: dict[str, JobKind] = {}
        self.renderers: dict[str, Renderer] = {}

    def job(
        self, name: str, *, duration: float, steps: list[str] | None = None
    ) -> Callable[[Complete], Complete]:
        """Declare an asynchronous job kind; the function completes it."""

        def register(complete: Complete) -> Complete:
            self.jobs[name] = JobKind(name, duration, steps or [], complete)
            return complete

        return register

    def on_fail(self, name: str) -> Callable[[Fail], Fail]:
        """Declare what undoes a job's synchronous part when its task ends in Error."""

        def register(fail: Fail) -> Fail:
            self.jobs[name].fail = fail
            return fail

        return register

    def renderer(self, category: str) -> Callable[[Renderer], Renderer]:
        def register(function: Renderer) -> Renderer:
            self.renderers[category] = function
            return function

        return register

    def add(
        self, method: str, template: str, access: Access = Access.READ
    ) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            summary = (handler.__doc__ or "").strip().splitlines()[0] if handler.__doc__ else ""
            self.routes.append(
                Route(method, template, handler, access, _compile(template), summary)
            )
            return handler

        return register

    def get(self, template: str, access: Access = Access.READ) -> Callable[[Handler], Handler]:
        return self.add("GET", template, access)

    def post(self, template: str, access: Access = Access.WRITE) -> Callable[[Handler], Handler]:
        return self.add("POST", template, access)

    def put(self, template: str, access: Access = Access.WRITE) -> Callable[[Handler], Handler]:
        return self.add("PUT", template, access)

    def patch(self, template: str, access: Access = Access.WRITE) -> Callable[[Handler], Handler]:
        return self.add("PATCH", template, access)

    def delete(self, template: str, access: Access = Access.WRITE) -> Callable[[Handler], Handler]:
        return self.add("DELETE", template, access)


class Router:
    """Matches a request to a route. Literal templates win over placeholders."""

    def __init__(self, blueprints: list[Blueprint]) -> None:
        routes = [route for bp in blueprints for route in bp.routes]
        # '/rest/server-hardware/schema' must beat '/rest/server-hardware/{id}'.
        routes.sort(key=lambda r: (r.template.count("{"), -len(r.template)))
        self.routes = routes
        self._by_prefix: dict[str, list[Route]] = {}
        for route in routes:
            self._by_prefix.setdefault(_prefix(route.template), []).append(route)

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]]:
        allowed: list[str] = []
        for route in self._by_prefix.get(_prefix(path), []):
            found = route.pattern.match(path)
            if not found:
                continue
            if route.method == method:
                return route, found.groupdict()
            allowed.append(route.method)
        if allowed:
            raise ApiError(
                405,
                "METHOD_NOT_ALLOWED",
                f"The method {method} is not supported for {path}.",
                details=f"Allowed methods: {', '.join(sorted(set(allowed)))}.",
            )
        raise ApiError(
            404,
            "RESOURCE_NOT_FOUND",
            "Resource not found.",
            details=f"The resource {path} was not found.",
            recommended_actions=["Verify the URI of the resource and try again."],
        )


def _prefix(path: str) -> str:
    """The collection part of a path: '/rest/server-hardware/x/y' -> 'rest/server-hardware'."""
    parts = path.strip("/").split("/")
    return "/".join(parts[:2])
