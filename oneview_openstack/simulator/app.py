"""The ASGI application: one pipeline for every request.

counters -> faults -> due tasks -> API version -> session -> handler -> commit.

Everything runs on the event loop's thread, so handlers see and change state
without locks. The state file is written (``Store.commit``) before the response
is sent: nothing acknowledged is lost if the process dies right after.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
from typing import Any
from urllib.parse import parse_qsl

import orjson

from oneview_openstack.simulator.appliance import Appliance
from oneview_openstack.simulator.asgi import Receive, Scope, Send, read_body
from oneview_openstack.simulator.auth import User
from oneview_openstack.simulator.errors import ApiError, authorization
from oneview_openstack.simulator.router import Access, Ctx, Reply, Route
from oneview_openstack.simulator.server import ABORT_EXTENSION
from oneview_openstack.simulator.versions import parse_api_version

LOG = logging.getLogger(__name__)


OPERATOR_PREFIX = "/sim/"
JSON_TYPES = ("application/json", "application/json-patch+json")
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class Incoming:
    """One HTTP request as the pipeline sees it: its route, path parameters, scope and body."""

    __slots__ = ("route", "params", "scope", "raw_body", "method", "path", "headers")

    def __init__(self, route: Route, params: dict[str, str], scope: Scope, raw_body: bytes) -> None:
        self.route = route
        self.params = params
        self.scope = scope
        self.raw_body = raw_body
        self.method: str = scope["method"]
        self.path: str = scope["path"]
        self.headers = {
            k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]
        }


class SimulatorApp:
    """ASGI callable serving one ``Appliance``."""

    def __init__(self, appliance: Appliance) -> None:
        self.appliance = appliance

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        method = scope["method"]
        path = scope["path"]
        if len(path) > 1 and path.endswith("/"):  # a real appliance takes /rest/x/ as /rest/x
            path = path.rstrip("/") or "/"
            scope = {**scope, "path": path}
        try:
            route, params = self.appliance.router.match(method, path)
        except ApiError as error:
            if not path.startswith(OPERATOR_PREFIX):
                self.appliance.counters[f"{method} (unknown)"] += 1
            await _send(send, _error_reply(error))
            return
        request = Incoming(route, params, scope, await read_body(receive))
        if route.access is Access.OPERATOR:
            if not _from_loopback(scope):
                await _send(send, _error_reply(_operator_forbidden()))
                return
            await _send(send, self._dispatch(request, 0))
            return
        self.appliance.counters[f"{method} {route.template}"] += 1
        verdict = self.appliance.faults.before_request(method, path)
        if verdict.latency:
            await asyncio.sleep(verdict.latency)
        if verdict.drop_connection:
            await _drop(scope, send)
            return
        if verdict.error is not None:
            await _send(send, _error_reply(verdict.error))
            return
        await _send(send, self._handle(request))

    def _handle(self, request: Incoming) -> Reply:
        config = self.appliance.config
        self.appliance.tasks.advance()
        try:
            version = config.minimum_api_version
            if request.route.access is not Access.PUBLIC or "x-api-version" in request.headers:
                version = parse_api_version(
                    request.headers.get("x-api-version"),
                    config.minimum_api_version,
                    config.api_version,
                )
        except ApiError as error:
            return _error_reply(error)
        return self._dispatch(request, version)

    def _dispatch(self, request: Incoming, version: int) -> Reply:
        route, headers = request.route, request.headers
        session_id = headers.get("auth")
        try:
            user = self._authorize(route, session_id)
            ctx = Ctx(
                appliance=self.appliance,
                method=request.method,
                path=request.path,
                params=request.params,
                query=parse_qsl(request.scope.get("query_string", b"").decode("latin-1"), True),
                headers=headers,
                api_version=version,
                body=_parse_body(request.method, headers, request.raw_body),
                user=user,
                session_id=session_id,
            )
            reply = route.handler(ctx)
        except ApiError as error:
            reply = _error_reply(error)
        except Exception:
            LOG.exception("Unhandled error in %s %s", request.method, route.template)
            reply = _error_reply(
                ApiError(500, "INTERNAL_ERROR", "An internal error occurred in the simulator.")
            )
        self.appliance.store.commit()
        return reply

    def _authorize(self, route: Route, session_id: str | None) -> User | None:
        if route.access in (Access.PUBLIC, Access.OPERATOR):
            return self.appliance.sessions.authenticate(session_id)
        user = self.appliance.sessions.authenticate(session_id)
        if user is None:
            raise authorization()
        if route.access is Access.WRITE and not user.can_write:
            raise ApiError(
                403,
                "ACTION_FORBIDDEN_BY_ROLE",
                f"User {user.name} is not authorized to perform this action.",
                details=f"The role {user.role.value!r} only permits reading.",
                recommended_actions=["Log in as a user with a role that permits changes."],
            )
        return user

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        ticker: asyncio.Task[None] | None = None
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                ticker = asyncio.create_task(self._tick())
                self.appliance.agents.start()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if ticker is not None:
                    ticker.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await ticker
                await self.appliance.agents.stop()
                self.appliance.close()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _tick(self) -> None:
        """Finish due tasks even when no request arrives."""
        while True:
            await asyncio.sleep(self.appliance.config.tick_interval)
            try:
                self.appliance.tasks.advance()
                self.appliance.store.commit()
            except Exception:
                LOG.exception("Advancing tasks failed")


def _parse_body(method: str, headers: dict[str, str], raw: bytes) -> Any:
    if method not in BODY_METHODS or not raw.strip():
        return None
    content_type = headers.get("content-type", "application/json").split(";")[0].strip()
    if content_type == "multipart/form-data":
        return None  # a file upload (firmware bundles): the handler reads its headers only
    if content_type and content_type not in JSON_TYPES:
        raise ApiError(
            415,
            "UNSUPPORTED_MEDIA_TYPE",
            f"The content type {content_type!r} is not supported.",
            details="Send application/json (or application/json-patch+json for PATCH).",
        )
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise ApiError(
            400, "INVALID_JSON", "The request body is not valid JSON.", details=str(exc)
        ) from exc


def _from_loopback(scope: Scope) -> bool:
    client = scope.get("client")
    if not client:
        return True  # a server without peer addresses: only in-process use
    try:
        return ipaddress.ip_address(client[0]).is_loopback
    except ValueError:
        return False


def _operator_forbidden() -> ApiError:
    return ApiError(
        403,
        "OPERATOR_API_LOOPBACK_ONLY",
        "The simulator's operator API only answers clients on the loopback interface.",
        details="Send /sim requests from the machine the simulator runs on.",
    )


def _error_reply(error: ApiError) -> Reply:
    return Reply(error.status, error.body())


# Collections with more members than this are streamed a chunk at a time, so that
# listing 10,000 servers (50 MB of JSON) never holds the whole body in memory.
STREAM_CHUNK = 500


async def _send(send: Send, reply: Reply) -> None:
    headers = [(b"cache-control", b"no-cache")]
    for name, value in reply.headers.items():
        headers.append((name.lower().encode("latin-1"), value.encode("latin-1")))
    if reply.status in (204, 304):
        await _send_whole(send, reply.status, headers, b"")
        return
    headers.append((b"content-type", b"application/json;charset=UTF-8"))
    body = reply.body
    if isinstance(body, dict) and body.get("eTag"):
        headers.append((b"etag", str(body["eTag"]).encode("latin-1")))
    members = body.get("members") if isinstance(body, dict) else None
    if isinstance(members, list) and len(members) > STREAM_CHUNK:
        await _send_streamed(send, reply.status, headers, body, members)
    else:
        await _send_whole(send, reply.status, headers, orjson.dumps(body))


async def _send_whole(
    send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes
) -> None:
    headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _send_streamed(
    send: Send,
    status: int,
    headers: list[tuple[bytes, bytes]],
    body: dict[str, Any],
    members: list[Any],
) -> None:
    """The envelope, then ``members`` in chunks (chunked transfer encoding)."""
    envelope = orjson.dumps({key: value for key, value in body.items() if key != "members"})
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send(
        {"type": "http.response.body", "body": envelope[:-1] + b',"members":[', "more_body": True}
    )
    for start in range(0, len(members), STREAM_CHUNK):
        chunk = orjson.dumps(members[start : start + STREAM_CHUNK])[1:-1]
        prefix = b"," if start else b""
        await send({"type": "http.response.body", "body": prefix + chunk, "more_body": True})
    await send({"type": "http.response.body", "body": b"]}"})


async def _drop(scope: Scope, send: Send) -> None:
    """Reset the connection without answering: the client sees a connection error.

    Under a server without the abort extension, promise a body and stop half-way.
    """
    abort = scope.get("extensions", {}).get(ABORT_EXTENSION)
    if abort is not None:
        abort["abort"]()
        return
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/json"), (b"content-length", b"4096")],
        }
    )
    await send({"type": "http.response.body", "body": b'{"members": [', "more_body": True})
    raise ConnectionAbortedError("connection dropped by an injected fault")
