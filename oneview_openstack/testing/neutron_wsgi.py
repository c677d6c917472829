"""Serve Neutron's API WSGI application on loopback, for tests.

Neutron 29 ships no ``neutron-server`` script: the API is only a WSGI application, normally
run under uWSGI. This runs it in a threaded stdlib ``wsgiref`` server::

    python -m oneview_openstack.testing.neutron_wsgi --port 9696 \\
        --config-file neutron.conf --config-file ml2_conf.ini

The application is booted exactly as ``neutron.wsgi.api`` boots it (``boot_server`` with
``api_server``: config, logging, the ML2 plugin and its mechanism drivers, the paste
pipeline), but from explicit ``--config-file`` arguments instead of environment variables.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

READY_LINE = "neutron api listening on"


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    """One thread per request; request threads never keep the process alive."""

    daemon_threads = True


class QuietRequestHandler(WSGIRequestHandler):
    """No access-log line per request (Neutron logs its own)."""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib's name
        return


def boot_application(config_files: Sequence[str]) -> Callable[..., Any]:
    """Neutron's API application, configured from ``config_files`` only."""
    # Neutron parses sys.argv[1:] with oslo.config: give it only what it should see.
    sys.argv = ["neutron-api", *[arg for path in config_files for arg in ("--config-file", path)]]
    from neutron import server
    from neutron.server import api

    application = server.boot_server(api.api_server, prog="neutron-api")
    if application is None:
        raise SystemExit("neutron-api: boot_server returned no application")
    return application  # type: ignore[no-any-return]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="neutron_wsgi", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--config-file", action="append", required=True, dest="config_files")
    args = parser.parse_args(argv)

    application = boot_application(args.config_files)
    server = make_server(
        args.host, args.port, application, ThreadingWSGIServer, QuietRequestHandler
    )
    print(f"{READY_LINE} {args.host}:{args.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
