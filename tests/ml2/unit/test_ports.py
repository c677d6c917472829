"""Which ports are the driver's: bare-metal ports naming one OneView blade's NICs."""

from __future__ import annotations

from typing import Any

import pytest

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
