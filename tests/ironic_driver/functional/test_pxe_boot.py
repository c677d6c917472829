"""``pxe`` (and ``ipxe``) boot of a ``oneview`` node: Ironic's real PXE path, virtual agents.

Ironic 39 runs its ``pxe`` boot interface for real: ``prepare_ramdisk`` synchronises the boot
mode with the hardware (the ``oneview`` management interface reads it from the node's server
profile, i.e. from its template; a template that leaves it unmanaged leaves Ironic's
default), writes the node's PXE config (GRUB's for UEFI, PXELINUX's for BIOS, iPXE's for
``ipxe``) and deploy kernel and ramdisk into the roots the harness made
(:class:`~oneview_openstack.testing.ironic_service.PxeRoots`), and asks the management
interface for a one-time network boot, which OneView applies (``PATCH
/rest/server-hardware/{id}`` ``/oneTimeBoot Network``) before the server is powered on.
Nothing serves TFTP and there is no DHCP (``[dhcp] dhcp_provider = none``): the server
network-boots in the simulator, which runs its virtual agent (``--ironic-url`` of this
Ironic, see doc/simulator.md "Virtual agents") for the ramdisk that would boot from those
files; a watcher takes a snapshot of the files at each power on. A deploy asking for
another boot mode than the template's is refused at the request.

OneView's side is read over the simulator's REST API (not through the project's client):
the profile, the server's power and boot order, the tasks run on the server, the
simulator's request counters, and what the agents did (``/sim/agents/{id}``: boots,
disk). The simulator consumes ``oneTimeBoot`` at the boot, as iLO does;
``test_the_one_time_network_boot_is_set_before_the_server_is_powered_on`` fails that boot
to see the device left waiting.
"""

from __future__ import annotations

import contextlib
import dataclasses
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from oneview_openstack.testing.image_server import ImageServer
from oneview_openstack.testing.ironic_nodes import ProvisioningError, move_node
from oneview_openstack.testing.ironic_service import PxeRoots

from .. import oneview_seed as seed
from ..oneview_seed import OneViewSide, uris_of
from .conftest import AgentLab
from .nodes import boot_nic_mac, enroll

pytestmark = pytest.mark.functional

IMAGE = b"whole-disk image for a PXE-booted virtual agent\n" * 2048

# The template's bootMode section for each case, and the boot mode Ironic should deploy in.
BOOT_MODES: dict[str, tuple[dict[str, Any], str]] = {
    "uefi": ({"manageMode": True, "mode": "UEFI", "pxeBootPolicy": "Auto"}, "uefi"),
    "bios": ({"manageMode": True, "mode": "BIOS", "pxeBootPolicy": "Auto"}, "bios"),
    # OneView leaves the firmware's boot mode alone: Ironic's default ([deploy]) applies.
    "unmanaged": ({"manageMode": False, "mode": None, "pxeBootPolicy": None}, "uefi"),
}
# The first line of the node's boot config, by boot interface and deploy boot mode.
CONFIG_HEADERS = {
    ("pxe", "uefi"): "set default=deploy",  # GRUB
    ("pxe", "bios"): "default deploy",  # PXELINUX
    ("ipxe", "uefi"): "#!ipxe",
    ("ipxe", "bios"): "#!ipxe",
}
CASES = [
    pytest.param("pxe", "uefi", id="pxe-uefi"),
    pytest.param("pxe", "bios", id="pxe-bios"),
    pytest.param("pxe", "unmanaged", id="pxe-unmanaged"),
    pytest.param("ipxe", "uefi", id="ipxe-uefi"),
]


@pytest.fixture
def baremetal(lab: AgentLab) -> Any:
    return lab.ironic.connection().baremetal


@pytest.fixture
def images() -> Iterator[ImageServer]:
    with ImageServer(IMAGE) as server:
        yield server


@dataclasses.dataclass(frozen=True)
class Boot:
    """What a network-booting ramdisk would have found when the server came on."""

    files: list[str]  # the node's boot files (relative to the PXE roots)
    config: str | None  # the node's boot config
    profile: str | None  # the profile the server carried


class PxeNode:
    """A ``oneview`` node network-booting with ``boot_interface`` on a seed blade whose
    template's boot mode is ``mode``, its boot NIC a port, and what was there at each boot
    (while :meth:`watching`)."""

    def __init__(
        self,
        baremetal: Any,
        lab: AgentLab,
        mode: str,
        boot_interface: str = "pxe",
        **fields: Any,
    ) -> None:
        ironic, sim = lab.ironic, lab.sim
        assert ironic.pxe_roots is not None
        self.baremetal = baremetal
        self.sim = sim
        self.roots: PxeRoots = ironic.pxe_roots
        self.boot_interface = boot_interface
        self.root = "httpboot" if boot_interface == "ipxe" else "tftpboot"
        self.side = OneViewSide(sim)
        self.server_uri = uris_of(sim).server(seed.BLADE)
        self.template_uri = uris_of(sim).template(seed.TEMPLATE)
        self.side.edit(self.template_uri, bootMode=BOOT_MODES[mode][0])
        self.mac = boot_nic_mac(self.side, self.server_uri, self.template_uri)
        self.node = enroll(
            baremetal,
            uris_of(sim),
            seed.BLADE,
            seed.TEMPLATE,
            name=f"{boot_interface}-{mode}",
            boot_interface=boot_interface,
            deploy_interface="oneview-direct",
            power_interface="oneview",
            management_interface="oneview",
            **fields,
        )
        baremetal.create_port(node_uuid=self.node.id, address=self.mac, pxe_enabled=True)
        self.boots: list[Boot] = []

    def server(self) -> dict[str, Any]:
        return self.side.get(self.server_uri)

    def agent(self) -> dict[str, Any]:
        """The simulator's record of the server: live agent, disk, last boots."""
        return self.sim.operator.agent(self.server_uri)

    def disk_events(self) -> list[str]:
        return [event["event"] for event in self.agent()["disk"]["history"]]

    @contextlib.contextmanager
    def watching(self, interval: float = 0.05) -> Iterator[None]:
        """At each power on seen (every ``interval`` s), what a ramdisk would load."""
        stop = threading.Event()

        def watch() -> None:
            side, was_on = OneViewSide(self.sim), False
            while not stop.is_set():
                server = side.get(self.server_uri)
                on = server["powerState"] == "On"
                if on and not was_on:
                    self.boots.append(Boot(self.files(), self.config(), server["serverProfileUri"]))
                was_on = on
                time.sleep(interval)

        watcher = threading.Thread(target=watch, name="boot-watcher", daemon=True)
        watcher.start()
        try:
            yield
        finally:
            stop.set()
            watcher.join(timeout=5)

    def files(self) -> list[str]:
        return self.roots.node_files(self.node.id, [self.mac])

    def config(self) -> str | None:
        try:
            return (self.roots.root / self.root / self.node.id / "config").read_text()
        except FileNotFoundError:
            return None

    def mac_link(self) -> str:
        dashed = self.mac.replace(":", "-")
        name = dashed if self.boot_interface == "ipxe" else f"01-{dashed}"
        return f"{self.root}/pxelinux.cfg/{name}"

    def patches(self) -> int:
        """PATCHes of the server since the counters were cleared (``/oneTimeBoot`` is the
        only path the driver patches)."""
        return self.sim.operator.count("PATCH", "/rest/server-hardware/{id}")

    def task_names(self) -> list[str]:
        return [name for name, _ in self.side.tasks_of(self.server_uri)]


def image_info(images: ImageServer) -> dict[str, str]:
    return {
        "image_source": images.url,
        "image_os_hash_algo": "sha256",
        "image_os_hash_value": images.sha256,
    }


def one_time_boot_then_power_on(names: list[str]) -> bool:
    """OneView's tasks on the server hold an ``Update`` (the PATCH of the one-time boot
    device) followed by a ``Power on``."""
    if "Update" not in names:
        return False
    return "Power on" in names[names.index("Update") + 1 :]


class Phase:
    """OneView's requests and tasks, and the boots, from now on."""

    def __init__(self, pxe: PxeNode) -> None:
        self.pxe = pxe
        pxe.sim.operator.clear_counters()
        self._tasks = len(pxe.task_names())
        self._boots = len(pxe.boots)
        self._agent_boots = len(pxe.agent()["boots"])

    def tasks(self) -> list[str]:
        return self.pxe.task_names()[self._tasks :]

    def boots(self) -> list[Boot]:
        return self.pxe.boots[self._boots :]

    def agent_boots(self) -> list[tuple[str, str]]:
        """``(device, what ran)`` of the server's boots, as the simulator recorded them."""
        boots = self.pxe.agent()["boots"][self._agent_boots :]
        return [(boot["device"], boot["runs"]) for boot in boots]


@pytest.mark.parametrize(("boot_interface", "mode"), CASES)
def test_network_boot_through_clean_deploy_and_undeploy(
    baremetal, lab, images, boot_interface, mode
) -> None:
    deploy_mode = BOOT_MODES[mode][1]  # what Ironic boots the ramdisk in
    profile_mode = deploy_mode if BOOT_MODES[mode][0]["manageMode"] else None
    header = CONFIG_HEADERS[boot_interface, deploy_mode]
    pxe = PxeNode(baremetal, lab, mode, boot_interface)
    bm, node_id = pxe.baremetal, pxe.node.id
    with pxe.watching():
        move_node(bm, node_id, "manage")
        assert pxe.files() == []

        # automated cleaning: the ramdisk boots from the network on the cleaning profile
        cleaning = Phase(pxe)
        provided = move_node(bm, node_id, "provide")

        assert provided.provision_state == "available", provided.last_error
        assert pxe.disk_events() == ["erase_devices_metadata"]
        assert pxe.agent()["disk"]["history"][0]["node_uuid"] == node_id
        assert pxe.patches() == 1  # prepare_ramdisk's one-time network boot
        assert one_time_boot_then_power_on(cleaning.tasks())
        assert cleaning.agent_boots() == [("PXE", "agent")]
        (ramdisk,) = cleaning.boots()
        assert ramdisk.profile is not None  # the cleaning profile
        assert f"{pxe.root}/{node_id}/config" in ramdisk.files
        assert f"{pxe.root}/{node_id}/deploy_kernel" in ramdisk.files
        assert f"{pxe.root}/{node_id}/deploy_ramdisk" in ramdisk.files
        assert pxe.mac_link() in ramdisk.files
        assert ramdisk.config is not None
        assert ramdisk.config.splitlines()[0].strip() == header
        assert f"ipa-api-url={lab.ironic.url}" in ramdisk.config
        assert pxe.files() == []  # clean_up_ramdisk at the end of cleaning
        assert pxe.server()["serverProfileUri"] is None
        assert pxe.server()["powerState"] == "Off"
        assert pxe.server()["oneTimeBoot"] == "Normal"  # consumed by the boot
        assert provided.driver_internal_info.get("deploy_boot_mode") == deploy_mode

        # deploy: the ramdisk boots from the network again, then the instance from its disk
        bm.update_node(node_id, instance_info=image_info(images))
        deploying = Phase(pxe)
        active = move_node(bm, node_id, "active")

        assert active.provision_state == "active", active.last_error
        written = pxe.agent()["disk"]["image"]
        assert written["url"] == images.url
        assert (written["os_hash_algo"], written["os_hash_value"]) == ("sha256", images.sha256)
        assert written["size"] == len(IMAGE)
        assert written["node_uuid"] == node_id
        assert pxe.patches() == 1
        assert one_time_boot_then_power_on(deploying.tasks())
        # the ramdisk from the network, then (after the agent's standby.power_off) the disk
        assert deploying.agent_boots() == [("PXE", "agent"), ("HardDisk", "written image")]
        assert pxe.agent()["agent"] is None
        ramdisk, instance = deploying.boots()
        assert ramdisk.profile == instance.profile == pxe.server()["serverProfileUri"]
        assert f"{pxe.root}/{node_id}/config" in ramdisk.files
        assert ramdisk.config is not None
        assert ramdisk.config.splitlines()[0].strip() == header
        assert instance.files == []  # prepare_instance removed the PXE config: disk boot
        assert pxe.files() == []
        profile_uri = pxe.server()["serverProfileUri"]
        assert active.driver_internal_info["applied_server_profile_uri"] == profile_uri
        profile = pxe.side.get(profile_uri)
        assert profile["serverProfileTemplateUri"] == pxe.template_uri
        assert profile["boot"]["order"][0] == "HardDisk"
        template_boot_mode = pxe.side.get(pxe.template_uri)["bootMode"]
        assert profile["bootMode"]["manageMode"] == template_boot_mode["manageMode"]
        assert profile["bootMode"]["mode"] == template_boot_mode["mode"]
        preview = pxe.side.get(f"{profile_uri}/compliance-preview")
        assert [
            change for change in preview["automaticUpdates"] if "boot order" not in change
        ] == []
        assert pxe.server()["powerState"] == "On"
        assert active.power_state == "power on"
        assert active.driver_internal_info.get("deploy_boot_mode") == deploy_mode
        assert active.boot_mode == profile_mode

        # undeploy: cleaning boots the network although the profile now says disk first
        undeploying = Phase(pxe)
        undeployed = move_node(bm, node_id, "deleted")

        assert undeployed.provision_state == "available", undeployed.last_error
        assert pxe.disk_events() == [
            "erase_devices_metadata",
            "write_image",
            "erase_devices_metadata",
        ]
        assert pxe.agent()["disk"]["image"] is None
        assert pxe.patches() == 1
        assert one_time_boot_then_power_on(undeploying.tasks())
        # the profile boots HardDisk first: only the one-time network boot runs the agent
        assert undeploying.agent_boots() == [("PXE", "agent")]
        (ramdisk,) = undeploying.boots()
        assert ramdisk.profile == profile_uri  # cleaning runs on the instance's profile
        assert f"{pxe.root}/{node_id}/config" in ramdisk.files
        assert pxe.files() == []
        assert pxe.side.rest.call("GET", profile_uri).status_code == 404
        assert pxe.server()["serverProfileUri"] is None
        assert pxe.server()["powerState"] == "Off"


def test_the_one_time_network_boot_is_set_before_the_server_is_powered_on(baremetal, lab) -> None:
    """The power on that follows prepare_ramdisk fails: the server never boots, so the
    one-time device OneView was given is still there to read."""
    pxe = PxeNode(baremetal, lab, "uefi")
    move_node(baremetal, pxe.node.id, "manage")
    lab.sim.operator.fail_next_task(
        "SERVER_POWER_ON_FAILED", "The server did not power on.", name="Power on"
    )

    with pytest.raises(ProvisioningError, match="did not power on"):
        move_node(baremetal, pxe.node.id, "provide")

    assert baremetal.get_node(pxe.node.id).provision_state == "clean failed"
    server = pxe.server()
    assert server["oneTimeBoot"] == "Network"
    assert server["powerState"] == "Off"
    assert pxe.side.tasks_of(pxe.server_uri)[-2:] == [
        ("Update", "Completed"),
        ("Power on", "Error"),
    ]


def test_a_deploy_asking_for_another_boot_mode_than_the_templates_is_refused(
    baremetal, lab, images
) -> None:
    pxe = PxeNode(
        baremetal,
        lab,
        "uefi",
        automated_clean=False,
        properties={"capabilities": "boot_mode:bios"},
    )
    move_node(baremetal, pxe.node.id, "manage")
    move_node(baremetal, pxe.node.id, "provide")
    baremetal.update_node(pxe.node.id, instance_info=image_info(images))

    # validate is offline (Nova validates before every boot): the deploy's first step,
    # which reads the template, refuses before any profile or PXE file is made
    with pytest.raises(ProvisioningError):
        move_node(baremetal, pxe.node.id, "active")

    failed = baremetal.get_node(pxe.node.id)
    assert failed.provision_state == "deploy failed"
    assert "asks for boot mode 'bios'" in failed.last_error
    assert f"template '{seed.TEMPLATE}'" in failed.last_error
    assert pxe.server()["serverProfileUri"] is None
    assert pxe.files() == []
