"""A server's sensor data in Ironic's format, from OneView's utilization and power settings.

Ironic's conductor sends each node's ``get_sensors_data`` as a ``hardware.<driver>.metrics``
notification (``[sensor_data] send_sensor_data``), which Ceilometer or
``ironic-prometheus-exporter`` read. The sensor types and keys here are those of Ironic's
``redfish`` management interface, so the exporter's redfish parser reads them as they are:

``Temperature``
    ``AmbientTemperature@<server id>``: the inlet temperature (``reading_celsius``,
    ``physical_context`` ``Intake``, ``max_reading_range_temp`` its capacity).
``Power``
    ``Power@<server id>``: ``last_power_output_watts`` (the average power of the newest
    five-minute sample) and ``power_capacity_watts`` (the calibrated maximum power).
``CPU``
    ``CPU@<server id>``: ``utilization_percent`` and ``average_frequency_mhz``.
``PowerLimits``
    ``PowerLimits@<server id>``: ``peak_power_watts``, ``power_cap_watts``,
    ``calibrated_max_power_watts``, ``idle_max_power_watts`` and ``power_cap_type``.
``Extra``
    ``Manufacturer``, ``Model``, ``UUID`` (the exporter makes them labels).

Every sensor carries ``health`` (the server's OneView ``status``: ``OK``, ``Warning`` or
``Critical``; left out when OneView reports none of these) and ``state`` ``enabled``. Readings
OneView has no sample for are left out, and a sensor without any reading too.

Values that change between samples are only in keys the exporter does not turn into labels
(``reading_celsius``, ``last_power_output_watts``) or in types it does not read (``CPU``,
``PowerLimits``), so its series stay stable.

Pure functions of OneView's documents: no request.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from oneview_openstack import client

MANUFACTURER = "HPE"
METRICS = (
    "AmbientTemperature",
    "AveragePower",
    "PeakPower",
    "PowerCap",
    "CpuUtilization",
    "CpuAverageFreq",
)
"""The utilization metrics read (``GET /rest/server-hardware/{id}/utilization?fields=``)."""
HEALTHS = (str(client.Status.OK), str(client.Status.WARNING), str(client.Status.CRITICAL))


def sensor_data(
    server: client.ServerHardware,
    utilization: Mapping[str, Any],
    environment: Mapping[str, Any],
) -> dict[str, dict[str, Any]]:
    """Ironic's sensor data of *server* from its ``utilization`` and
    ``environmentalConfiguration`` documents."""
    newest = newest_samples(utilization)
    capacity = capacities(utilization)
    common = _common(server)
    sensors: dict[str, dict[str, Any]] = {}

    def add(kind: str, name: str, readings: Mapping[str, Any]) -> None:
        present = {key: value for key, value in readings.items() if value is not None}
        if present:
            sensors.setdefault(kind, {})[f"{name}@{server.id}"] = {**present, **common}

    if newest.get("AmbientTemperature") is not None:
        add(
            "Temperature",
            "AmbientTemperature",
            {
                "identity": "AmbientTemperature",
                "physical_context": "Intake",
                "sensor_number": 1,
                "reading_celsius": newest["AmbientTemperature"],
                "max_reading_range_temp": capacity.get("AmbientTemperature"),
            },
        )
    if newest.get("AveragePower") is not None:
        add(
            "Power",
            "Power",
            {
                "last_power_output_watts": newest["AveragePower"],
                "power_capacity_watts": environment.get("calibratedMaxPower"),
            },
        )
    add(
        "CPU",
        "CPU",
        {
            "utilization_percent": newest.get("CpuUtilization"),
            "average_frequency_mhz": newest.get("CpuAverageFreq"),
        },
    )
    add(
        "PowerLimits",
        "PowerLimits",
        {
            "peak_power_watts": newest.get("PeakPower"),
            "power_cap_watts": newest.get("PowerCap"),
            "calibrated_max_power_watts": environment.get("calibratedMaxPower"),
            "idle_max_power_watts": environment.get("idleMaxPower"),
            "power_cap_type": environment.get("powerCapType"),
        },
    )
    sensors["Extra"] = {"Manufacturer": MANUFACTURER, "Model": server.model, "UUID": server.uuid}
    return sensors


def newest_samples(utilization: Mapping[str, Any]) -> dict[str, Any]:
    """Each metric's value in its newest sample that has one (``metricSamples`` are
    ``[epoch ms, value]`` pairs, in no order OneView promises)."""
    newest = {}
    for metric in utilization.get("metricList") or []:
        samples = [s for s in metric.get("metricSamples") or [] if len(s) == 2 and s[1] is not None]
        if samples:
            newest[str(metric.get("metricName"))] = max(samples, key=lambda s: s[0])[1]
    return newest


def capacities(utilization: Mapping[str, Any]) -> dict[str, Any]:
    """Each metric's ``metricCapacity`` (its maximum: 35 °C, the power cap, 100 %...)."""
    return {
        str(metric.get("metricName")): metric.get("metricCapacity")
        for metric in utilization.get("metricList") or []
    }


def _common(server: client.ServerHardware) -> dict[str, str]:
    status = server.get("status")
    return {"health": status, "state": "enabled"} if status in HEALTHS else {"state": "enabled"}
