"""Typed models over real appliance JSON: enums for states, ports, connections, tasks."""

import pytest

from oneview_openstack.client import (
    BootDevice,
    BootPriority,
    FunctionType,
    PowerState,
    ProfileConnection,
    ProfileState,
    ServerHardware,
    ServerHardwareState,
    ServerProfile,
    Status,
    Task,
    TaskState,
)
from oneview_openstack.client.constants import PowerControl, parse_enum
from oneview_openstack.client.resources.networks import NetworkSet, parse_vlan_range
from oneview_openstack.client.tasks import _task_failure
from oneview_openstack.client.versions import profile_from_wire

from .samples import sample


def test_server_hardware_fields_are_typed():
    server = ServerHardware(sample("ServerHardware.json"))
    assert server.power_state is PowerState.ON
    assert server.state is ServerHardwareState.PROFILE_APPLIED
    assert server.status is Status.OK
    assert server.uuid == server.id == server.uri.rsplit("/", 1)[1]
    assert server.enclosure_group_uri.startswith("/rest/enclosure-groups/")
    assert not server.is_rack_server
    assert server.mp_host_name == "172.18.6.23"
    assert server.memory_mb > 0 and server.processor_count > 0


def test_port_map_gives_port_ids_and_the_pxe_mac():
    server = ServerHardware(sample("ServerHardware.json"))
    ethernet = server.ethernet_ports
    assert ethernet, "the sample has Ethernet ports"
    first = ethernet[0]
    assert first.port_id == "Mezz 3:1"
    assert server.pxe_mac == first.virtual_ports[0].mac == "02:23:13:25:23:0B"
    assert server.mac_for_port_id("Mezz 3:1-a") == "02:23:13:25:23:0B"
    assert server.mac_for_port_id("Mezz 3:1") == "02:23:13:25:23:0A"
    assert server.mac_for_port_id("Mezz 9:9-z") is None


def test_rack_server_without_port_map():
    server = ServerHardware({"uri": "/rest/server-hardware/R1", "powerState": "Off"})
    assert server.is_rack_server
    assert server.ports == [] and server.pxe_mac is None


def test_unknown_wire_values_map_to_unknown_instead_of_failing():
    server = ServerHardware({"powerState": "Hibernating", "state": None})
    assert server.power_state is PowerState.UNKNOWN
    assert server.state is ServerHardwareState.UNKNOWN
    with pytest.raises(ValueError, match="PowerControl: unknown value 'Yank'; allowed: "):
        parse_enum(PowerControl, "Yank")


def test_profile_connections_are_views_that_edit_the_profile():
    profile = ServerProfile(profile_from_wire(sample("ServerProfile.json")))
    assert profile.state is ProfileState.NORMAL
    conn = profile.connections[0]
    assert conn.function_type is FunctionType.ETHERNET
    assert conn.boot_priority is BootPriority.NOT_BOOTABLE
    conn.boot_priority = BootPriority.PRIMARY
    assert profile.data["connectionSettings"]["connections"][0]["boot"]["priority"] == "Primary"
    added = profile.add_connection(
        ProfileConnection.new(name="NeutronPort[aa]", network_uri="/rest/ethernet-networks/n1")
    )
    assert [c.name for c in profile.connections] == [
        "production",
        "test_conn_using_network_set",
        "NeutronPort[aa]",
    ]
    assert added.port_id == "Auto"
    assert profile.remove_connections(lambda c: c.name.startswith("Neutron")) == 1
    assert [c.id for c in profile.connections] == [1, 2]


def test_boot_order_is_validated():
    profile = ServerProfile(profile_from_wire(sample("ServerProfile.json")))
    profile.boot_order = [BootDevice.PXE, "HardDisk"]
    assert profile.boot_order == ["PXE", "HardDisk"]
    with pytest.raises(ValueError, match="lists a device twice"):
        profile.boot_order = ["PXE", "PXE"]
    with pytest.raises(ValueError):
        profile.boot_order = ["Tape"]


def test_network_set_sample():
    network_set = NetworkSet(sample("NetworkSet.json"))
    assert len(network_set.network_uris) == 2
    assert network_set.etag == "00ada958-7eeb-4063-ad1e-ff8805a530fe"


def test_vlan_ranges():
    assert parse_vlan_range("1-3,15, 2") == [1, 2, 3, 15]
    assert parse_vlan_range([7, 5]) == [5, 7]
    with pytest.raises(ValueError, match="outside 1..4094"):
        parse_vlan_range("4090-4095")
    with pytest.raises(ValueError, match="VLAN id 999999999999 is outside 1..4094"):
        parse_vlan_range("1-999999999999")
    with pytest.raises(ValueError, match="'x' is not 'N' or 'N-M'"):
        parse_vlan_range("1,x")


TASK = {
    "type": "TaskResourceV2",
    "category": "tasks",
    "uri": "/rest/tasks/BA3C",
    "name": "Create",
    "taskState": "Error",
    "taskStatus": "Unable to create server profile: p1",
    "percentComplete": 100,
    "associatedResource": {
        "resourceUri": "/rest/server-profiles/9979",
        "resourceCategory": "server-profiles",
    },
    "taskErrors": [
        {
            "errorCode": "MacTypeDiffGlobalMacType",
            "message": "When macType is not user defined, mac type should be same.",
            "recommendedActions": ["Use Virtual."],
        }
    ],
}


def test_task_model_and_failure_message():
    task = Task.from_json(TASK)
    assert task.state is TaskState.ERROR and task.is_terminal and not task.is_success
    assert task.resource_uri == "/rest/server-profiles/9979"
    failure = _task_failure(task)
    assert failure.error_code == "MacTypeDiffGlobalMacType"
    assert failure.message == "When macType is not user defined, mac type should be same."
    assert failure.task is task
    assert str(failure) == (
        "task /rest/tasks/BA3C (Create on /rest/server-profiles/9979) ended in Error: "
        "MacTypeDiffGlobalMacType: When macType is not user defined, mac type should be same. "
        "Recommended: Use Virtual."
    )


@pytest.mark.parametrize("state", ["Completed", "Warning"])
def test_warning_counts_as_success(state):
    assert Task.from_json({**TASK, "taskState": state, "taskErrors": []}).is_success
