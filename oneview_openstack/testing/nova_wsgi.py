"""Serve Nova's compute API WSGI application on loopback, for tests.

Nova 34 ships no ``nova-api`` script: the compute API is only the WSGI application
``nova.wsgi.osapi_compute``, normally run under uWSGI. This runs it in a threaded stdlib
``wsgiref`` server::

    python -m oneview_openstack.testing.nova_wsgi --port 8774 --config-dir WORKDIR

``WORKDIR`` holds ``api-paste.ini`` and ``nova.conf`` (Nova reads both from
``$OS_NOVA_CONFIG_DIR``). Nova 34 has no ``noauth2`` middleware any more: the harness's
``api-paste.ini`` drops ``authtoken`` from the pipeline, and :class:`NoAuth` fills in the
identity headers ``authtoken`` would have set, as ``noauth2`` used to. An ``X-Auth-Token``
of ``user:project`` names the user and project (default ``admin``/``admin``), and a request
without ``X-Roles`` gets ``admin,member,reader``; send ``X-Roles: member`` to be a
non-admin.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

READY_LINE = "nova api listening on"

DEFAULT_USER = "admin"
DEFAULT_PROJECT = "admin"
DEFAULT_ROLES = "admin,member,reader"

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    """One thread per request; request threads never keep the process alive."""

    daemon_threads = True


class QuietRequestHandler(WSGIRequestHandler):
    """No access-log line per request (Nova logs its own)."""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib's name
        return


class NoAuth:
    """What Keystone's ``authtoken`` (or the old ``noauth2``) would put in the environ.

    Headers the client sent win; only missing ones are filled in.
    """

    def __init__(self, application: WSGIApp) -> None:
        self.application = application

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        user, _, project = environ.get("HTTP_X_AUTH_TOKEN", "").partition(":")
        environ.setdefault("HTTP_X_USER_ID", user or DEFAULT_USER)
        environ.setdefault(
            "HTTP_X_PROJECT_ID",
            project or environ.get("HTTP_X_AUTH_PROJECT_ID", DEFAULT_PROJECT),
        )
        environ.setdefault("HTTP_X_ROLES", DEFAULT_ROLES)
        return self.application(environ, start_response)


def boot_application(config_dir: str) -> WSGIApp:
    """Nova's compute API application, configured from ``config_dir`` only."""
    os.environ["OS_NOVA_CONFIG_DIR"] = config_dir
    os.environ.pop("OS_NOVA_CONFIG_FILES", None)
    # Nova parses sys.argv[1:] with oslo.config: give it nothing of ours.
    sys.argv = ["nova-api-os-compute"]
    from nova.wsgi import osapi_compute  # builds the application at import

    application = osapi_compute.application
    if application is None:
        raise SystemExit("nova-api: nova.wsgi.osapi_compute built no application")
    return NoAuth(application)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="nova_wsgi", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument(
        "--config-dir", required=True, help="the directory of api-paste.ini and nova.conf"
    )
    args = parser.parse_args(argv)

    application = boot_application(os.path.abspath(args.config_dir))
    server = make_server(
        args.host, args.port, application, ThreadingWSGIServer, QuietRequestHandler
    )
    print(f"{READY_LINE} {args.host}:{args.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
