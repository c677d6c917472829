"""The console examples of ``doc/ironic-driver.md``, run as a shell runs them, against a real
Ironic and the simulator with its virtual agents (the session's agent lab).

Every ```` ```console ```` block of the page is an example: a ``$ `` line starts a command
(continued on the next lines while a quote is open or a line ends with ``\\``), and the lines
up to the next command are what it must print on stdout, where ``...`` stands for any text
within a line. A command the page shows without output only has to succeed. Each command
runs in bash with ``pipefail``, in an environment naming the Ironic (``IRONIC_URL``,
``OS_BAREMETAL_ENDPOINT_OVERRIDE``, ``OS_AUTH_TYPE=none``,
``OS_BAREMETAL_API_VERSION=latest``).

The examples act on ``node-1``: before a block, :data:`SETUPS` puts ``node-1`` in the state
the section's text starts from (none, enrolled, available with an image, deployed...). A
provisioning command shown without ``--wait`` returns before Ironic is done: the test waits
for the node to settle before the next command, as the reader of the page would.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from oneview_openstack.testing.image_server import ImageServer
from oneview_openstack.testing.ironic_nodes import move_node
from oneview_openstack.testing.ironic_service import IronicService
from oneview_openstack.testing.waiting import wait_for

from .. import oneview_seed as seed
from ..oneview_seed import OneViewSide, uris_of
from .conftest import AgentLab, oneview_section
from .nodes import enroll, enroll_booting

pytestmark = pytest.mark.functional

DOC = Path(__file__).parents[3] / "doc" / "ironic-driver.md"
NODE = "node-1"
COMMAND_TIMEOUT = 180
UNKNOWN_SERVER = "/rest/server-hardware/00000000-0000-0000-0000-00000000dead"
IMAGE_BYTES = b"a whole-disk image for the doc's examples\n" * 1024
# A command that starts a provisioning action Ironic finishes in the background.
PROVISIONING = re.compile(
    r"openstack baremetal node (manage|provide|clean|service|deploy|undeploy|rebuild|inspect)\b"
)


# -- the page's examples ----------------------------------------------------------------------


@dataclass
class Command:
    text: str
    output: list[str] = field(default_factory=list)


@dataclass
class Example:
    section: str
    index: int  # of the block in its section
    commands: list[Command]

    @property
    def name(self) -> str:
        """``bios-0``: the section's first words and the block's index."""
        words = self.section.split(":")[0].lower().replace(" ", "-")
        return f"{words}-{self.index}"


def examples(text: str) -> list[Example]:
    """The console blocks of a Markdown page, with the heading each is under."""
    found: list[Example] = []
    section, fence, block = "", "", list[str]()
    for line in text.splitlines():
        if not fence and line.startswith("```"):
            fence, block = line, []
        elif fence and line == "```":
            if fence == "```console":
                index = sum(e.section == section for e in found)
                found.append(Example(section, index, commands(block)))
            fence = ""
        elif fence:
            block.append(line)
        elif line.startswith("#"):
            section = line.lstrip("#").strip()
    return found


def commands(lines: list[str]) -> list[Command]:
    parsed: list[Command] = []
    open_command = False
    for line in lines:
        if open_command:
            parsed[-1].text += "\n" + line
        elif line.startswith("$ "):
            parsed.append(Command(line[2:]))
        elif parsed:
            parsed[-1].output.append(line.rstrip())
        else:
            raise AssertionError(f"{DOC}: a console block starts with output: {line!r}")
        open_command = not complete(parsed[-1].text) if parsed else False
    return parsed


def complete(command: str) -> bool:
    """Whether a shell would run *command* as typed so far (no open quote, no ``\\`` end)."""
    try:
        shlex.split(command)
    except ValueError:
        return False
    return True


def matches(expected: str, actual: str) -> bool:
    pattern = ".*".join(re.escape(part) for part in expected.split("..."))
    return re.fullmatch(pattern, actual) is not None


EXAMPLES = examples(DOC.read_text())


# -- node-1 before each example ---------------------------------------------------------------


@dataclass
class Bench:
    """What the setups prepare ``node-1`` with; the Ironic an example talks to."""

    lab: AgentLab
    image: ImageServer
    request: pytest.FixtureRequest

    @property
    def baremetal(self) -> Any:
        return self.lab.ironic.connection().baremetal

    def enroll_booting(self, **fields: Any) -> Any:
        return enroll_booting(self.baremetal, self.lab.sim, seed.BLADE, seed.TEMPLATE,
                              name=NODE, **fields)  # fmt: skip

    def available_with_image(self, **fields: Any) -> Any:
        """``node-1`` available (no automated cleaning: not what the examples show) with its
        image in ``instance_info``."""
        node = self.enroll_booting(is_automated_clean_enabled=False, **fields)
        move_node(self.baremetal, node.id, "manage")
        move_node(self.baremetal, node.id, "provide")
        info = {
            "image_source": self.image.url,
            "image_os_hash_algo": "sha256",
            "image_os_hash_value": self.image.sha256,
        }
        return self.baremetal.update_node(node.id, instance_info=info)


Setup = Callable[[Bench], IronicService]


def no_node(bench: Bench) -> IronicService:
    return bench.lab.ironic


def unknown_server(bench: Bench) -> IronicService:
    """``node-1`` enrolled with a server OneView does not have."""
    bench.baremetal.create_node(
        name=NODE, driver="oneview", driver_info={"server_hardware_uri": UNKNOWN_SERVER}
    )
    return bench.lab.ironic


def enrolled(bench: Bench) -> IronicService:
    """``node-1`` enrolled on the seed's first blade, its boot NIC's port created."""
    bench.enroll_booting()
    return bench.lab.ironic


def health_monitored(bench: Bench) -> IronicService:
    """``node-1`` manageable in an Ironic with health monitoring, after a power-sync pass."""
    ironic: IronicService = bench.request.getfixturevalue("health_ironic")
    baremetal = ironic.connection().baremetal
    node = enroll(baremetal, uris_of(bench.lab.sim), seed.BLADE, seed.TEMPLATE, name=NODE)
    move_node(baremetal, node.id, "manage")
    wait_for(lambda: ironic.api_get(f"/v1/nodes/{node.id}").get("health"), "a power-sync pass")
    return ironic


def secure_boot_template(bench: Bench) -> IronicService:
    """The template enables secure boot in ``UEFIOptimized`` (the seed's leave it
    unmanaged); ``node-1`` available with its image."""
    side = OneViewSide(bench.lab.sim)
    template = uris_of(bench.lab.sim).template(seed.TEMPLATE)
    boot_mode = {**side.get(template)["bootMode"], "mode": "UEFIOptimized", "secureBoot": "Enabled"}
    side.edit(template, bootMode=boot_mode)
    bench.available_with_image()
    return bench.lab.ironic


def deployed(bench: Bench) -> IronicService:
    """``node-1`` deployed, with the ``oneview`` firmware interface."""
    node = bench.available_with_image(firmware_interface="oneview")
    move_node(bench.baremetal, node.id, "active", timeout=90)
    return bench.lab.ironic


# The setup of each console block, by section and in the page's order.
SETUPS: dict[str, tuple[Setup, ...]] = {
    "Enrolling a node": (no_node,),
    "Validation and verification": (unknown_server,),
    "Health": (health_monitored,),
    "UID light": (enrolled,),
    "Secure boot": (secure_boot_template,),
    "BIOS: settings through the server profile": (enrolled,),
    "RAID: logical drives through the server profile": (enrolled,),
    "Firmware: baselines through the server profile": (enrolled, deployed),
}


# -- running them -----------------------------------------------------------------------------


def settle(ironic: IronicService) -> None:
    """Wait until ``node-1`` has no provisioning action under way."""
    baremetal = ironic.connection().baremetal
    wait_for(
        lambda: not baremetal.get_node(NODE).target_provision_state,
        f"{NODE} leaving its transient state",
        timeout=COMMAND_TIMEOUT,
    )


def shell_env(ironic: IronicService) -> dict[str, str]:
    """The test's environment without its ``OS_*`` (a developer's cloud), naming *ironic*;
    the venv's commands first."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("OS_")}
    return {
        **inherited,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "IRONIC_URL": ironic.url,
        "OS_AUTH_TYPE": "none",
        "OS_BAREMETAL_ENDPOINT_OVERRIDE": ironic.url,
        "OS_BAREMETAL_API_VERSION": "latest",
        "COLUMNS": "200",
    }


def run(command: Command, ironic: IronicService) -> None:
    done = subprocess.run(  # noqa: S603 - the documented command line, as bash runs it
        ["bash", "-o", "pipefail", "-c", command.text],
        env=shell_env(ironic),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
        check=False,
    )
    said = f"$ {command.text}\n{done.stdout}{done.stderr}"
    if done.returncode != 0:
        raise AssertionError(f"exit status {done.returncode}:\n{said}")
    actual = done.stdout.rstrip("\n").split("\n")
    expected = command.output
    if expected and not (len(actual) == len(expected) and all(map(matches, expected, actual))):
        shown = "\n".join(expected)
        raise AssertionError(f"the page shows:\n{shown}\nbut it printed:\n{said}")
    if PROVISIONING.match(command.text) and "--wait" not in command.text:
        settle(ironic)


@pytest.fixture(scope="module")
def image() -> Iterator[ImageServer]:
    with ImageServer(IMAGE_BYTES) as server:
        yield server


@pytest.fixture(scope="module")
def health_ironic(
    tmp_path_factory: pytest.TempPathFactory, agent_lab: AgentLab
) -> Iterator[IronicService]:
    """An Ironic caching health on a power-sync pass every second (the agent lab's does not
    monitor health: ``[conductor] enable_health_monitoring`` is what the Health section is
    about)."""
    conductor = {"sync_power_state_interval": 1, "enable_health_monitoring": True}
    with IronicService(
        tmp_path_factory.mktemp("ironic-health"),
        oneview=oneview_section(agent_lab.sim),
        conductor=conductor,
    ) as service:
        yield service


def undeploy(ironic: IronicService) -> None:
    """Tear a deployed ``node-1`` down (its PXE files would stay in the lab's shared root)."""
    baremetal = ironic.connection().baremetal
    node = baremetal.find_node(NODE)
    if node is not None and node.provision_state in ("active", "deploy failed", "service failed"):
        move_node(baremetal, node.id, "deleted", timeout=90)


def test_every_console_block_of_the_page_has_its_setup() -> None:
    counts = {s: sum(e.section == s for e in EXAMPLES) for s in {e.section for e in EXAMPLES}}

    assert counts == {section: len(setups) for section, setups in SETUPS.items()}


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.name)
def test_the_example_runs_as_the_page_shows(
    example: Example, lab: AgentLab, image: ImageServer, request: pytest.FixtureRequest
) -> None:
    setup = SETUPS[example.section][example.index]
    ironic = setup(Bench(lab, image, request))
    try:
        for command in example.commands:
            run(command, ironic)
    finally:
        undeploy(ironic)
        if ironic is not lab.ironic:
            ironic.reset()


def test_a_command_that_fails_or_prints_otherwise_fails_naming_it(agent_lab: AgentLab) -> None:
    with pytest.raises(AssertionError, match=r"exit status 3:\n\$ echo gone >&2; exit 3\ngone"):
        run(Command("echo gone >&2; exit 3"), agent_lab.ironic)
    with pytest.raises(AssertionError, match=r"the page shows:\nOK\nbut it printed:\n\$ echo W"):
        run(Command("echo Warning", ["OK"]), agent_lab.ironic)
    with pytest.raises(AssertionError, match="exit status 1"):
        run(Command("false | cat"), agent_lab.ironic)  # pipefail

    run(Command("echo 'Node 5f0c: gone'", ["Node ...: gone"]), agent_lab.ironic)
