"""Names and URIs of the simulator's default datacenter that the driver tests use."""

from __future__ import annotations

import dataclasses
import functools

from oneview_openstack.client import OneViewClient
from oneview_openstack.testing.simulator import SimulatorHandle

# Servers of the seed (simulator/seed/default.yaml) the tests enroll.
BLADE = "Frame1, bay 1"  # SY 480 Gen10, EG-Prod, off, 2 x 480 GB
BLADE_2 = "Frame1, bay 2"
BLADE_BIG = "Frame1, bay 3"  # 2 x 960 GB
BLADE_ON = "Frame2, bay 4"  # powered on, carries the SAP team's profile
BLADE_EDGE = "Frame3, bay 1"  # SY 480 Gen10 in EG-Edge
RACK = "dl360-01.lab.example"  # no enclosure, no portMap
TEMPLATE = "SPT-Prod-SY480"
TEMPLATE_660 = "SPT-Prod-SY660"
TEMPLATE_EDGE = "SPT-Edge-SY480"
TEMPLATE_RACK = "SPT-Rack-DL360"
FOREIGN_PROFILE = "sap-hana-01"


@dataclasses.dataclass(frozen=True)
class SeedUris:
    """URIs of the seed's servers and templates by name (the seed is deterministic)."""

    servers: dict[str, str]
    templates: dict[str, str]
    hardware_types: dict[str, str]  # by server name
    enclosure_groups: dict[str, str | None]  # by server name

    def server(self, name: str) -> str:
        return self.servers[name]

    def template(self, name: str) -> str:
        return self.templates[name]


@functools.cache
def seed_uris(url: str, username: str, password: str, ca_file: str) -> SeedUris:
    with OneViewClient(url, username, password, ca_file=ca_file) as ov:
        servers = list(ov.server_hardware.list())
        return SeedUris(
            servers={s.name or "": s.uri for s in servers},
            templates={t.name or "": t.uri for t in ov.server_profile_templates.list()},
            hardware_types={s.name or "": s.server_hardware_type_uri or "" for s in servers},
            enclosure_groups={s.name or "": s.enclosure_group_uri for s in servers},
        )


def uris_of(handle: SimulatorHandle) -> SeedUris:
    return seed_uris(handle.url, handle.username, handle.password, handle.ca_file)


class OneViewSide:
    """What OneView shows, read over plain HTTP (not through the driver's client)."""

    def __init__(self, handle: SimulatorHandle) -> None:
        self.rest = handle.rest()

    def get(self, uri: str) -> dict:
        response = self.rest.call("GET", uri)
        assert response.status_code == 200, (uri, response.text)
        return dict(response.json())

    def tasks_of(self, resource_uri: str) -> list[tuple[str, str]]:
        """``(name, taskState)`` of the tasks run on a resource, oldest first."""
        members = self.rest.call("GET", "/rest/tasks?count=-1").json()["members"]
        mine = [t for t in members if t["associatedResource"]["resourceUri"] == resource_uri]
        mine.sort(key=lambda task: task["created"])
        return [(task["name"], task["taskState"]) for task in mine]

    def power(self, server_uri: str, state: str, control: str = "MomentaryPress") -> None:
        """Power a server as a OneView user would (waits for the task)."""
        task = self.rest.call(
            "PUT", f"{server_uri}/powerState", {"powerState": state, "powerControl": control}
        ).json()
        assert self.rest.wait_task(task["uri"])["taskState"] == "Completed"

    def create_profile(self, template_uri: str, server_uri: str, name: str) -> str:
        """A profile from *template_uri* applied to *server_uri*, as Ironic's deploy would."""
        body = self.rest.call("GET", f"{template_uri}/new-profile").json()
        body.update(name=name, serverHardwareUri=server_uri)
        task = self.rest.call("POST", "/rest/server-profiles", body).json()
        done = self.rest.wait_task(task["uri"])
        assert done["taskState"] == "Completed", done["taskErrors"]
        return str(done["associatedResource"]["resourceUri"])

    def edit(self, uri: str, **changes: object) -> None:
        """Change top-level fields of a template or profile (PUT, waits for the task)."""
        body = self.get(uri)
        body.update(changes)
        response = self.rest.call("PUT", uri, body)
        assert response.status_code in (200, 202), response.text
        if response.status_code == 202:
            done = self.rest.wait_task(response.json()["uri"])
            assert done["taskState"] == "Completed", done["taskErrors"]
