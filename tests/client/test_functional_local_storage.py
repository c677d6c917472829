"""Local storage and the one-time boot device of server hardware, read through the client."""

from __future__ import annotations

import pytest

from oneview_openstack.client import NotFound, OneTimeBoot, OneViewClient

pytestmark = pytest.mark.functional


def test_local_storage_lists_the_controllers_drives_and_boot_volume(client: OneViewClient):
    server = client.server_hardware.get_by_name("Frame1, bay 3")

    storage = client.server_hardware.local_storage(server)

    (controller,) = storage["data"]
    assert [drive["CapacityGB"] for drive in controller["PhysicalDrives"]] == [960, 960]
    (boot_volume,) = controller["LogicalDrives"]
    assert boot_volume["CapacityMiB"] == 960 * 1000**3 // 1024**2


def test_local_storage_of_an_unknown_server_is_not_found(client: OneViewClient):
    with pytest.raises(NotFound):
        client.server_hardware.local_storage("00000000-0000-0000-0000-000000000000")


def test_one_time_boot_reads_back_what_was_set(client: OneViewClient):
    server = client.server_hardware.get_by_name("Frame1, bay 2")
    assert server.one_time_boot == OneTimeBoot.NORMAL

    client.server_hardware.set_one_time_boot(server, OneTimeBoot.NETWORK)

    assert client.server_hardware.get(server).one_time_boot == OneTimeBoot.NETWORK


def test_bios_and_firmware_read_the_servers_current_settings_and_versions(
    client: OneViewClient,
):
    server = client.server_hardware.get_by_name("Frame1, bay 3")
    hardware_type = client.server_hardware_types.get(server.server_hardware_type_uri or "")
    known = {setting["id"] for setting in hardware_type.get("biosSettings") or []}

    bios = client.server_hardware.bios(server)
    firmware = client.server_hardware.firmware(server)

    assert bios["settings"] and {item["id"] for item in bios["settings"]} <= known
    names = {component["componentName"] for component in firmware["components"]}
    assert "System ROM" in names  # Ironic's "bios" component
    assert all(component["componentVersion"] for component in firmware["components"])


def test_bios_of_an_unknown_server_is_not_found(client: OneViewClient):
    with pytest.raises(NotFound):
        client.server_hardware.bios("00000000-0000-0000-0000-000000000000")
