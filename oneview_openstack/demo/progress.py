"""Watching nodes move: Ironic's states and OneView's side, printed as they change.

openstacksdk's ``wait=True`` polls every few seconds, longer than most of these
transitions take; the watcher polls every 0.1 s and prints each change once.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from oneview_openstack.client import NotFound, OneViewClient
from oneview_openstack.demo import show
from oneview_openstack.demo.stage import DemoFailure, DemoNode, Stage

POLL_SECONDS = 0.1
DEFAULT_TIMEOUT = 60.0

Check = Callable[[Any], bool]


class Watcher:
    """Polls some nodes (and their servers in OneView) and prints what changed."""

    def __init__(self, stage: Stage, nodes: Sequence[DemoNode], oneview: bool = True) -> None:
        self.baremetal = stage.baremetal
        self.ov: OneViewClient | None = stage.ov if oneview else None
        self.nodes = list(nodes)
        self.started = time.monotonic()
        self._node_lines: dict[str, str] = {}
        self._reasons: dict[str, str | None] = {}
        self._servers: dict[str, str] = {}
        self._profile_names: dict[str, str] = {}

    def until(self, done: Check, what: str, timeout: float = DEFAULT_TIMEOUT) -> dict[str, Any]:
        """Poll until ``done(node)`` holds for every node; the nodes by name.

        A node that lands in a ``... failed`` state, or the timeout, raises DemoFailure.
        """
        deadline = time.monotonic() + timeout
        while True:
            current = self.look()
            if all(done(n) for n in current.values()):
                return current
            _raise_if_failed(current, what)
            if time.monotonic() > deadline:
                raise DemoFailure(f"{what}: not done after {timeout:.0f} s ({_states(current)})")
            time.sleep(POLL_SECONDS)

    def look(self) -> dict[str, Any]:
        """Poll once, print what changed; the nodes by name."""
        current = {node.name: self.baremetal.get_node(node.id) for node in self.nodes}
        for node in self.nodes:
            self._report_node(node, current[node.name])
            if self.ov is not None:
                self._report_server(self.ov, node)
        return current

    def _print(self, text: str) -> None:
        show.say(f"+{time.monotonic() - self.started:4.1f}s  {text}", 1)

    def _report_node(self, node: DemoNode, state: Any) -> None:
        line = describe(state)
        if self._node_lines.get(node.name) != line:
            self._node_lines[node.name] = line
            self._print(f"Ironic   {node.name}: {line}")
        reason = state.maintenance_reason if state.is_maintenance else None
        if node.name in self._reasons and self._reasons[node.name] != reason:
            self._print(f"Ironic   {node.name}: maintenance {'reason: ' if reason else 'cleared'}")
            if reason:
                show.paragraph(f'"{reason}"', indent=5)
        self._reasons[node.name] = reason

    def _report_server(self, ov: OneViewClient, node: DemoNode) -> None:
        """Print the server's OneView state (ApplyingProfile, ProfileApplied, ...) on change."""
        server = ov.server_hardware.get(node.server_uri)
        line = str(server.state)
        if server.server_profile_uri:
            line += f", server profile {self._profile_name(ov, server.server_profile_uri)}"
        if self._servers.get(node.name) != line:
            self._servers[node.name] = line
            self._print(f"OneView  {node.server_name}: {line}")

    def _profile_name(self, ov: OneViewClient, uri: str) -> str:
        if uri not in self._profile_names:
            try:
                self._profile_names[uri] = repr(ov.server_profiles.get(uri).name)
            except NotFound:
                return uri
        return self._profile_names[uri]


def describe(node: Any) -> str:
    """``cleaning -> available    power off``: a node cleaning its way to available."""
    state = node.provision_state
    if node.target_provision_state:
        state += f" -> {node.target_provision_state}"
    text = f"{state:<28} {node.power_state or 'power unknown'}"
    return text + ", in maintenance" if node.is_maintenance else text


def drive(
    stage: Stage,
    nodes: Sequence[DemoNode],
    verb: str,
    target: str,
    *,
    oneview: bool = True,
    **verb_args: Any,
) -> dict[str, Any]:
    """Ask Ironic to ``verb`` each node in turn and watch it until it is ``target``.

    One node at a time: Ironic on sqlite can fail a conductor's write with "database is
    locked" while its API writes for another node's request (seen during inspection).
    """
    settled = {}
    for node in nodes:
        watcher = Watcher(stage, [node], oneview)
        watcher.look()
        stage.baremetal.set_node_provision_state(node.id, verb, **verb_args)
        what = f"{node.name}: '{verb}' to reach '{target}'"
        settled.update(watcher.until(lambda n: is_settled(n, target), what))
    return settled


def is_settled(node: Any, state: str) -> bool:
    return bool(node.provision_state == state and not node.target_provision_state)


def _raise_if_failed(nodes: dict[str, Any], what: str) -> None:
    for name, node in nodes.items():
        if node.provision_state.endswith(" failed"):  # Ironic may keep a target there
            raise DemoFailure(
                f"{what}: node {name} is {node.provision_state!r}; "
                f"Ironic's last_error: {node.last_error}"
            )


def _states(nodes: dict[str, Any]) -> str:
    return "; ".join(f"{name} {describe(node)}" for name, node in nodes.items())
