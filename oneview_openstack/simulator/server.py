"""Serving an ASGI app: the listening socket, TLS and uvicorn (httptools on uvloop).

The socket is bound and listening before uvicorn starts, so the port can be
announced (``--port-file``) at once: early clients wait in the backlog instead of
being refused.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import ssl
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import uvicorn
import uvloop
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

LOG = logging.getLogger(__name__)

# The ASGI scope extension through which the app can drop a connection.
ABORT_EXTENSION = "oneview_simulator.abort"
BACKLOG = 1024
KEEP_ALIVE_SECONDS = 75  # longer than client pools keep idle connections
GRACEFUL_SHUTDOWN_SECONDS = 3  # then the state file is compacted and the process exits


class AbortableHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, plus a way for the app to reset the connection.

    Injected faults use it to make a client see a dropped connection instead
    of a response (see ``app``).
    """

    def on_message_begin(self) -> None:
        super().on_message_begin()
        abort: Callable[[], None] = self._abort_connection
        self.scope["extensions"] = {ABORT_EXTENSION: {"abort": abort}}

    def shutdown(self) -> None:
        """Server shutdown: drop idle keep-alive connections at once.

        A TLS close waits for the client's close_notify, which an idle client
        pool never sends; that would hold the shutdown for the whole grace time.
        """
        if self.cycle is None or self.cycle.response_complete:
            self.transport.abort()
        else:
            self.cycle.keep_alive = False

    def _abort_connection(self) -> None:
        # Mark the request cycle disconnected now, so uvicorn neither answers 500
        # nor logs an error when the app returns without a response.
        if self.cycle is not None:
            self.cycle.disconnected = True
        self.transport.abort()


def listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host``:``port`` (0 = any free port)."""
    family, _, _, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(address)
    sock.listen(BACKLOG)
    return sock


def bound_port(sock: socket.socket) -> int:
    return int(sock.getsockname()[1])


def write_port_file(path: Path, port: int) -> None:
    """Atomically, so a watcher never reads an empty file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(str(port))
    os.replace(tmp, path)


def serve(
    app: Any,
    sock: socket.socket,
    ssl_context: ssl.SSLContext | None,
    log_level: str,
    companions: Sequence[tuple[Any, socket.socket]] = (),
) -> None:
    """Run until SIGINT/SIGTERM; the app's lifespan shutdown runs before returning.

    ``companions`` are other ASGI apps (the virtual agents' listener), each served on its
    own socket over plain HTTP, without lifespan, on the same event loop; they stop after
    ``app`` does.
    """
    config = uvicorn.Config(
        app,
        http=AbortableHttpToolsProtocol,
        loop="uvloop",
        lifespan="on",
        access_log=False,
        log_level=log_level.lower(),
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        ssl_context_factory=(lambda _config, _default: ssl_context) if ssl_context else None,
    )
    if not companions:
        uvicorn.Server(config).run(sockets=[sock])
        return
    others = [(_Companion(_companion_config(other, log_level)), s) for other, s in companions]
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(_serve_together(uvicorn.Server(config), sock, others))


class _Companion(uvicorn.Server):
    """A server that leaves the signals to the main one and stops when told."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def _companion_config(app: Any, log_level: str) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        http="httptools",
        lifespan="off",
        access_log=False,
        log_level=log_level.lower(),
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
    )


async def _serve_together(
    main: uvicorn.Server, sock: socket.socket, others: list[tuple[_Companion, socket.socket]]
) -> None:
    tasks = [asyncio.create_task(other.serve(sockets=[s])) for other, s in others]
    try:
        await main.serve(sockets=[sock])
    finally:
        for other, _ in others:
            other.should_exit = True
        await asyncio.gather(*tasks, return_exceptions=True)
