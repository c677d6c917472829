"""Sensor data and secure boot support computed from OneView's documents (shapes of real
appliance answers: a Synergy 480 Gen9 and its utilization as OneView 3.10 returns them)."""

from __future__ import annotations

from oneview_openstack import client
from oneview_openstack.ironic_driver import sensors
from oneview_openstack.ironic_driver.management import supports_secure_boot

SERVER = {
    "uri": "/rest/server-hardware/30303437-3034-4D32-3230-313133364752",
    "uuid": "30303437-3034-4D32-3230-313133364752",
    "model": "Synergy 480 Gen9 Compute Module",
    "status": "Warning",
}
UTILIZATION = {
    "metricList": [
        {
            "metricName": "AmbientTemperature",
            "metricSamples": [[1505771700000, 21], [1505772000000, 20], [1505771400000, 23]],
            "metricCapacity": 35,
        },
        {"metricName": "AveragePower", "metricSamples": [[1505772000000, None]]},
    ],
    "resolution": 300000,
}
ENVIRONMENT = {"calibratedMaxPower": 494, "idleMaxPower": 198, "powerCapType": "PowerCap"}
SERVER_ID = "30303437-3034-4D32-3230-313133364752"


def hardware_type(model: str, boot_modes: list[str]) -> client.ServerHardwareType:
    return client.ServerHardwareType({"uri": "/rest/server-hardware-types/1", "model": model,
                                      "bootModes": boot_modes})  # fmt: skip


def test_the_newest_sample_is_the_reading_whatever_the_order_oneview_gives() -> None:
    data = sensors.sensor_data(client.ServerHardware(SERVER), UTILIZATION, ENVIRONMENT)

    temperature = data["Temperature"][f"AmbientTemperature@{SERVER_ID}"]
    assert temperature["reading_celsius"] == 20
    assert temperature["max_reading_range_temp"] == 35


def test_every_sensor_carries_the_servers_health_for_the_exporter() -> None:
    data = sensors.sensor_data(client.ServerHardware(SERVER), UTILIZATION, ENVIRONMENT)

    healths = {s["health"] for kind in ("Temperature", "PowerLimits") for s in data[kind].values()}
    assert healths == {"Warning"}
    assert data["Extra"] == {
        "Manufacturer": "HPE",
        "Model": "Synergy 480 Gen9 Compute Module",
        "UUID": SERVER_ID,
    }


def test_readings_without_a_sample_are_left_out() -> None:
    data = sensors.sensor_data(client.ServerHardware(SERVER), UTILIZATION, ENVIRONMENT)

    assert "Power" not in data  # AveragePower has no value in its only sample
    assert "CPU" not in data
    assert data["PowerLimits"][f"PowerLimits@{SERVER_ID}"] == {
        "calibrated_max_power_watts": 494,
        "idle_max_power_watts": 198,
        "power_cap_type": "PowerCap",
        "health": "Warning",
        "state": "enabled",
    }


def test_an_unknown_status_is_no_health() -> None:
    server = client.ServerHardware({**SERVER, "status": "Unknown"})

    data = sensors.sensor_data(server, UTILIZATION, ENVIRONMENT)

    assert "health" not in data["Temperature"][f"AmbientTemperature@{SERVER_ID}"]


def test_secure_boot_is_managed_on_gen10_types_with_uefi_optimized_only() -> None:
    modes = ["BIOS", "UEFIOptimized", "UEFI"]

    assert supports_secure_boot(hardware_type("Synergy 480 Gen10 Compute Module", modes))
    assert supports_secure_boot(hardware_type("ProLiant DL360 Gen11", modes))
    assert not supports_secure_boot(hardware_type("Synergy 480 Gen9 Compute Module", modes))
    assert not supports_secure_boot(hardware_type("Synergy 480 Gen10 Compute Module", ["BIOS"]))
