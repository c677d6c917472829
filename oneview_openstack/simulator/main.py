"""``oneview-simulator``: serve a simulated OneView appliance."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

import orjson

from oneview_openstack.simulator import openapi, resources, server, tls
from oneview_openstack.simulator.app import SimulatorApp
from oneview_openstack.simulator.appliance import Appliance
from oneview_openstack.simulator.config import DEFAULT_API_VERSION, SimulatorConfig
from oneview_openstack.simulator.persistence import StateFileError
from oneview_openstack.simulator.router import Router
from oneview_openstack.simulator.seed import SeedError

LOG = logging.getLogger("oneview_simulator")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="oneview-simulator", description="Serve a simulated HPE OneView appliance."
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback)")
    parser.add_argument("--port", type=int, default=8443, help="port; 0 picks a free one")
    parser.add_argument("--port-file", type=Path, help="write the listening port here")
    parser.add_argument("--http", action="store_true", help="serve plain HTTP instead of HTTPS")
    parser.add_argument("--cert-dir", type=Path, help="where the CA and server certificate live")
    parser.add_argument("--seed", type=Path, help="datacenter seed file (YAML)")
    parser.add_argument("--servers", type=int, help="generate a datacenter of N servers")
    parser.add_argument("--state-file", type=Path, help="keep state across restarts here")
    parser.add_argument("--time-scale", type=float, default=1.0, help="task duration factor")
    parser.add_argument("--api-version", type=int, default=DEFAULT_API_VERSION)
    parser.add_argument("--idle-timeout", type=float, default=86400.0, help="seconds")
    parser.add_argument("--max-page-size", type=int, help="cap on members per page")
    parser.add_argument("--log-level", default="info")
    parser.add_argument(
        "--dump-openapi", type=Path, metavar="FILE", help="write the OpenAPI document and exit"
    )
    return parser.parse_args(argv)


def config_from_args(args: argparse.Namespace) -> SimulatorConfig:
    return SimulatorConfig(
        host=args.host,
        port=args.port,
        tls=not args.http,
        cert_dir=args.cert_dir,
        seed_file=args.seed,
        servers=args.servers,
        state_file=args.state_file,
        time_scale=args.time_scale,
        api_version=args.api_version,
        idle_timeout=args.idle_timeout,
        max_page_size=args.max_page_size,
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    config = config_from_args(args)
    if args.dump_openapi:
        _dump_openapi(args.dump_openapi, config.api_version)
        return 0
    try:
        appliance = Appliance(config)
    except (StateFileError, SeedError) as exc:
        LOG.error("Cannot start: %s", exc)
        return 2
    sock = server.listen(config.host, config.port)
    port = server.bound_port(sock)
    ssl_context = None
    scheme = "http"
    if config.tls:
        cert_dir = config.cert_dir or Path.cwd() / "oneview-simulator-certs"
        paths = tls.ensure_certificates(cert_dir, [config.host])
        ssl_context = tls.server_context(paths)
        scheme = "https"
        print(f"CA certificate: {paths.ca}", flush=True)
    print(f"OneView simulator listening on {scheme}://{_url_host(config.host)}:{port}", flush=True)
    if args.port_file:
        server.write_port_file(args.port_file, port)
    server.serve(SimulatorApp(appliance), sock, ssl_context, args.log_level)
    return 0


def _dump_openapi(path: Path, api_version: int) -> None:
    routes = Router(resources.blueprints()).routes
    body = orjson.dumps(openapi.document(routes, api_version), option=orjson.OPT_INDENT_2)
    path.write_bytes(body + b"\n")
    print(f"OpenAPI document written to {path}", flush=True)


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


if __name__ == "__main__":
    sys.exit(main())
