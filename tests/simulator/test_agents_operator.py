"""``/sim/agents``, the agents' flags, and their listener in a real simulator process."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
import requests

from oneview_openstack.simulator.agents import disks
from oneview_openstack.simulator.agents.image import Image
from oneview_openstack.simulator.main import config_from_args, parse_args
from oneview_openstack.testing.simulator import SimulatorHandle

from .agent_support import BLADE, CALLBACK, IRONIC, NODE, Rig


def call(rig: Rig, method: str, path: str, body: Any = None) -> Any:
    """One /sim request (the agents' loops not started); ``(status, body)``."""
    response = asyncio.run(rig.sim(method, path, body))
    return response.status_code, response.json() if response.content else None


def test_config_is_read_and_changed_at_run_time() -> None:
    rig = Rig(command_latency={"write_image": 1.5})

    status, config = call(rig, "GET", "/sim/agents/config")
    assert status == 200
    assert config == {
        "ironic_url": IRONIC,
        "heartbeat_interval": 0.02,
        "command_latency": {"write_image": 1.5},
        "listener": CALLBACK,
    }

    changes = {
        "ironic_url": "http://10.0.0.5:6385/",
        "heartbeat_interval": 2,
        "command_latency": {"*": 0.1},
    }
    status, config = call(rig, "PUT", "/sim/agents/config", changes)
    assert status == 200
    assert config["ironic_url"] == "http://10.0.0.5:6385"
    assert config["heartbeat_interval"] == 2.0
    assert config["command_latency"] == {"*": 0.1}


@pytest.mark.parametrize(
    "changes, wording",
    [
        ({"heartbeat_interval": 0}, "heartbeat_interval"),
        ({"ironic_url": "ironic:6385"}, "ironic_url"),
        ({"command_latency": {"write_image": -1}}, "command_latency"),
        ({"port": 1}, "cannot be changed"),
    ],
)
def test_bad_config_changes_are_refused_whole(changes: dict[str, Any], wording: str) -> None:
    rig = Rig()

    status, error = call(rig, "PUT", "/sim/agents/config", {"heartbeat_interval": 5, **changes})

    assert status == 400
    assert error["errorCode"] == "INVALID_AGENT_CONFIG"
    assert wording in error["message"]
    assert rig.agents.settings.heartbeat_interval == 0.02  # nothing half-applied


def test_agents_need_a_listener() -> None:
    rig = Rig(ironic_url=None)
    rig.agents.callback_base = None

    status, error = call(rig, "PUT", "/sim/agents/config", {"ironic_url": IRONIC})

    assert status == 400
    assert error["errorCode"] == "AGENTS_NOT_LISTENING"


def test_failures_are_added_listed_and_removed() -> None:
    rig = Rig()

    status, failure = call(
        rig, "POST", "/sim/agents/failures", {"command": "write_image", "times": 3}
    )
    assert status == 201
    assert failure == {
        "id": failure["id"],
        "command": "write_image",
        "message": "Injected failure of write_image",
        "times": 3,
        "server": None,
    }
    call(rig, "POST", "/sim/agents/failures", {"command": "standby.sync", "server": "s1"})
    assert len(call(rig, "GET", "/sim/agents/failures")[1]) == 2

    assert call(rig, "DELETE", f"/sim/agents/failures/{failure['id']}")[0] == 204
    assert call(rig, "DELETE", "/sim/agents/failures/999")[0] == 404
    assert [f["command"] for f in call(rig, "GET", "/sim/agents/failures")[1]] == ["standby.sync"]
    assert call(rig, "DELETE", "/sim/agents/failures")[0] == 204
    assert call(rig, "GET", "/sim/agents/failures")[1] == []


@pytest.mark.parametrize(
    "body, field",
    [
        ({"command": "deploy.write_image"}, "command"),
        ({"command": "write_image", "times": 0}, "times"),
        ({"command": "write_image", "message": ""}, "message"),
        ({"command": "write_image", "server": 3}, "server"),
        ({"command": "write_image", "rate": 0.5}, "field"),
    ],
)
def test_bad_failures_are_refused(body: dict[str, Any], field: str) -> None:
    status, error = call(Rig(), "POST", "/sim/agents/failures", body)

    assert status == 400
    assert error["errorCode"] == "INVALID_AGENT_FAILURE"
    assert f"invalid {field}" in error["message"]


def test_one_server_shows_its_agent_disk_and_boots() -> None:
    rig = Rig()
    rig.boot_from_network(BLADE)

    status, seen = call(rig, "GET", f"/sim/agents/{rig.id(BLADE)}")

    assert status == 200
    assert seen["server"] == rig.uri(BLADE)
    assert seen["agent"]["callback_url"] == f"{CALLBACK}/agents/{rig.id(BLADE)}"
    assert seen["silent"] is False
    assert seen["disk"] is None
    assert [b["runs"] for b in seen["boots"]] == ["agent"]
    assert call(rig, "GET", "/sim/agents/no-such-server")[0] == 404


def test_silence_is_set_and_lifted_per_server() -> None:
    rig = Rig()
    path = f"/sim/agents/{rig.id(BLADE)}/silent"

    assert call(rig, "POST", path)[1]["silent"] is True
    assert call(rig, "GET", "/sim/agents")[1]["silent"] == [rig.id(BLADE)]
    assert call(rig, "DELETE", path)[1]["silent"] is False


def test_sim_reset_forgets_agents_disks_failures_and_run_time_settings() -> None:
    rig = Rig(failures=[{"command": "standby.sync"}], silent=["from-flags"])
    rig.boot_from_network(BLADE)
    image = Image("http://images/disk.raw", "sha256", "ab" * 32, 1024, None, "raw")
    disks.record_write(rig.appliance.store, rig.appliance.clock, rig.uri(BLADE), image, NODE)
    call(rig, "PUT", "/sim/agents/config", {"heartbeat_interval": 9})
    call(rig, "POST", "/sim/agents/failures", {"command": "write_image"})
    rig.agents.set_silent(rig.id(BLADE), True)
    listed = call(rig, "GET", "/sim/agents")[1]
    assert [a["server"] for a in listed["agents"]] == [rig.uri(BLADE)]
    assert [d["server"] for d in listed["disks"]] == [rig.uri(BLADE)]

    assert call(rig, "POST", "/sim/reset")[0] == 200

    listed = call(rig, "GET", "/sim/agents")[1]
    assert listed["agents"] == [] and listed["disks"] == []
    assert listed["config"]["heartbeat_interval"] == 0.02
    assert [f["command"] for f in listed["failures"]] == ["standby.sync"]
    assert listed["silent"] == ["from-flags"]
    assert call(rig, "GET", f"/sim/agents/{rig.id(BLADE)}")[1]["boots"] == []


# -- flags ------------------------------------------------------------------------------------


def test_flags_set_the_agents() -> None:
    args = parse_args(
        [
            "--ironic-url", "http://127.0.0.1:6385/",
            "--heartbeat-interval", "0.5",
            "--agent-latency", "write_image=2",
            "--agent-latency", "*=0.1",
            "--agent-fail", "write_image=No space left on device",
            "--agent-fail", "standby.sync",
            "--silent-agent", "abc",
        ]
    )  # fmt: skip

    agents = config_from_args(args).agents
    assert agents.ironic_url == "http://127.0.0.1:6385"
    assert agents.heartbeat_interval == 0.5
    assert agents.command_latency == {"write_image": 2.0, "*": 0.1}
    assert agents.failures == [
        {"command": "write_image", "message": "No space left on device"},
        {"command": "standby.sync"},
    ]
    assert agents.silent == ["abc"]
    assert agents.listen is True


def test_without_agent_flags_no_listener_opens() -> None:
    agents = config_from_args(parse_args([])).agents
    assert agents.listen is False and agents.ironic_url is None
    assert config_from_args(parse_args(["--agent-port", "0"])).agents.listen is True


@pytest.mark.parametrize(
    "argv",
    [
        ["--agent-latency", "write_image"],
        ["--agent-latency", "write_image=soon"],
        ["--agent-fail", "format_disk=boom"],
        ["--heartbeat-interval", "0"],
        ["--ironic-url", "ironic"],
    ],
)
def test_bad_agent_flags_stop_the_start(argv: list[str], capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as stopped:
        parse_args(argv)
    assert stopped.value.code == 2


# -- the listener in a real process -------------------------------------------------------------


@pytest.mark.functional
def test_the_agent_listener_opens_on_its_own_port(
    make_simulator: Callable[..., SimulatorHandle], tmp_path
) -> None:
    port_file = tmp_path / "agent-port"
    sim = make_simulator(agent_port=0, agent_port_file=port_file)

    port = int(port_file.read_text())
    config = requests.get(f"{sim.url}/sim/agents/config", verify=sim.verify, timeout=10).json()
    assert config["listener"] == f"http://127.0.0.1:{port}"
    assert config["ironic_url"] is None
    server = sim.rest().call("GET", "/rest/server-hardware?count=1").json()["members"][0]
    server_id = server["uri"].rsplit("/", 1)[-1]
    answer = requests.get(
        f"http://127.0.0.1:{port}/agents/{server_id}/v1/commands/?agent_token=x", timeout=10
    )
    assert answer.status_code == 404
    assert "not booted" in answer.json()["faultstring"]

    sim.stop()  # SIGTERM stops both listeners

    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{port}/agents/x/v1/commands/", timeout=2)
