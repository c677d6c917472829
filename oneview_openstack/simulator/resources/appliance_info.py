"""Appliance-wide endpoints: /rest/version, /rest/appliance/nodeinfo/*, .../health-status."""

from __future__ import annotations

from typing import Any

from oneview_openstack.simulator.router import Access, Blueprint, Ctx, Reply

bp = Blueprint()

# OneView release per X-API-Version (oneview-api.md §4), ascending.
RELEASES = [
    (120, "1.20"),
    (200, "2.00"),
    (300, "3.00"),
    (500, "3.10"),
    (600, "4.00"),
    (800, "4.10"),
    (1000, "4.20"),
    (1200, "5.00"),
    (1600, "5.20"),
    (1800, "5.30"),
    (2000, "5.40"),
    (2200, "5.50"),
    (2400, "5.60"),
    (2600, "6.00"),
    (2800, "6.10"),
    (3000, "6.20"),
    (3200, "6.30"),
    (3400, "6.40"),
    (3600, "6.50"),
    (3800, "6.60"),
    (4000, "7.00"),
    (4200, "7.10"),
    (4400, "7.20"),
    (4600, "8.00"),
    (4800, "8.10"),
    (5000, "8.20"),
    (5200, "8.30"),
    (5400, "8.40"),
    (5600, "8.50"),
    (5800, "8.60"),
    (6000, "8.70"),
    (6200, "8.80"),
    (6400, "8.90"),
    (6600, "9.00"),
    (7600, "10.00"),
    (8200, "11.00"),
]
BUILD = "0471263"
APPLIANCE_UUID = "b08eb206-a904-46cf-9172-dcdff2fa9639"


def release_of(api_version: int) -> str:
    """The OneView release that serves ``api_version`` as its current version."""
    chosen = RELEASES[0][1]
    for since, release in RELEASES:
        if api_version >= since:
            chosen = release
    return chosen


@bp.get("/rest/version", Access.PUBLIC)
def get_version(ctx: Ctx) -> Reply:
    """API versions the appliance accepts."""
    config = ctx.appliance.config
    return Reply(
        200,
        {"currentVersion": config.api_version, "minimumVersion": config.minimum_api_version},
    )


@bp.get("/rest/appliance/nodeinfo/version", Access.PUBLIC)
def get_node_version(ctx: Ctx) -> Reply:
    """The appliance software version (HPE's own tools read it before logging in)."""
    major, minor = release_of(ctx.appliance.config.api_version).split(".")
    return Reply(200, _node_version(major, minor))


def _node_version(major: str, minor: str) -> dict[str, Any]:
    return {
        "category": "appliance",
        "type": "NodeVersionDto4",
        "uri": "/rest/appliance/nodeinfo/version",
        "softwareVersion": f"{major}.{minor}.00-{BUILD}",
        "major": major,
        "minor": minor,
        "revision": "00",
        "build": BUILD,
        "date": "2024-03-04T08:00:00+0000",
        "family": "HPE OneView VM",
        "modelNumber": "HPE OneView - Simulator",
        "platformType": "hardware",
        "serialNumber": "SIMULATOR-0001",
        "uuid": APPLIANCE_UUID,
        "compatibility": f"{major}.{minor}",
        "eTag": "",
        "created": "",
        "modified": "",
    }


@bp.get("/rest/appliance/nodeinfo/status")
def get_node_status(ctx: Ctx) -> Reply:
    """Whether the appliance node is up, and the address it answers on."""
    return Reply(200, {"state": "OK", "usingAddr": ctx.appliance.config.host})


@bp.get("/rest/appliance/health-status")
def get_health_status(ctx: Ctx) -> Reply:
    """Memory, CPU and disk headroom of the appliance VM."""
    members = [
        _health("MEMORY", "SUFFICIENT_MEMORY", "32768 MB ", "12288 MB"),
        _health("CPU", "SUFFICIENT_VCPUS", "8", "8"),
        _health("DISK", "SUFFICIENT_DISK_SPACE", "500 GB", "310.42 GB"),
    ]
    return Reply(
        200,
        {
            "type": "ApplianceHealthStatus",
            "category": "appliance",
            "uri": "/rest/appliance/health-status?start=0&count=3",
            "start": 0,
            "count": len(members),
            "total": len(members),
            "prevPageUri": "",
            "nextPageUri": "",
            "members": members,
            "eTag": "",
            "created": "",
            "modified": "",
        },
    )


def _health(resource: str, message: str, capacity: str, available: str) -> dict[str, str]:
    return {
        "resourceType": resource,
        "resourceId": "VIRTUAL",
        "severity": "INFO",
        "statusMessage": message,
        "capacity": capacity,
        "available": available,
    }
