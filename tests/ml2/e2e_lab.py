"""One OneView simulator shared by a real Neutron (the ``oneview`` ML2 driver) and a real
Ironic (the ``oneview`` hardware type, Ironic's ``neutron`` network interface).

The simulator runs virtual agents that call Ironic back, so Ironic's port is chosen before
anything starts; Neutron starts next (its ``[oneview]`` is the simulator), the provisioning
network is made, and Ironic starts last, its ``[neutron]`` pointing at that Neutron with
the provisioning network as its provisioning and cleaning network (by name).
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from oneview_openstack.testing.ironic_service import IronicService
from oneview_openstack.testing.mariadb import MariaDBServer
from oneview_openstack.testing.neutron_service import NeutronService
from oneview_openstack.testing.simulator import SimulatorHandle, start_simulator

from .conftest import oneview_sections

PROVISIONING_NETWORK = "provisioning"
PROVISIONING_CIDR = "10.20.0.0/24"
#: Seconds between two heartbeats of a virtual agent.
AGENT_HEARTBEAT = 0.2


@dataclasses.dataclass
class E2ELab:
    sim: SimulatorHandle
    neutron: NeutronService
    ironic: IronicService
    provisioning_network: Any  # openstack.network.v2.network.Network


def _ironic_oneview(sim: SimulatorHandle) -> dict[str, Any]:
    return {
        "manager_url": sim.url,
        "username": sim.username,
        "password": sim.password,
        "tls_cacert_file": sim.ca_file,
        "request_retries": 1,
        "power_timeout": 30,
    }


@contextlib.contextmanager
def running_e2e_lab(
    workdir: Path, cert_dir: Path, mariadb: MariaDBServer, *, automated_clean: bool = True
) -> Iterator[E2ELab]:
    ironic = IronicService(
        workdir / "ironic",
        pxe=True,
        interfaces={"network": ("flat", "noop", "neutron")},
        conductor={
            "automated_clean": automated_clean,
            "deploy_callback_timeout": 10,
            "clean_callback_timeout": 10,
            "check_provision_state_interval": 2,
        },
        sections={
            "agent": {
                "require_tls": False,
                "deploy_logs_collect": "on_failure",
                "deploy_logs_local_path": workdir / "deploy-logs",
                "post_deploy_get_power_state_retry_interval": 1,
            },
        },
    )
    ironic.sections["service_catalog"] = {"endpoint_override": ironic.url}
    sim = start_simulator(
        workdir / "simulator",
        cert_dir=cert_dir,
        time_scale=0.001,
        ironic_url=ironic.url,
        agent_port=0,
        heartbeat_interval=AGENT_HEARTBEAT,
    )
    try:
        neutron = NeutronService(
            workdir / "neutron",
            database_url=mariadb.create_database("neutron_e2e"),
            vlan_ranges=("physnet1:200:299",),
            sections=oneview_sections(sim),
        )
        with neutron:
            network = neutron.connection().network
            provisioning = network.create_network(
                name=PROVISIONING_NETWORK,
                provider_network_type="flat",
                provider_physical_network="physnet1",
            )
            network.create_subnet(
                network_id=provisioning.id,
                ip_version=4,
                cidr=PROVISIONING_CIDR,
                enable_dhcp=False,
            )
            ironic.oneview = _ironic_oneview(sim)
            ironic.sections["neutron"] = {
                "auth_type": "none",
                "endpoint_override": neutron.url,
                "provisioning_network": PROVISIONING_NETWORK,
                "cleaning_network": PROVISIONING_NETWORK,
            }
            with ironic:
                yield E2ELab(sim, neutron, ironic, provisioning)
    finally:
        sim.stop()
