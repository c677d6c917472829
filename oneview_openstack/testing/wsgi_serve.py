"""Serve an OpenStack service's WSGI application on loopback, for tests and the demo.

Placement and Glance ship no standalone server any more (``glance-api`` only says so and
exits): their APIs are WSGI applications (``placement.wsgi.api:application``,
``glance.wsgi.api:application``) normally run under uWSGI. This runs one in a stdlib
``wsgiref`` server::

    OS_PLACEMENT_CONFIG_DIR=WORKDIR python -m oneview_openstack.testing.wsgi_serve \\
        placement.wsgi.api:application --port 8778 --serial

The application module reads its configuration from the environment, as under uWSGI.
``--serial`` serves one request at a time: an application on sqlite answers "database is
locked" to concurrent writers, and neither Placement nor Glance calls back into itself, so
serving them serially cannot deadlock. ``--token`` adds an ``X-Auth-Token`` to requests
without one (Placement's ``noauth2`` answers 401 without it; its value names an admin).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Iterable, Sequence
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

READY_LINE = "wsgi application listening on"

_PLACEHOLDER_TOKEN = "notused"  # noqa: S105 - not a secret: keystoneauth's placeholder

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    """One thread per request; request threads never keep the process alive."""

    daemon_threads = True


class QuietRequestHandler(WSGIRequestHandler):
    """No access-log line per request (the services log their own)."""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib's name
        return


class DefaultToken:
    """Give requests without ``X-Auth-Token`` the configured one."""

    def __init__(self, application: WSGIApp, token: str) -> None:
        self.application = application
        self.token = token

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        # keystoneauth's "none" plugin sends the placeholder "notused"
        if environ.get("HTTP_X_AUTH_TOKEN") in (None, "", _PLACEHOLDER_TOKEN):
            environ["HTTP_X_AUTH_TOKEN"] = self.token
        return self.application(environ, start_response)


def load_application(target: str) -> WSGIApp:
    """``module:attribute`` (``application`` when the attribute is left out), imported."""
    module_name, _, attribute = target.partition(":")
    # The application modules parse sys.argv with oslo.config: give them nothing to parse.
    sys.argv = [module_name]
    application: WSGIApp = getattr(importlib.import_module(module_name), attribute or "application")
    return application


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="wsgi_serve", description=__doc__.splitlines()[0])
    parser.add_argument("application", help="module:attribute of the WSGI application")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--serial", action="store_true", help="one request at a time")
    parser.add_argument("--token", help="X-Auth-Token for requests that send none")
    args = parser.parse_args(argv)

    application = load_application(args.application)
    if args.token:
        application = DefaultToken(application, args.token)
    server_class = WSGIServer if args.serial else ThreadingWSGIServer
    server = make_server(args.host, args.port, application, server_class, QuietRequestHandler)
    print(f"{READY_LINE} {args.host}:{args.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
