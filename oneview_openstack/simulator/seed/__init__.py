"""The datacenter an appliance starts from: the default seed file or a generated one.

``load_datacenter`` reads the topology once; documents are built from it on
demand. Building is deterministic, so ``fresh_documents()`` (called on every
reset) rebuilds instead of deep-copying a kept set: no second copy of a large
datacenter stays in memory, and nothing a request changed can leak back.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from oneview_openstack.simulator.config import SimulatorConfig
from oneview_openstack.simulator.seed.build_activity import add_activity
from oneview_openstack.simulator.seed.builder import LOCAL_STORAGE, build_documents
from oneview_openstack.simulator.seed.generator import generate_topology
from oneview_openstack.simulator.seed.topology import SeedError, Topology, load_topology

DEFAULT_SEED = Path(__file__).with_name("default.yaml")

__all__ = ["DEFAULT_SEED", "LOCAL_STORAGE", "Datacenter", "SeedError", "load_datacenter"]

Doc = dict[str, Any]


@dataclass(frozen=True)
class Datacenter:
    topology: Topology

    @property
    def users(self) -> list[dict[str, Any]]:
        return [dict(user) for user in self.topology.users]

    @property
    def documents(self) -> list[Doc]:
        """Every seed document, canonical shape, creation order (built on each access)."""
        return add_activity(build_documents(self.topology))

    def fresh_documents(self) -> list[Doc]:
        """Seed documents nobody else holds, safe to change."""
        return add_activity(build_documents(self.topology))


def load_datacenter(config: SimulatorConfig) -> Datacenter:
    """The seed file's datacenter, or a generated one of ``config.servers`` servers.

    With both, the generated datacenter keeps the seed file's users.
    """
    if config.servers is not None:
        users = load_topology(config.seed_file).users if config.seed_file else None
        topology = generate_topology(config.servers, *([users] if users else []))
        return Datacenter(topology)
    return Datacenter(load_topology(config.seed_file or DEFAULT_SEED))
