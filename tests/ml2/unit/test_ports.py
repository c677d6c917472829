"""Which ports are the driver's: bare-metal ports naming one OneView blade's NICs."""

from __future__ import annotations

from typing import Any

import pytest

from ml2.conftest import virtual_mac_profile
from oneview_openstack.ml2.ports import bound_by, plan, port_of_connection
from oneview_openstack.ml2.servers import ServerIndex


@pytest.fixture
def index(ov) -> ServerIndex:
    return ServerIndex(ov)


def _nic(ov, server_name: str, port_id: str = "Mezz 3:1-a") -> dict[str, Any]:
    server = ov.server_hardware.get_by_name(server_name)
    switches = {ic.uri: ic for ic in ov.interconnects.list()}
    for port in server.ethernet_ports:
        for function in port.virtual_ports:
            if port.function_port_id(function.port_function) == port_id:
                switch = switches[port.interconnect_uri]
                return {
                    "server": server,
                    "mac": function.mac,
                    "link": {"switch_id": switch.mac, "port_id": f"d{port.interconnect_port}"},
                }
    raise LookupError(port_id)


def _port(mac: str, links: list[dict] | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "id": "p1",
        "mac_address": mac.lower(),
        "binding:vnic_type": "baremetal",
        "binding:profile": {"local_link_information": links or []},
        **extra,
    }


def test_a_blades_nic_is_found_by_its_local_link(ov, index) -> None:
    nic = _nic(ov, "Frame1, bay 2")

    found = plan(_port("52:54:00:00:00:01", [nic["link"]]), index)

    assert found is not None
    assert [(n.server_uri, n.port_id) for n in found.nics] == [(nic["server"].uri, "Mezz 3:1-a")]


def test_a_blades_nic_is_found_by_its_mac_in_any_case(ov, index) -> None:
    nic = _nic(ov, "Frame1, bay 2", "Mezz 3:2-b")

    found = plan(_port(nic["mac"].upper()), index)

    assert found is not None and found.nics[0].port_id == "Mezz 3:2-b"


def test_other_vnic_types_are_not_ours(ov, index) -> None:
    nic = _nic(ov, "Frame1, bay 2")

    assert plan(_port(nic["mac"], **{"binding:vnic_type": "normal"}), index) is None


def test_unknown_nics_are_not_ours(index) -> None:
    link = {"switch_id": "aa:bb:cc:dd:ee:ff", "port_id": "d1"}

    assert plan(_port("52:54:00:00:00:99", [link]), index) is None


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _profile_listings(sim, before: dict[str, int]) -> dict[str, int]:
    after = sim.operator.counters()
    keys = ("GET /rest/server-profiles", "GET /rest/server-profiles/{id}")
    return {key: after.get(key, 0) - before.get(key, 0) for key in keys}


def _virtual_macs(profile) -> dict[str, str]:
    """portId -> the connection's MAC, checked to be from the pool (no hardware's)."""
    return {c.port_id: c.mac.lower() for c in profile.connections if c.mac}


def test_a_nic_with_a_virtual_mac_is_found_by_its_profiles_connection(ov, index) -> None:
    profile = virtual_mac_profile(ov, "Frame1, bay 2", "virtual-macs")
    mac = _virtual_macs(profile)["Mezz 3:1-a"]
    assert mac != _nic(ov, "Frame1, bay 2")["mac"].lower()

    found = plan(_port(mac.upper()), index)

    assert found is not None
    assert [(n.server_name, n.port_id) for n in found.nics] == [("Frame1, bay 2", "Mezz 3:1-a")]


def test_ports_with_virtual_macs_cost_one_listing_of_profiles(ov, sim) -> None:
    macs = [
        mac
        for bay in ("Frame1, bay 2", "Frame1, bay 3")
        for mac in _virtual_macs(virtual_mac_profile(ov, bay, f"virtual {bay}")).values()
    ]
    index = ServerIndex(ov, clock=Clock())
    before = sim.operator.counters()

    found = [plan(_port(mac), index) for mac in macs]

    assert all(found) and len(macs) >= 4
    assert _profile_listings(sim, before) == {
        "GET /rest/server-profiles": 1,
        "GET /rest/server-profiles/{id}": 0,
    }


def test_a_profile_applied_after_the_listing_is_found_a_moment_later(ov, sim) -> None:
    clock = Clock()
    index = ServerIndex(ov, clock=clock)
    assert plan(_port("52:54:00:00:00:98"), index) is None  # lists the profiles
    mac = _virtual_macs(virtual_mac_profile(ov, "Frame1, bay 2", "late"))["Mezz 3:1-a"]
    assert plan(_port(mac), index) is None  # listed just now: not again at once
    before = sim.operator.counters()

    clock.now += 1.5
    found = plan(_port(mac), index)

    assert found is not None and found.nics[0].server_name == "Frame1, bay 2"
    assert _profile_listings(sim, before)["GET /rest/server-profiles"] == 1


def test_profiles_handed_over_are_not_listed_again(ov, sim) -> None:
    mac = _virtual_macs(virtual_mac_profile(ov, "Frame1, bay 2", "handed"))["Mezz 3:1-a"]
    index = ServerIndex(ov, clock=Clock())
    index.learn_profiles(ov.server_profiles.list())
    before = sim.operator.counters()

    assert plan(_port(mac), index) is not None
    assert _profile_listings(sim, before)["GET /rest/server-profiles"] == 0


def test_links_to_two_servers_are_refused(ov, index) -> None:
    one, two = _nic(ov, "Frame1, bay 1"), _nic(ov, "Frame1, bay 2")

    assert plan(_port(one["mac"], [one["link"], two["link"]]), index) is None


def test_two_links_of_one_server_make_a_bond_only_with_lacp(ov, index) -> None:
    a, b = _nic(ov, "Frame1, bay 1"), _nic(ov, "Frame1, bay 1", "Mezz 3:2-a")
    port = _port(a["mac"], [a["link"], b["link"]])

    assert plan(port, index).bond is False  # type: ignore[union-attr]
    port["binding:profile"]["local_group_information"] = {"bond_mode": "802.3ad"}
    found = plan(port, index)
    assert found is not None and found.bond and len(found.nics) == 2


def test_networking_oneview_bootable_switch_info(ov, index) -> None:
    nic = _nic(ov, "Frame1, bay 2")
    link = dict(nic["link"], switch_info='{"server_hardware_id": "x", "bootable": "true"}')

    assert plan(_port(nic["mac"], [link]), index).bootable  # type: ignore[union-attr]
    assert not plan(_port(nic["mac"], [nic["link"]]), index).bootable  # type: ignore[union-attr]


def test_bound_by_looks_at_the_bottom_level() -> None:
    assert bound_by([{"bound_driver": "oneview"}], "oneview")
    assert not bound_by([{"bound_driver": "oneview"}, {"bound_driver": "other"}], "oneview")
    assert not bound_by([], "oneview") and not bound_by(None, "oneview")


def test_connection_names_tell_the_port() -> None:
    assert port_of_connection("Neutron port abc") == "abc"
    assert port_of_connection("deploy") is None and port_of_connection(None) is None
