"""Watching things move: Nova's server, Ironic's nodes and OneView's servers, printed as they
change.

openstacksdk's ``wait_for_*`` polls every few seconds, longer than most of these transitions
take; the watcher polls every quarter of a second and prints each change once.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Collection
from typing import Any

from oneview_openstack.client import NotFound, OneViewClient
from oneview_openstack.demo import show
from oneview_openstack.demo.stage import DemoFailure, Stage

POLL_SECONDS = 0.25
DEFAULT_TIMEOUT = 120.0


@dataclasses.dataclass
class Snapshot:
    """One poll: the watched nodes by name, and the watched Nova server (None once gone)."""

    nodes: dict[str, Any]
    server: Any = None

    def all_nodes(self, check: Callable[[Any], bool]) -> bool:
        return bool(self.nodes) and all(check(node) for node in self.nodes.values())


class Watcher:
    """Polls the nodes (all, or those named), their servers in OneView and a Nova server,
    and prints what changed.

    :param server_failures: Nova statuses of the server that fail the wait.
    """

    def __init__(
        self,
        stage: Stage,
        names: Collection[str] = (),
        *,
        oneview: bool = True,
        server_id: str | None = None,
        server_failures: Collection[str] = ("ERROR",),
    ) -> None:
        self.stage = stage
        self.names = set(names)
        self.ov: OneViewClient | None = stage.ov if oneview else None
        self.server_id = server_id
        self.server_failures = set(server_failures)
        self.started = time.monotonic()
        self._lines: dict[str, str] = {}
        self._reasons: dict[str, str | None] = {}
        self._profile_names: dict[str, str] = {}

    def until(
        self, done: Callable[[Snapshot], bool], what: str, timeout: float = DEFAULT_TIMEOUT
    ) -> Snapshot:
        """Poll until ``done(snapshot)``; the last snapshot. A node in a ``... failed`` state,
        the server in a failure status, or the timeout raise DemoFailure naming ``what``."""
        deadline = time.monotonic() + timeout
        while True:
            current = self.look()
            if done(current):
                return current
            self._raise_if_failed(current, what)
            if time.monotonic() > deadline:
                raise DemoFailure(f"{what}: not after {timeout:.0f} s ({_states(current)})")
            time.sleep(POLL_SECONDS)

    def look(self) -> Snapshot:
        """Poll once, print what changed."""
        nodes = {
            node.name: node
            for node in self.stage.baremetal.nodes(details=True)
            if not self.names or node.name in self.names
        }
        snapshot = Snapshot(nodes, self._server())
        if self.server_id is not None:
            self._report("Nova", "server", _describe_server(snapshot.server))
        for name, node in sorted(nodes.items()):
            self._report("Ironic", name, describe(node))
            self._report_maintenance(name, node)
            server_uri = (node.driver_info or {}).get("server_hardware_uri")
            if self.ov is not None and server_uri:
                self._report_server(self.ov, server_uri)
        return snapshot

    def _server(self) -> Any:
        if self.server_id is None:
            return None
        return self.stage.conn.compute.find_server(self.server_id, ignore_missing=True)

    def _report(self, who: str, what: str, line: str) -> None:
        key = f"{who} {what}"
        if self._lines.get(key) != line:
            self._lines[key] = line
            self._print(f"{who:<8} {what}: {line}")

    def _print(self, text: str) -> None:
        show.say(f"+{time.monotonic() - self.started:5.1f}s  {text}", 1)

    def _report_maintenance(self, name: str, node: Any) -> None:
        reason = node.maintenance_reason if node.is_maintenance else None
        if name in self._reasons and self._reasons[name] != reason:
            self._print(f"Ironic   {name}: maintenance {'reason:' if reason else 'cleared'}")
            if reason:
                show.paragraph(f'"{reason}"', indent=6)
        self._reasons[name] = reason

    def _report_server(self, ov: OneViewClient, uri: str) -> None:
        """The server's OneView state (ApplyingProfile, ProfileApplied...), profile and power."""
        server = ov.server_hardware.get(uri)
        line = f"{server.state}, power {server.power_state}"
        if server.server_profile_uri:
            line += f", server profile {self._profile_name(ov, server.server_profile_uri)}"
        self._report("OneView", str(server.name), line)

    def _profile_name(self, ov: OneViewClient, uri: str) -> str:
        if uri not in self._profile_names:
            try:
                self._profile_names[uri] = repr(ov.server_profiles.get(uri).name)
            except NotFound:
                return uri
        return self._profile_names[uri]

    def _raise_if_failed(self, snapshot: Snapshot, what: str) -> None:
        for name, node in snapshot.nodes.items():
            if node.provision_state.endswith(" failed"):  # Ironic may keep a target there
                raise DemoFailure(
                    f"{what}: node {name} is {node.provision_state!r}; "
                    f"Ironic's last_error: {node.last_error}"
                )
        server = snapshot.server
        if server is not None and server.status in self.server_failures:
            fault = (server.fault or {}).get("message")
            raise DemoFailure(f"{what}: server {server.name} is {server.status}: {fault}")


def describe(node: Any) -> str:
    """``cleaning -> available    power off``: a node cleaning its way to available."""
    state = node.provision_state
    if node.target_provision_state:
        state += f" -> {node.target_provision_state}"
    text = f"{state:<26} {node.power_state or 'power unknown'}"
    if node.instance_id:
        text += f", instance {node.instance_id[:8]}"
    return text + ", in maintenance" if node.is_maintenance else text


def _describe_server(server: Any) -> str:
    if server is None:
        return "gone"
    task = f" ({server.task_state})" if server.task_state else ""
    return f"{server.status}{task}"


def is_settled(node: Any, state: str) -> bool:
    return bool(node.provision_state == state and not node.target_provision_state)


def _states(snapshot: Snapshot) -> str:
    states = [f"{name} {describe(node)}" for name, node in sorted(snapshot.nodes.items())]
    if snapshot.server is not None:
        states.append(f"server {_describe_server(snapshot.server)}")
    return "; ".join(states) or "no node yet"


def wait_for(check: Callable[[], Any], what: str, timeout: float = DEFAULT_TIMEOUT) -> Any:
    """Poll ``check`` until it returns something truthy, which is returned; DemoFailure
    naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not (found := check()):
        if time.monotonic() > deadline:
            raise DemoFailure(f"{what}: not after {timeout:.0f} s")
        time.sleep(POLL_SECONDS)
    return found
