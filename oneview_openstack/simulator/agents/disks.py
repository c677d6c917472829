"""What the virtual agents wrote on each server's disk.

One internal document per server that an agent ever wrote or erased,
``/_disks/<server-id>``: kept in the state file with the rest of the appliance,
gone on ``/sim/reset`` (back to the seed's blank disks). ``image`` is what the
disk holds now (what a disk boot runs); ``history`` the last writes and erasures.
"""

from __future__ import annotations

from typing import Any

from oneview_openstack.simulator.agents.image import Image
from oneview_openstack.simulator.clock import Clock
from oneview_openstack.simulator.store import Store

COLLECTION = "_disks"
HISTORY = 20


def uri_of(server_id: str) -> str:
    return f"/{COLLECTION}/{server_id}"


def disk_of(store: Store, server_id: str) -> dict[str, Any] | None:
    return store.get(uri_of(server_id))


def image_on(store: Store, server_id: str) -> dict[str, Any] | None:
    """The image the server's disk holds now, if any."""
    disk = disk_of(store, server_id)
    return disk.get("image") if disk else None


def all_disks(store: Store) -> list[dict[str, Any]]:
    return store.members(COLLECTION)


def record_write(
    store: Store, clock: Clock, server_uri: str, image: Image, node_uuid: str | None
) -> dict[str, Any]:
    written = {**image.describe(), "written_at": clock.iso(), "node_uuid": node_uuid}
    _record(store, server_uri, {"image": written}, {"event": "write_image", **written})
    return written


def record_erase(store: Store, clock: Clock, server_uri: str, node_uuid: str | None) -> None:
    """``erase_devices_metadata``: partition tables gone, the disk no longer boots."""
    at = clock.iso()
    event = {"event": "erase_devices_metadata", "at": at, "node_uuid": node_uuid}
    _record(store, server_uri, {"image": None, "erased_at": at}, event)


def _record(store: Store, server_uri: str, changes: dict[str, Any], event: dict[str, Any]) -> None:
    uri = uri_of(server_uri.rsplit("/", 1)[-1])
    disk = store.get(uri) or {
        "uri": uri,
        "server": server_uri,
        "image": None,
        "erased_at": None,
        "history": [],
    }
    history = [*disk["history"], event][-HISTORY:]
    store.put_internal({**disk, **changes, "history": history})
