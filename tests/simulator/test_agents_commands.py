"""The agents' command API as Ironic calls it, in process: tokens, busy, steps, write_image."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import io
import tarfile
import time
from collections.abc import Iterator
from typing import Any

import pytest

from oneview_openstack.testing.image_server import ImageServer

from .agent_support import BLADE, NODE, Rig, until

IMAGE = b"a whole-disk image\n" * 1000


@pytest.fixture
def images() -> Iterator[ImageServer]:
    with ImageServer(IMAGE) as server:
        yield server


def write_image_step(info: dict[str, Any]) -> dict[str, Any]:
    return {
        "step": {
            "interface": "deploy",
            "step": "write_image",
            "args": {"image_info": {"id": "img-1", "disk_format": "raw", **info}},
        },
        "node": {"uuid": NODE},
        "ports": [],
    }


CLEAN_STEP = {
    "step": {
        "step": "erase_devices_metadata",
        "priority": 99,
        "interface": "deploy",
        "reboot_requested": False,
        "abortable": True,
        "requires_ramdisk": True,
    },
    "node": {"uuid": NODE},
    "ports": [],
    "clean_version": {"SimulatedHardwareManager": "1.0"},
}


def test_a_wrong_or_missing_token_is_refused() -> None:
    rig = Rig()

    async def scenario() -> None:
        rig.boot_from_network(BLADE)
        await rig.found_node(BLADE)
        for token in ("wrong", ""):
            refused = await rig.command(BLADE, "clean.get_clean_steps", token=token)
            assert refused.status_code == 401
            assert refused.json() == {"faultcode": "Client", "faultstring": "Token invalid."}
        assert (await rig.commands(BLADE, token="wrong")).status_code == 401

    rig.run(scenario)


def test_no_agent_on_a_server_that_is_off_or_unknown() -> None:
    rig = Rig()

    async def scenario() -> None:
        off = await rig.command(BLADE, "clean.get_clean_steps")
        assert off.status_code == 404
        assert "not booted" in off.json()["faultstring"]
        unknown = await rig.listener_get("/agents/nope/v1/commands/")
        assert unknown.status_code == 404
        elsewhere = await rig.listener_get("/v1/commands/")
        assert elsewhere.status_code == 404

    rig.run(scenario)


def test_an_unknown_command_is_a_400() -> None:
    rig = Rig()

    async def scenario() -> None:
        rig.boot_from_network(BLADE)
        await rig.found_node(BLADE)
        answer = await rig.command(BLADE, "rescue.finalize_rescue")
        assert answer.status_code == 400
        assert answer.json()["faultstring"] == (
            "Invalid command: Unknown command: rescue.finalize_rescue"
        )
        assert (await rig.commands(BLADE)).json() == {"commands": []}

    rig.run(scenario)


def test_cleaning_get_steps_then_an_asynchronous_erase() -> None:
    rig = Rig(command_latency={"erase_devices_metadata": 0.1})

    async def scenario() -> None:
        rig.boot_from_network(BLADE)
        await rig.found_node(BLADE)
        steps = await rig.command(BLADE, "clean.get_clean_steps", {"node": {}}, wait=True)
        assert steps.status_code == 200
        result = steps.json()
        assert result["command_name"] == "get_clean_steps"
        assert result["command_status"] == "SUCCEEDED"
        manager = result["command_result"]["clean_steps"]["SimulatedHardwareManager"]
        assert [step["step"] for step in manager] == ["erase_devices_metadata"]
        assert result["command_result"]["hardware_manager_version"]

        heartbeats = len(rig.ironic.heartbeats)
        started = (await rig.command(BLADE, "clean.execute_clean_step", CLEAN_STEP)).json()
        assert started["command_status"] == "RUNNING"

        busy = await rig.command(BLADE, "clean.get_clean_steps")
        assert busy.status_code == 409
        assert "Agent is busy" in busy.json()["faultstring"]

        commands = await until(lambda: _finished(rig))
        assert [c["command_name"] for c in commands] == ["get_clean_steps", "execute_clean_step"]
        done = commands[-1]
        assert done["id"] == started["id"]
        assert done["command_status"] == "SUCCEEDED"
        assert done["command_result"] == {"clean_result": None, "clean_step": CLEAN_STEP["step"]}
        # a heartbeat at once, not an interval later
        await until(lambda: len(rig.ironic.heartbeats) > heartbeats, timeout=0.5)

    rig.run(scenario)
    history = rig.seen(BLADE)["disk"]["history"]
    assert [(e["event"], e["node_uuid"]) for e in history] == [("erase_devices_metadata", NODE)]


def _finished(rig: Rig) -> list[dict[str, Any]] | None:
    agent = rig.agents.agent(rig.id(BLADE))
    if agent is None or agent.running() is not None:
        return None
    return [command.describe() for command in agent.commands]


def test_write_image_downloads_and_verifies_the_hash(images: ImageServer) -> None:
    rig = Rig()
    info = {"urls": [images.url], "os_hash_algo": "sha256", "os_hash_value": images.sha256}

    async def scenario() -> None:
        rig.boot_from_network(BLADE)
        await rig.found_node(BLADE)
        step = write_image_step(info)
        answer = await rig.command(BLADE, "deploy.execute_deploy_step", step, wait=True)
        result = answer.json()
        assert result["command_status"] == "SUCCEEDED", result
        assert result["command_result"] == {"deploy_result": None, "deploy_step": step["step"]}

    rig.run(scenario)
    written = rig.seen(BLADE)["disk"]["image"]
    assert written["url"] == images.url
    assert (written["os_hash_algo"], written["os_hash_value"]) == ("sha256", images.sha256)
    assert written["size"] == len(IMAGE)
    assert (written["image_id"], written["disk_format"], written["node_uuid"]) == (
        "img-1",
        "raw",
        NODE,
    )
    assert written["written_at"]


def test_a_legacy_md5_checksum_is_verified_too(images: ImageServer) -> None:
    rig = Rig()
    info = {"urls": [images.url], "checksum": hashlib.md5(IMAGE).hexdigest()}  # noqa: S324

    async def scenario() -> None:
        rig.boot_from_network(BLADE)
        await rig.found_node(BLADE)
        step = write_image_step(info)
        answer = await rig.command(BLADE, "deploy.execute_deploy_step", step, wait=True)
        assert answer.json()["command_status"] == "SUCCEEDED"

    rig.run(scenario)
    assert rig.seen(BLADE)["disk"]["image"]["os_hash_algo"] == "md5"


def test_a_hash_mismatch_fails_the_step_naming_both_hashes(images: ImageServer) -> None:
    rig = Rig()
    wrong = "f" * 128
    info = {"urls": [images.url], "os_hash_algo": "sha512", "os_hash_value": wrong}

    async def scenario() -> None:
        rig.boot_from_network(BLADE)
        await rig.found_node(BLADE)
        step = write_image_step(info)
        answer = await rig.command(BLADE, "deploy.execute_deploy_step", step, wait=True)
        result = answer.json()
        assert result["command_status"] == "FAILED"
        details = result["command_error"]["details"]
        actual = hashlib.sha512(IMAGE).hexdigest()
        assert f"expected {wrong}, actual {actual}" in details
        assert result["command_error"]["type"] == "ImageChecksumError"

    rig.run(scenario)
    assert rig.seen(BLADE)["disk"] is None


def test_an_unreachable_image_fails_the_step() -> None:
    rig = Rig()
    info = {"urls": ["http://127.0.0.1:9/nothing"], "os_hash_algo": "sha256", "os_hash_value": "0"}

    async def scenario() -> None:
        rig.boot_from_network(BLADE)
        await rig.found_node(BLADE)
        step = write_image_step(info)
        answer = await rig.command(BLADE, "deploy.execute_deploy_step", step, wait=True)
        error = answer.json()["command_error"]
        assert error["type"] == "ImageDownloadError"
        assert "Image download from http://127.0.0.1:9/nothing failed" in error["details"]

    rig.run(scenario)


def test_deploy_tail_commands_answer_as_ironic_expects() -> None:
    rig = Rig()

    async def scenario() -> None:
        rig.boot_from_network(BLADE)
        await rig.found_node(BLADE)
        steps = (await rig.command(BLADE, "deploy.get_deploy_steps", wait=True)).json()
        manager = steps["command_result"]["deploy_steps"]["SimulatedHardwareManager"]
        assert [step["step"] for step in manager] == ["write_image"]
        uuids = (await rig.command(BLADE, "standby.get_partition_uuids", wait=True)).json()
        assert uuids["command_result"] == {"root uuid": None}
        bootloader = (
            await rig.command(BLADE, "image.install_bootloader", {"root_uuid": None})
        ).json()
        assert bootloader["command_name"] == "install_bootloader"
        await until(lambda: _finished(rig))
        synced = (await rig.command(BLADE, "standby.sync", wait=True)).json()
        assert synced["command_status"] == "SUCCEEDED"
        logs = (await rig.command(BLADE, "log.collect_system_logs", wait=True)).json()
        archive = base64.b64decode(logs["command_result"]["system_logs"])
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            journal = tar.extractfile("journal")
            assert journal is not None
            assert b"image.install_bootloader SUCCEEDED" in journal.read()
        listed = (await rig.commands(BLADE)).json()["commands"]
        assert [c["command_name"] for c in listed] == [
            "get_deploy_steps",
            "get_partition_uuids",
            "install_bootloader",
            "sync",
            "collect_system_logs",
        ]

    rig.run(scenario)


def test_power_off_turns_the_server_off_through_the_power_state() -> None:
    rig = Rig()

    async def scenario() -> None:
        rig.boot_from_network(BLADE)
        await rig.found_node(BLADE)
        answer = await rig.command(BLADE, "standby.power_off")
        assert answer.status_code == 200
        await until(lambda: rig.server(BLADE)["powerState"] == "Off")
        assert rig.agents.agent(rig.id(BLADE)) is None  # and the agent died with it

    rig.run(scenario)


def test_injected_failures_hit_the_next_runs_then_stop() -> None:
    rig = Rig()
    rig.agents.failures.add(
        {"command": "standby.get_partition_uuids", "message": "no disk", "times": 2}
    )

    async def scenario() -> None:
        rig.boot_from_network(BLADE)
        await rig.found_node(BLADE)
        statuses = []
        for _ in range(3):
            result = (await rig.command(BLADE, "standby.get_partition_uuids", wait=True)).json()
            statuses.append(result["command_status"])
        assert statuses == ["FAILED", "FAILED", "SUCCEEDED"]
        failed = (await rig.commands(BLADE)).json()["commands"][0]
        assert failed["command_error"]["details"] == "no disk"

    rig.run(scenario)
    assert rig.agents.failures.describe() == []


def test_a_step_failure_for_one_server_leaves_the_others_alone(images: ImageServer) -> None:
    rig = Rig()
    rig.agents.failures.add({"command": "write_image", "message": "disk full", "server": "other"})
    info = {"urls": [images.url], "os_hash_algo": "sha256", "os_hash_value": images.sha256}

    async def scenario() -> None:
        rig.boot_from_network(BLADE)
        await rig.found_node(BLADE)
        step = write_image_step(info)
        answer = await rig.command(BLADE, "deploy.execute_deploy_step", step, wait=True)
        assert answer.json()["command_status"] == "SUCCEEDED"
        rig.agents.failures.add({"command": "write_image", "message": "disk full"})
        answer = await rig.command(BLADE, "deploy.execute_deploy_step", step, wait=True)
        assert answer.json()["command_error"]["details"] == "disk full"

    rig.run(scenario)


def test_latency_makes_a_synchronous_command_slow_and_the_agent_busy() -> None:
    rig = Rig(command_latency={"*": 0.2})

    async def scenario() -> None:
        rig.boot_from_network(BLADE)
        await rig.found_node(BLADE)
        started = time.monotonic()
        slow = asyncio.create_task(rig.command(BLADE, "standby.sync", wait=True))
        await asyncio.sleep(0.05)
        busy = await rig.command(BLADE, "standby.sync")
        assert busy.status_code == 409
        assert (await slow).json()["command_status"] == "SUCCEEDED"
        assert time.monotonic() - started >= 0.2

    rig.run(scenario)


def test_an_unknown_step_fails() -> None:
    rig = Rig()

    async def scenario() -> None:
        rig.boot_from_network(BLADE)
        await rig.found_node(BLADE)
        step = {"step": {"step": "apply_configuration", "interface": "raid"}}
        answer = await rig.command(BLADE, "clean.execute_clean_step", step, wait=True)
        error = answer.json()["command_error"]
        assert "no step 'apply_configuration'" in error["details"]

    rig.run(scenario)
