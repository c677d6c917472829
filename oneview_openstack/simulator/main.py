"""``oneview-simulator``: serve a simulated OneView appliance."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

import orjson

from oneview_openstack.simulator import openapi, resources, server, tls
from oneview_openstack.simulator.agents.failures import Failures
from oneview_openstack.simulator.agents.listener import AgentListener
from oneview_openstack.simulator.agents.settings import (
    DEFAULT_HEARTBEAT_INTERVAL,
    AgentSettings,
    checked_latencies,
    parse_ironic_url,
)
from oneview_openstack.simulator.app import SimulatorApp
from oneview_openstack.simulator.appliance import Appliance
from oneview_openstack.simulator.config import DEFAULT_API_VERSION, SimulatorConfig
from oneview_openstack.simulator.errors import ApiError
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
    agents = parser.add_argument_group("virtual agents (ironic-python-agent per server)")
    agents.add_argument("--ironic-url", help="Ironic's API the agents talk to (none: agents off)")
    agents.add_argument(
        "--agent-port", type=int, help="plain HTTP port Ironic sends commands to; 0 picks one"
    )
    agents.add_argument("--agent-port-file", type=Path, help="write the agents' port here")
    agents.add_argument(
        "--heartbeat-interval",
        type=float,
        default=DEFAULT_HEARTBEAT_INTERVAL,
        help="seconds between two heartbeats of an agent",
    )
    agents.add_argument(
        "--agent-latency",
        action="append",
        default=[],
        metavar="NAME=SECONDS",
        help="a command or step (or *) takes this long; repeatable",
    )
    agents.add_argument(
        "--agent-fail",
        action="append",
        default=[],
        metavar="NAME=MESSAGE",
        help="the next run of a command or step fails with MESSAGE; repeatable",
    )
    agents.add_argument(
        "--silent-agent",
        action="append",
        default=[],
        metavar="SERVER_ID",
        help="this server's agent never looks up nor heartbeats; repeatable",
    )
    args = parser.parse_args(argv)
    try:
        args.agents = agent_settings_from_args(args)
    except (ApiError, ValueError) as error:
        parser.error(str(getattr(error, "message", error)))
    return args


def agent_settings_from_args(args: argparse.Namespace) -> AgentSettings:
    """The agents' settings from the flags; ValueError or ApiError on a bad one."""
    if args.heartbeat_interval <= 0:
        raise ValueError("--heartbeat-interval must be > 0")
    latencies: dict[str, float] = {}
    for entry in args.agent_latency:
        name, sep, seconds = entry.partition("=")
        if not sep:
            raise ValueError(f"--agent-latency {entry!r}: expected NAME=SECONDS")
        latencies[name.strip()] = float(seconds)
    failures = []
    for entry in args.agent_fail:
        name, sep, message = entry.partition("=")
        failures.append({"command": name.strip(), "message": message} if sep else {"command": name})
    settings = AgentSettings(
        ironic_url=parse_ironic_url(args.ironic_url),
        heartbeat_interval=args.heartbeat_interval,
        command_latency=checked_latencies(latencies),
        failures=failures,
        silent=list(args.silent_agent),
        listen=args.agent_port is not None or args.ironic_url is not None,
    )
    check = Failures()
    for failure in failures:
        check.add(failure)
    return settings


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
        agents=args.agents,
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
    companions = []
    if config.agents.listen:
        agent_sock = server.listen(config.host, args.agent_port or 0)
        agent_port = server.bound_port(agent_sock)
        appliance.agents.callback_base = f"http://{_url_host(_reachable(config.host))}:{agent_port}"
        companions.append((AgentListener(appliance.agents), agent_sock))
        print(f"Virtual agents listening on {appliance.agents.callback_base}", flush=True)
        if args.agent_port_file:
            server.write_port_file(args.agent_port_file, agent_port)
    if args.port_file:
        server.write_port_file(args.port_file, port)
    server.serve(SimulatorApp(appliance), sock, ssl_context, args.log_level, companions)
    return 0


def _dump_openapi(path: Path, api_version: int) -> None:
    routes = Router(resources.blueprints()).routes
    body = orjson.dumps(openapi.document(routes, api_version), option=orjson.OPT_INDENT_2)
    path.write_bytes(body + b"\n")
    print(f"OpenAPI document written to {path}", flush=True)


def _reachable(host: str) -> str:
    """The address Ironic calls the agents at: the listening one, loopback for a wildcard."""
    return "127.0.0.1" if host in ("", "0.0.0.0", "::") else host  # noqa: S104 - compared


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


if __name__ == "__main__":
    sys.exit(main())
