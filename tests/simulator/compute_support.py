"""Plain-HTTP helpers for the compute tests of the simulator (``requests`` only).

The seed datacenter (simulator/seed/default.yaml) has SY 480 blades in
EG-Prod (Frame1, Frame2) and EG-Edge (Frame3), templates named after both,
a profile ``sap-hana-01`` on "Frame2, bay 4" (powered on) and rack servers.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from oneview_openstack.testing.simulator import SimulatorHandle

from . import http_support
from .http_support import CURRENT as CURRENT
from .http_support import Doc
from .http_support import error as error

FAST = 0.001  # a profile apply (120 s on an appliance) takes 0.12 s


class Api(http_support.Api):
    """One logged-in user at one API version, with the compute helpers."""

    def at(self, version: int) -> Api:
        """The same kind of user at another API version (a new session)."""
        return Api(self.sim, version)

    def fails(self, method: str, path: str, body: Any, code: str) -> Doc:
        """Send an asynchronous request whose task must end in Error with ``code``."""
        task = self.wait(self.call(method, path, body))
        assert task["taskState"] == "Error", task
        assert task["taskErrors"][0]["errorCode"] == code, task["taskErrors"]
        assert task["percentComplete"] == 100
        return task


@contextlib.contextmanager
def time_scale(sim: SimulatorHandle, scale: float) -> Iterator[None]:
    """Run tasks at ``scale`` (1.0 = a real appliance's pace) inside the block."""
    before = sim.operator.config()["time_scale"]
    sim.operator.set_config(time_scale=scale)
    try:
        yield
    finally:
        sim.operator.set_config(time_scale=before)


# -- the seed datacenter ---------------------------------------------------------------


def server(api: Api, name: str) -> Doc:
    return api.named("server-hardware", name)


def template(api: Api, name: str = "SPT-Prod-SY480") -> Doc:
    return api.named("server-profile-templates", name)


def profile_body(api: Api, spt: Doc, name: str, server_hw: Doc | None) -> Doc:
    """What Ironic posts: the template's new-profile with a name and a server."""
    body: Doc = api.get(f"{spt['uri']}/new-profile")
    body["name"] = name
    body["serverHardwareUri"] = server_hw["uri"] if server_hw else None
    return body


def create_profile(api: Api, name: str, server_name: str, spt_name: str = "SPT-Prod-SY480") -> Doc:
    """Create and apply a profile from a template; returns the profile."""
    body = profile_body(api, template(api, spt_name), name, server(api, server_name))
    task = api.run("POST", "/rest/server-profiles?force=", body)
    created: Doc = api.get(task["associatedResource"]["resourceUri"])
    return created


def connections(profile: Doc) -> list[Doc]:
    """The connections of a profile in either shape."""
    if "connectionSettings" in profile:
        found: list[Doc] = profile["connectionSettings"]["connections"]
        return found
    listed: list[Doc] = profile["connections"]
    return listed


def flexnic_mac(server_hw: Doc, port_id: str) -> str:
    """The MAC of a FlexNIC ("Mezz 3:1-a") in the server's portMap."""
    location, rest = port_id.split(" ")
    slot, port_function = rest.split(":")
    port, function = port_function.split("-")
    for device in server_hw["portMap"]["deviceSlots"]:
        if device["location"] == location and device["slotNumber"] == int(slot):
            for physical in device["physicalPorts"]:
                if physical["portNumber"] == int(port):
                    for virtual in physical["virtualPorts"]:
                        if virtual["portFunction"] == function:
                            return str(virtual["mac"])
    raise AssertionError(f"no port {port_id} on {server_hw['name']}")


def power(api: Api, server_hw: Doc, state: str, control: str | None = None) -> Doc:
    """Set a server's power through the REST API and wait for the task."""
    body = (
        {"powerState": state} if control is None else {"powerState": state, "powerControl": control}
    )
    return api.run("PUT", f"{server_hw['uri']}/powerState", body)
