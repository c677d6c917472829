"""Prometheus metrics and a health endpoint, on one small HTTP listener.

``GET /metrics``: the daemon's own registry (not the process-global one); ``GET /healthz``:
200 while a cycle succeeded within ``max_age`` seconds (``3 x interval + settle_timeout``),
with the last error if the latest cycle failed; 503 with the reason otherwise.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

LOG = logging.getLogger(__name__)
PREFIX = "ironic_oneviewd"


class Metrics:
    """Every metric of one daemon, in its own registry."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.cycles = Counter(f"{PREFIX}_cycles", "Cycles run, by result.", ["result"], registry=r)
        self.cycle_seconds = Histogram(
            f"{PREFIX}_cycle_seconds",
            "Duration of a cycle.",
            buckets=(0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800),
            registry=r,
        )
        self.nodes = Gauge(
            f"{PREFIX}_nodes", "Nodes this instance handles, by provision state.", ["state"],
            registry=r,
        )  # fmt: skip
        self.servers = Gauge(
            f"{PREFIX}_servers", "Compatible servers this instance handles.", registry=r
        )
        self.members = Gauge(f"{PREFIX}_members", "Members of the coordination group.", registry=r)
        self.enrolled = Counter(
            f"{PREFIX}_enrollments", "Servers enrolled or repaired, by result.", ["result"],
            registry=r,
        )  # fmt: skip
        self.moves = Counter(
            f"{PREFIX}_moves", "Provision-state moves requested, by move.", ["move"], registry=r
        )
        self.oneview_requests = Counter(
            f"{PREFIX}_oneview_requests", "HTTP requests sent to OneView.", registry=r
        )
        self.ironic_requests = Counter(
            f"{PREFIX}_ironic_requests", "HTTP requests sent to Ironic.", registry=r
        )
        self.errors = Counter(f"{PREFIX}_errors", "Errors, by kind.", ["kind"], registry=r)
        self.last_success = Gauge(
            f"{PREFIX}_last_success_timestamp_seconds",
            "When the last successful cycle ended (Unix time).",
            registry=r,
        )

    # the OneView client's CallObserver protocol
    def record(self, method: str, path_template: str, status: int | None, seconds: float) -> None:
        self.oneview_requests.inc()


class Health:
    """The state /healthz reports."""

    def __init__(self, max_age: float) -> None:
        self.max_age = max_age
        self._lock = threading.Lock()
        self._last_success: float | None = None
        self._last_error: str | None = None
        self._started = time.monotonic()

    def success(self) -> None:
        with self._lock:
            self._last_success = time.monotonic()
            self._last_error = None

    def failure(self, reason: str) -> None:
        with self._lock:
            self._last_error = reason

    def report(self) -> tuple[bool, dict[str, Any]]:
        with self._lock:
            now = time.monotonic()
            reference = self._last_success if self._last_success is not None else self._started
            age = now - reference
            healthy = age <= self.max_age and (
                self._last_success is not None or self._last_error is None
            )
            body = {
                "status": "ok" if healthy else "failing",
                "seconds_since_last_success": None if self._last_success is None else round(age, 1),
                "last_error": self._last_error,
            }
            return healthy, body


def serve(metrics: Metrics, health: Health, address: str, port: int) -> ThreadingHTTPServer:
    """Start the listener in a daemon thread; ``server.server_address`` tells the port."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            if self.path.split("?")[0] == "/metrics":
                self._send(200, CONTENT_TYPE_LATEST, generate_latest(metrics.registry))
            elif self.path.split("?")[0] == "/healthz":
                healthy, body = health.report()
                self._send(200 if healthy else 503, "application/json", json.dumps(body).encode())
            else:
                self._send(404, "text/plain", b"not found\n")

        def _send(self, status: int, content_type: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            LOG.debug("metrics listener: %s", format % args)

    server = ThreadingHTTPServer((address, port), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="oneviewd-metrics", daemon=True)
    thread.start()
    return server
