"""Virtual agents in process: which boot runs one, its death, lookup and heartbeats."""

from __future__ import annotations

import asyncio

from oneview_openstack.simulator.agents import disks
from oneview_openstack.simulator.agents.image import Image
from oneview_openstack.simulator.agents.ironic import MASKED_TOKEN, Lookup
from oneview_openstack.simulator.agents.settings import AgentSettings
from oneview_openstack.simulator.appliance import Appliance
from oneview_openstack.simulator.config import SimulatorConfig
from oneview_openstack.simulator.resources import boot

from .agent_support import BLADE, BLADE_ON, CALLBACK, IRONIC, NODE, RACK, TOKEN, Rig, until

# -- what a server boots from -----------------------------------------------------------------


def test_the_one_time_boot_device_wins_over_the_profile() -> None:
    rig = Rig()
    store = rig.appliance.store
    server = rig.server(BLADE_ON)
    assert boot.boot_device(store, server) == "PXE"  # the SAP profile: PXE, HardDisk
    for one_time, device in (("Network", "PXE"), ("HDD", "HardDisk"), ("CDROM", "CD")):
        assert boot.boot_device(store, {**server, "oneTimeBoot": one_time}) == device
    assert boot.boot_device(store, {**server, "oneTimeBoot": "Normal"}) == "PXE"


def test_without_a_profile_or_a_managed_order_the_firmware_decides() -> None:
    rig = Rig()
    store = rig.appliance.store
    assert boot.boot_device(store, rig.server(BLADE)) is None
    profile = store.require(rig.server(BLADE_ON)["serverProfileUri"])
    store.update(profile["uri"], {"boot": {"manageBoot": False, "order": ["PXE"]}})
    assert boot.boot_device(store, rig.server(BLADE_ON)) is None


# -- birth and death --------------------------------------------------------------------------


def test_a_network_boot_runs_an_agent_with_the_servers_macs() -> None:
    rig = Rig()
    rig.boot_from_network(BLADE)

    agent = rig.agents.agent(rig.id(BLADE))
    assert agent is not None
    assert agent.callback_url == f"{CALLBACK}/agents/{rig.id(BLADE)}"
    macs = {
        flexnic["mac"].lower()
        for slot in rig.server(BLADE)["portMap"]["deviceSlots"]
        for port in slot["physicalPorts"]
        for flexnic in port["virtualPorts"]
    }
    assert set(agent.addresses) == macs and macs
    assert rig.server(BLADE)["oneTimeBoot"] == "Normal"  # consumed by the boot
    assert [b["runs"] for b in rig.seen(BLADE)["boots"]] == ["agent"]


def test_a_profile_booting_pxe_first_runs_an_agent_with_its_connection_macs() -> None:
    rig = Rig()
    rig.press(BLADE_ON)  # off
    rig.press(BLADE_ON)  # on again: the profile's order says PXE

    agent = rig.agents.agent(rig.id(BLADE_ON))
    assert agent is not None
    profile = rig.appliance.store.require(rig.server(BLADE_ON)["serverProfileUri"])
    connection_macs = {c["mac"].lower() for c in profile["connectionSettings"]["connections"]}
    assert connection_macs <= set(agent.addresses)
    assert rig.seen(BLADE_ON)["boots"][-1]["device"] == "PXE"


def test_power_off_and_reset_kill_the_agent_with_all_it_knew() -> None:
    rig = Rig()

    async def scenario() -> None:
        rig.boot_from_network(BLADE)
        await rig.found_node(BLADE)
        first = rig.agents.agent(rig.id(BLADE))
        assert first is not None and first.token == TOKEN

        rig.press(BLADE)  # off

        assert rig.agents.agent(rig.id(BLADE)) is None
        assert first.alive is False and first.token is None
        await until(lambda: first.loop is not None and first.loop.done())

        rig.boot_from_network(BLADE)
        second = rig.agents.agent(rig.id(BLADE))
        assert second is not None and second is not first and second.commands == []

    rig.run(scenario)


def test_a_cold_boot_through_the_rest_api_kills_the_agent_and_boots_again() -> None:
    rig = Rig()

    async def scenario() -> None:
        rig.boot_from_network(BLADE)
        first = rig.agents.agent(rig.id(BLADE))
        uri = rig.uri(BLADE)
        patch = [{"op": "replace", "path": "/oneTimeBoot", "value": "Network"}]
        assert (await rig.rest("PATCH", uri, patch)).status_code == 202
        body = {"powerState": "On", "powerControl": "ColdBoot"}

        answer = await rig.rest("PUT", f"{uri}/powerState", body)

        assert answer.status_code == 202, answer.text
        second = rig.agents.agent(rig.id(BLADE))
        assert first is not None and first.alive is False
        assert second is not None and second is not first
        assert [b["runs"] for b in rig.seen(BLADE)["boots"]] == ["agent", "agent"]

    rig.run(scenario)


def test_a_disk_boot_runs_the_written_image_not_an_agent() -> None:
    rig = Rig()
    rig.boot_from_network(BLADE)
    rig.press(BLADE)
    image = Image("http://images/disk.raw", "sha256", "ab" * 32, 1024, None, "raw")
    written = disks.record_write(
        rig.appliance.store, rig.appliance.clock, rig.uri(BLADE), image, NODE
    )
    rig.appliance.store.update(rig.uri(BLADE), {"oneTimeBoot": "HDD"})

    rig.press(BLADE)

    assert rig.agents.agent(rig.id(BLADE)) is None
    last = rig.seen(BLADE)["boots"][-1]
    assert last == {
        "at": last["at"],
        "device": "HardDisk",
        "runs": "written image",
        "image": written,
    }


def test_a_server_without_profile_and_a_blank_disk_boots_nothing() -> None:
    rig = Rig()
    rig.press(RACK)

    assert rig.agents.agent(rig.id(RACK)) is None
    assert rig.seen(RACK)["boots"][-1]["runs"] == "nothing (the disk holds no image)"


def test_without_an_ironic_url_no_agent_runs_and_nothing_is_recorded() -> None:
    rig = Rig(ironic_url=None)
    rig.boot_from_network(BLADE)

    assert rig.agents.agent(rig.id(BLADE)) is None
    assert rig.seen(BLADE)["boots"] == []


def test_turning_the_agents_off_kills_the_running_ones() -> None:
    rig = Rig()
    rig.boot_from_network(BLADE)

    rig.agents.configure({"ironic_url": None})

    assert rig.agents.agent(rig.id(BLADE)) is None


def test_many_servers_cost_nothing_until_they_boot_from_the_network() -> None:
    rig = Rig()
    assert rig.agents.describe()["agents"] == []
    assert not rig.agents._agents  # no state per idle server
    assert rig.agents._pool is None  # no thread before the first lookup


# -- lookup and heartbeats ------------------------------------------------------------------------


def test_the_agent_looks_up_by_mac_then_heartbeats_with_its_callback_url() -> None:
    rig = Rig()

    async def scenario() -> None:
        rig.boot_from_network(BLADE)
        await until(lambda: len(rig.ironic.heartbeats) >= 3)

    rig.run(scenario)

    agent_macs = rig.ironic.lookups[0][1]
    assert rig.ironic.lookups[0][0] == IRONIC
    assert len(rig.ironic.lookups) == 1  # the token is kept for the whole boot
    assert {h[:3] for h in rig.ironic.heartbeats} == {
        (NODE, f"{CALLBACK}/agents/{rig.id(BLADE)}", TOKEN)
    }
    assert agent_macs


def test_heartbeats_come_every_interval() -> None:
    rig = Rig(heartbeat_interval=0.05)

    async def scenario() -> None:
        rig.boot_from_network(BLADE)
        await until(lambda: len(rig.ironic.heartbeats) >= 5)

    rig.run(scenario)

    times = [h[3] for h in rig.ironic.heartbeats[:5]]
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert min(gaps) >= 0.04, gaps


def test_an_unusable_lookup_is_retried_with_backoff() -> None:
    rig = Rig(heartbeat_interval=0.01)
    rig.ironic.answer = Lookup(200, NODE, MASKED_TOKEN)  # another boot holds the token

    async def scenario() -> None:
        rig.boot_from_network(BLADE)
        await until(lambda: len(rig.ironic.lookups) >= 4)
        agent = rig.agents.agent(rig.id(BLADE))
        assert agent is not None and agent.token is None
        assert agent.delay > 0.01  # backing off
        assert "no usable token" in (agent.last_error or "")
        rig.ironic.answer = Lookup(200, NODE, TOKEN)
        await rig.found_node(BLADE)

    rig.run(scenario)

    assert rig.ironic.heartbeats


def test_a_refused_heartbeat_backs_off_and_keeps_the_token() -> None:
    rig = Rig(heartbeat_interval=0.01)
    rig.ironic.heartbeat_status = 400

    async def scenario() -> None:
        rig.boot_from_network(BLADE)
        await until(lambda: len(rig.ironic.heartbeats) >= 3)
        agent = rig.agents.agent(rig.id(BLADE))
        assert agent is not None and agent.token == TOKEN
        assert agent.last_error == "heartbeat: HTTP 400"
        assert agent.delay > 0.01

    rig.run(scenario)


def test_a_silent_agent_never_calls_ironic_until_it_may_speak() -> None:
    rig = Rig(heartbeat_interval=0.01)
    rig.agents.set_silent(rig.id(BLADE), True)

    async def scenario() -> None:
        rig.boot_from_network(BLADE)
        await asyncio.sleep(0.1)
        assert rig.ironic.lookups == []
        rig.agents.set_silent(rig.id(BLADE), False)
        await until(lambda: rig.ironic.heartbeats)

    rig.run(scenario)


def test_silent_agents_and_failures_can_be_set_by_flag() -> None:
    rig = Rig(
        silent=["some-server"],
        failures=[{"command": "write_image", "message": "disk on fire", "times": 2}],
    )
    assert rig.agents.silent == {"some-server"}
    assert rig.agents.failures.describe()[0]["times"] == 2


def test_what_was_written_survives_a_restart_through_the_state_file(tmp_path) -> None:
    def appliance() -> Appliance:
        config = SimulatorConfig(
            time_scale=0.0,
            state_file=tmp_path / "state.json",
            agents=AgentSettings(ironic_url=IRONIC),
        )
        return Appliance(config)

    first = appliance()
    server_uri = next(first.store.iter("server-hardware"))["uri"]
    image = Image("http://images/disk.raw", "sha256", "ab" * 32, 1024, None, "raw")
    written = disks.record_write(first.store, first.clock, server_uri, image, NODE)
    first.store.commit()
    first.close()

    second = appliance()

    assert disks.image_on(second.store, server_uri.rsplit("/", 1)[-1]) == written
    second.reset()
    assert disks.all_disks(second.store) == []
    second.close()
