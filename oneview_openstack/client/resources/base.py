"""Resource models (thin typed wrappers over the JSON) and the generic resource manager."""

from __future__ import annotations

import copy
import logging
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, ClassVar, Generic, TypeVar

import requests

from oneview_openstack.client import exceptions, query
from oneview_openstack.client.constants import Status, parse_enum
from oneview_openstack.client.tasks import Task, TaskManager, task_from_response
from oneview_openstack.client.transport import Transport, relative

LOG = logging.getLogger(__name__)

DEFAULT_PAGE_SIZE = 500
MODIFY_ATTEMPTS = 4
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~:-]*$")


class Resource:
    """A OneView resource: the JSON document plus typed accessors.

    ``data`` is the document this object wraps (a private deep copy); it is what updates send
    back, so edit it (or use the typed setters of subclasses) before calling ``update()``.
    """

    category: ClassVar[str] = ""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data: dict[str, Any] = copy.deepcopy(dict(data))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, uri={self.uri!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Resource) and type(other) is type(self) and other.data == self.data

    __hash__ = None  # type: ignore[assignment]

    def get(self, key: str, default: Any = None) -> Any:
        """A raw JSON attribute (for fields without a typed accessor)."""
        return self.data.get(key, default)

    @property
    def uri(self) -> str:
        return str(self.data.get("uri") or "")

    @property
    def id(self) -> str:
        """The last segment of the URI (the UUID or serial)."""
        return self.uri.rstrip("/").rsplit("/", 1)[-1] if self.uri else ""

    @property
    def uuid(self) -> str:
        """``uuid`` when the resource has one, else the id from the URI."""
        return str(self.data.get("uuid") or self.id)

    @property
    def name(self) -> str | None:
        return self.data.get("name")

    @name.setter
    def name(self, value: str) -> None:
        self.data["name"] = value

    @property
    def description(self) -> str | None:
        return self.data.get("description")

    @property
    def type(self) -> str | None:
        return self.data.get("type")

    @property
    def etag(self) -> str | None:
        value = self.data.get("eTag")
        return str(value) if value not in (None, "") else None

    @property
    def status(self) -> Status:
        return parse_enum(Status, self.data.get("status"))

    @property
    def state(self) -> str | None:
        """The raw ``state``; subclasses with a known state machine return an enum."""
        return self.data.get("state")

    @property
    def created(self) -> str | None:
        return self.data.get("created")

    @property
    def modified(self) -> str | None:
        return self.data.get("modified")


R = TypeVar("R", bound=Resource)
Ref = str | Resource
QueryParams = list[tuple[str, str]]
PageRequest = tuple[str, QueryParams | None]
"""A resource named by its UUID/id, its ``/rest/...`` URI, or the resource itself."""


class ResourceManager(Generic[R]):
    """Operations on one collection, ``/rest/<category>``.

    Subclasses set ``category`` and ``model`` and add the resource's own operations.
    """

    category: ClassVar[str]
    model: type[R]

    def __init__(self, transport: Transport, tasks: TaskManager) -> None:
        self._transport = transport
        self._tasks = tasks

    @property
    def path(self) -> str:
        return f"/rest/{self.category}"

    def uri(self, ref: Ref) -> str:
        """The URI of a resource of this collection from an id, a URI or the resource."""
        text = ref.uri if isinstance(ref, Resource) else ref
        if not isinstance(text, str) or not text:
            raise ValueError(
                f"{self.category}: expected a UUID, a {self.path}/... URI or a resource, "
                f"got {ref!r}"
            )
        text = relative(text)
        if text.startswith("/"):
            if not text.startswith(self.path + "/") or "?" in text:
                raise ValueError(
                    f"{self.category}: expected a {self.path}/{{id}} URI, got {text!r}"
                )
            return text.rstrip("/")
        if not _ID.match(text):
            raise ValueError(
                f"{self.category}: {text!r} is not a valid id; an id has letters, digits and "
                "'-', or pass the full URI"
            )
        return f"{self.path}/{text}"

    # -- reading ----------------------------------------------------------------------------

    def get(self, ref: Ref) -> R:
        """One resource by id, URI or resource (re-read from the appliance)."""
        return self.model(self._from_wire(self._get_json(self.uri(ref))))

    def list(
        self,
        filters: query.Filters = None,
        *,
        sort: str | Sequence[str] | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        fields: Sequence[str] | None = None,
    ) -> Iterator[R]:
        """Lazily iterate the collection, one filtered request per page.

        Nothing is sent until iteration starts; pages are fetched as they are consumed and
        ``nextPageUri`` is followed to the end. See :mod:`query` for *filters* and *sort*.
        *fields* asks for members carrying only these attributes (always add ``uri``): the
        models then answer ``None``/defaults for everything else.
        """
        params = query.filter_params(filters) + query.sort_param(sort)
        params += query.fields_param(fields)
        query.page_params(0, page_size)  # validate now, not at first next()
        return self._iterate(params, page_size)

    def find_by_name(self, name: str) -> R | None:
        """The resource named exactly *name*, or ``None``."""
        for item in self.list({"name": name}, page_size=2):
            if item.name == name:
                return item
        return None

    def get_by_name(self, name: str) -> R:
        """The resource named exactly *name*; ``NotFound`` if there is none."""
        found = self.find_by_name(name)
        if found is None:
            raise exceptions.NotFound(
                f"no {self.category} named {name!r}", status=None, method="GET", path=self.path
            )
        return found

    def _iterate(self, params: QueryParams, page_size: int) -> Iterator[R]:
        request: PageRequest | None = (self.path, params + query.page_params(0, page_size))
        seen: set[str] = set()
        while request is not None:
            page = self._get_json(*request)
            members = (page.get("members") or []) if isinstance(page, dict) else []
            for member in members:
                yield self.model(self._from_wire(member))
            request = _next_page(self.path, page, members, params, page_size)
            if request is not None:
                key = f"{request[0]} {request[1]}"
                if key in seen:
                    return
                seen.add(key)

    def _get_json(self, path: str, params: QueryParams | None = None) -> Any:
        response = self._transport.request("GET", path, params=params)
        return self._transport.json(response, "GET", path)

    # -- writing ----------------------------------------------------------------------------

    def _from_wire(self, data: Mapping[str, Any]) -> Mapping[str, Any]:
        """Hook: turn a body as read into the model's shape (see ``versions``)."""
        return data

    def _to_wire(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """Hook: turn the model's shape into the body the appliance expects."""
        return dict(data)

    def _send(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        params: QueryParams | None = None,
        headers: Mapping[str, str] | None = None,
        content_type: str = "application/json",
        idempotent: bool | None = None,
    ) -> requests.Response:
        """One request; *idempotent* overrides the method's default retry safety."""
        return self._transport.request(
            method,
            path,
            json=body,
            params=params,
            headers=headers,
            content_type=content_type,
            idempotent=idempotent,
        )

    def _finish_task(
        self, response: requests.Response, *, wait: bool, timeout: float | None
    ) -> Task:
        """The task of an async answer, waited for if asked; a completed stand-in if sync."""
        task = task_from_response(response)
        if task is None:
            body = self._transport.json(response, response.request.method or "", response.url)
            uri = body.get("uri") if isinstance(body, dict) else None
            return Task.completed(uri)
        return self._tasks.wait(task, timeout=timeout) if wait else task

    def _finish(
        self,
        response: requests.Response,
        *,
        wait: bool,
        timeout: float | None,
        result_uri: str | None = None,
    ) -> R | Task:
        """Resource (when waiting, re-read once the task is done) or the pending task."""
        task = task_from_response(response)
        if task is None:
            body = self._transport.json(response, response.request.method or "", response.url)
            if isinstance(body, dict) and body.get("uri"):
                resource = self.model(self._from_wire(body))
                return resource if wait else Task.completed(resource.uri)
            if result_uri is None:
                raise exceptions.InvalidResponse(
                    f"expected a task or a {self.category} resource in the answer",
                    status=response.status_code,
                    path=relative(response.url),
                )
            return self.get(result_uri) if wait else Task.completed(result_uri)
        if not wait:
            return task
        done = self._tasks.wait(task, timeout=timeout)
        uri = result_uri or done.resource_uri
        if not uri:
            raise exceptions.InvalidResponse(
                f"task {done.uri} completed without associatedResource.resourceUri",
                path=done.uri,
            )
        return self.get(uri)

    def _put(
        self,
        resource: R,
        *,
        wait: bool,
        timeout: float | None,
        params: QueryParams | None = None,
    ) -> R | Task:
        """PUT the resource back with ``If-Match: <its eTag>``."""
        uri = self.uri(resource)
        headers = {"If-Match": resource.etag} if resource.etag else None
        response = self._send(
            "PUT", uri, self._to_wire(resource.data), params=params, headers=headers
        )
        return self._finish(response, wait=wait, timeout=timeout, result_uri=uri)

    def _update(
        self, resource: R, *, timeout: float | None, params: QueryParams | None = None
    ) -> R:
        """PUT with ``If-Match``, wait, and answer the resource as the appliance now holds it."""
        result = self._put(resource, wait=True, timeout=timeout, params=params)
        assert not isinstance(result, Task)  # wait=True never answers the pending task
        return result

    def _create(self, body: Mapping[str, Any], *, timeout: float | None) -> R:
        """POST *body* to the collection, wait, and answer the created resource."""
        result = self._finish(self._send("POST", self.path, body), wait=True, timeout=timeout)
        assert not isinstance(result, Task)  # wait=True never answers the pending task
        return result

    def _modify(
        self,
        ref: Ref,
        change: Callable[[R], bool | None],
        *,
        timeout: float | None,
        params: QueryParams | None = None,
    ) -> R:
        """Read, apply *change*, write with If-Match; on a stale eTag read again and re-apply.

        *change* edits the resource in place; returning ``False`` means "nothing to do" (no PUT).
        It may be called several times, each time on a fresh copy.
        """
        for attempt in range(1, MODIFY_ATTEMPTS + 1):
            current = self.get(ref)
            if change(current) is False:
                return current
            try:
                return self._update(current, timeout=timeout, params=params)
            except exceptions.ETagMismatch:
                if attempt == MODIFY_ATTEMPTS:
                    raise
                LOG.info(
                    "%s changed while being updated; reading it again (attempt %d of %d)",
                    current.uri,
                    attempt + 1,
                    MODIFY_ATTEMPTS,
                )
        raise AssertionError("unreachable")

    def _delete(self, ref: Ref, *, wait: bool, timeout: float | None, force: bool = False) -> Task:
        params = [("force", "true")] if force else None
        response = self._send("DELETE", self.uri(ref), params=params)
        return self._finish_task(response, wait=wait, timeout=timeout)


def _next_page(
    path: str, page: Any, members: list[Any], params: QueryParams, page_size: int
) -> PageRequest | None:
    """The request for the next page: ``nextPageUri``, else computed from ``start``/``total``."""
    if not isinstance(page, dict) or not members:
        return None
    next_uri = page.get("nextPageUri")
    if next_uri and next_uri != page.get("uri"):
        return relative(str(next_uri)), None
    start, total = page.get("start"), page.get("total")
    if isinstance(start, int) and isinstance(total, int) and start + len(members) < total:
        following = start + len(members)
        return path, params + query.page_params(following, page_size)
    return None
