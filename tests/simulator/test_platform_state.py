"""The state file: what the appliance acknowledged survives a crash and a restart."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import requests

from oneview_openstack.testing.simulator import RestSession, SimulatorHandle

pytestmark = pytest.mark.functional

MakeSimulator = Callable[..., SimulatorHandle]


def create_network(rest: RestSession, name: str, vlan: int) -> requests.Response:
    body = {"type": "ethernet-networkV4", "name": name, "vlanId": vlan}
    body.update(ethernetNetworkType="Tagged", purpose="General")
    return rest.call("POST", "/rest/ethernet-networks", body)


def network_names(rest: RestSession) -> set[str]:
    members = rest.call("GET", "/rest/ethernet-networks?start=0&count=-1").json()["members"]
    return {member["name"] for member in members}


def test_accepted_change_survives_kill_9(make_simulator: MakeSimulator, tmp_path: Path) -> None:
    # Real-time tasks: the create is still running when the process dies.
    sim = make_simulator(state_file=tmp_path / "state.json", time_scale=1.0)
    accepted = create_network(sim.rest(), "survivor", 401)
    assert accepted.status_code == 202

    sim.kill()
    sim.start()

    rest = sim.rest()
    task = rest.wait_task(accepted.headers["Location"])
    assert task["taskState"] == "Completed"
    assert "survivor" in network_names(rest)


def test_sessions_do_not_survive_a_restart(make_simulator: MakeSimulator, tmp_path: Path) -> None:
    sim = make_simulator(state_file=tmp_path / "state.json")
    rest = sim.rest()

    sim.restart()

    assert rest.call("GET", "/rest/tasks").status_code == 401


def test_reset_rewrites_the_state_file(make_simulator: MakeSimulator, tmp_path: Path) -> None:
    sim = make_simulator(state_file=tmp_path / "state.json")
    rest = sim.rest()
    rest.wait_task(create_network(rest, "forgotten", 402).headers["Location"])

    sim.operator.reset()
    sim.kill()
    sim.start()

    assert "forgotten" not in network_names(sim.rest())


def test_a_restart_keeps_the_certificate_authority(
    make_simulator: MakeSimulator, tmp_path: Path
) -> None:
    sim = make_simulator(cert_dir=tmp_path / "certs")
    ca_before = Path(sim.ca_file).read_bytes()

    sim.restart()

    assert Path(sim.ca_file).read_bytes() == ca_before
    response = requests.get(sim.url + "/rest/version", verify=sim.ca_file, timeout=10)
    assert response.status_code == 200


def test_a_state_file_in_use_is_refused(make_simulator: MakeSimulator, tmp_path: Path) -> None:
    make_simulator(state_file=tmp_path / "state.json")

    with pytest.raises(RuntimeError, match="in use by another simulator"):
        make_simulator(state_file=tmp_path / "state.json")


def test_a_state_file_of_another_datacenter_is_refused(
    make_simulator: MakeSimulator, tmp_path: Path
) -> None:
    make_simulator(state_file=tmp_path / "state.json").stop()

    with pytest.raises(RuntimeError, match="written for another datacenter"):
        make_simulator(state_file=tmp_path / "state.json", servers=3)
