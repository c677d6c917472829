"""Fixtures of the ML2 driver tests: a real Neutron on MariaDB, loading the ``oneview``
mechanism driver by its entry point, against a simulator of its own.

The simulator's default datacenter has two logical interconnect groups: ``LIG-Prod`` (uplink
sets ``US-Deploy`` untagged and ``US-Tenants`` tagged) and ``LIG-Edge`` (``US-Edge-Deploy``,
``US-Edge-Tenants``); the OneView network ``deploy`` is untagged, and VLANs 10 and 101-104
are taken. ``physnet1`` maps its VLANs to both tagged uplink sets and its flat segments to
``deploy``; Neutron allocates project VLANs from 200-299.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from oneview_openstack.testing.mariadb import MariaDBServer
from oneview_openstack.testing.neutron_service import NeutronService
from oneview_openstack.testing.simulator import SimulatorHandle, start_simulator

UPLINKSET_MAPPINGS = "physnet1:LIG-Prod:US-Tenants,physnet1:LIG-Edge:US-Edge-Tenants"
FLAT_NET_MAPPINGS = "physnet1:deploy"


@pytest.fixture(scope="session")
def ml2_simulator(
    tmp_path_factory: pytest.TempPathFactory, simulator_cert_dir: Path
) -> Iterator[SimulatorHandle]:
    """The ML2 tests' own simulator (Neutron's records must match its state)."""
    handle = start_simulator(tmp_path_factory.mktemp("ml2-simulator"), cert_dir=simulator_cert_dir)
    yield handle
    handle.stop()


@pytest.fixture(scope="session")
def ml2_mariadb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MariaDBServer]:
    with MariaDBServer(tmp_path_factory.mktemp("ml2-mariadb")) as server:
        yield server


def oneview_sections(simulator: SimulatorHandle, **ml2_oneview: Any) -> dict[str, dict[str, Any]]:
    """``[oneview]`` and ``[ml2_oneview]`` of a Neutron using ``simulator``."""
    return {
        "oneview": {
            "manager_url": simulator.url,
            "username": simulator.username,
            "password": simulator.password,
            "tls_cacert_file": simulator.ca_file,
        },
        "ml2_oneview": {
            "uplinkset_mappings": UPLINKSET_MAPPINGS,
            "flat_net_mappings": FLAT_NET_MAPPINGS,
            "batch_window": 0.05,
            **ml2_oneview,
        },
    }


@pytest.fixture(scope="session")
def neutron_options(ml2_simulator: SimulatorHandle, ml2_mariadb: MariaDBServer) -> dict[str, Any]:
    """The session Neutron: MariaDB, physnet1 mapped, VLANs 200-299 for projects."""
    return {
        "database_url": ml2_mariadb.create_database("neutron"),
        "vlan_ranges": ("physnet1:200:299",),
        "sections": oneview_sections(ml2_simulator),
        "service_plugins": ("trunk",),
    }


@pytest.fixture(scope="session")
def neutron_service(
    tmp_path_factory: pytest.TempPathFactory, neutron_options: dict[str, Any]
) -> Iterator[NeutronService]:
    """One real Neutron (ML2 flat+vlan, the ``oneview`` driver) for the session."""
    with NeutronService(tmp_path_factory.mktemp("neutron"), **neutron_options) as service:
        yield service


@pytest.fixture
def neutron(neutron_service: NeutronService) -> Iterator[NeutronService]:
    """The session's Neutron; every port, subnet and network is deleted after the test."""
    yield neutron_service
    neutron_service.reset()


@pytest.fixture
def network(neutron: NeutronService) -> Any:
    """openstacksdk's network proxy on the session's Neutron (reset after the test)."""
    return neutron.connection().network


@pytest.fixture
def ov(ml2_simulator: SimulatorHandle) -> Iterator[Any]:
    """A OneView client on the ML2 simulator, to check OneView's side."""
    from oneview_openstack.client import OneViewClient

    with OneViewClient(
        ml2_simulator.url,
        ml2_simulator.username,
        ml2_simulator.password,
        ca_file=ml2_simulator.ca_file,
    ) as client:
        yield client


@dataclasses.dataclass
class BareMetal:
    """A blade carrying a profile from ``SPT-Prod-SY480``, and what Ironic knows of its NICs."""

    server: Any  # client.ServerHardware
    profile: Any  # client.ServerProfile
    #: profile portId -> {"mac", "local_link_information"} (as Ironic's ports send them)
    nics: dict[str, dict[str, Any]]

    def port_body(self, port_id: str = "Mezz 3:1-a", **extra: Any) -> dict[str, Any]:
        """openstacksdk ``create_port`` arguments of a bare-metal port bound to this server."""
        nic = self.nics[port_id]
        return {
            "mac_address": nic["mac"],
            "binding_vnic_type": "baremetal",
            "binding_host_id": self.server.uuid,
            "binding_profile": {"local_link_information": [nic["local_link"]]},
            **extra,
        }


def _nics(ov: Any, server: Any) -> dict[str, dict[str, Any]]:
    switches = {ic.uri: ic for ic in ov.interconnects.list()}
    nics: dict[str, dict[str, Any]] = {}
    for port in server.ethernet_ports:
        switch = switches.get(port.interconnect_uri)
        for function in port.virtual_ports:
            link = {}
            if switch is not None and function.port_function == "a":
                link = {
                    "switch_id": switch.mac.lower(),
                    "port_id": f"d{port.interconnect_port}",
                    "switch_info": switch.name,
                }
            nics[port.function_port_id(function.port_function)] = {
                "mac": function.mac.lower(),
                "local_link": link,
            }
    return nics


def virtual_mac_profile(ov: Any, server_name: str, name: str) -> Any:
    """A profile like ``SPT-Prod-SY480``'s, but ``macType: Virtual``, applied to the server:
    its connections carry MACs from OneView's pool, not the hardware's."""
    template = ov.server_profile_templates.get_by_name("SPT-Prod-SY480")
    profile = ov.server_profile_templates.new_profile(template)
    profile.name = name
    profile.server_hardware_uri = ov.server_hardware.get_by_name(server_name).uri
    profile.server_profile_template_uri = None
    profile.data["macType"] = "Virtual"
    for connection in profile.connections:
        connection.data["macType"] = "Virtual"
    return ov.server_profiles.create(profile)


@pytest.fixture(scope="session")
def _baremetal_profile(ml2_simulator: SimulatorHandle) -> Iterator[tuple[str, str, str]]:
    """One profile for the session (applying one takes seconds): server, profile, template."""
    from oneview_openstack.client import OneViewClient

    with OneViewClient(
        ml2_simulator.url,
        ml2_simulator.username,
        ml2_simulator.password,
        ca_file=ml2_simulator.ca_file,
    ) as ov:
        server = ov.server_hardware.get_by_name("Frame2, bay 1")
        template = ov.server_profile_templates.get_by_name("SPT-Prod-SY480")
        profile = ov.server_profiles.create_from_template(template, "ml2-test-profile", server)
        yield server.uri, profile.uri, template.uri
        ov.server_profiles.delete(profile.uri)


@pytest.fixture
def baremetal(ov: Any, _baremetal_profile: tuple[str, str, str]) -> Iterator[BareMetal]:
    """Frame2 bay 1 (an SY 480, off) with a profile from SPT-Prod-SY480, its connections as
    the template has them (put back after each test)."""
    server_uri, profile_uri, template_uri = _baremetal_profile
    server = ov.server_hardware.get(server_uri)
    yield BareMetal(server, ov.server_profiles.get(profile_uri), _nics(ov, server))
    current = ov.server_hardware.get(server_uri)
    if current.power_state != "Off":
        ov.server_hardware.set_power(current, "Off")
    wanted = [dict(c.data) for c in ov.server_profile_templates.get(template_uri).connections]

    def as_template(profile: Any) -> bool:
        now = [
            (c.port_id, c.name, c.network_uri, c.data.get("lagName")) for c in profile.connections
        ]
        if now == [(c.get("portId"), c.get("name"), c.get("networkUri"), None) for c in wanted]:
            return False
        profile.data["connectionSettings"]["connections"] = wanted
        return True

    ov.server_profiles.modify(profile_uri, as_template)
