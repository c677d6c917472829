"""The datacenter an appliance starts from: the default seed file or a generated one."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from oneview_openstack.simulator.config import SimulatorConfig

Doc = dict[str, Any]


@dataclass
class Datacenter:
    documents: list[Doc] = field(default_factory=list)
    users: list[dict[str, Any]] = field(default_factory=list)

    def fresh_documents(self) -> list[Doc]:
        """Copies of the seed documents, safe to change."""
        return copy.deepcopy(self.documents)


def load_datacenter(config: SimulatorConfig) -> Datacenter:
    return Datacenter(
        users=[
            {
                "userName": "Administrator",
                "password": "admin-password",
                "role": "Infrastructure administrator",
            },
            {"userName": "readonly", "password": "readonly-password", "role": "Read only"},
        ]
    )
