"""Expand a ``Topology`` into the documents a real appliance would serve.

Documents come out in their canonical (newest API) shape, in creation order.
The build is a pure function of the topology: building twice gives equal
documents, which is how a reset gets a fresh datacenter without deep copies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from oneview_openstack.simulator.seed.catalog import CURRENT_TYPES
from oneview_openstack.simulator.seed.ids import Ids
from oneview_openstack.simulator.seed.topology import Topology

Doc = dict[str, Any]

# eTag formats seen on real appliances (see oneview-api.md §9.0).
_MILLIS_ETAGS = {"server-hardware", "server-hardware-types", "enclosure-groups"}
_REVISION_ETAGS = {"server-profiles", "server-profile-templates", "logical-interconnect-groups"}
_ISO_ETAGS = {"enclosures"}
_NO_SCOPES = {"connection-templates", "interconnects", "firmware-drivers"}

# Internal collection holding what GET /rest/server-hardware/{id}/localStorage returns.
LOCAL_STORAGE = "_local-storage"
FABRIC_ID = "7f6a7a6e-8c3a-4b0e-9a5e-0d3c1b2e6f41"


@dataclass
class Build:
    """The documents built so far, and the indexes later steps look things up in."""

    topology: Topology
    ids: Ids
    documents: list[Doc] = field(default_factory=list)
    by_name: dict[str, dict[str, Doc]] = field(default_factory=dict)
    _by_uri: dict[str, Doc] = field(default_factory=dict)

    def add(self, doc: Doc, collection: str) -> Doc:
        """Stamp ``doc`` as a member of ``collection`` and keep it."""
        iso, millis = self.ids.timestamp()
        doc["type"] = CURRENT_TYPES[collection]
        doc["category"] = collection
        doc["created"] = iso
        doc["modified"] = iso
        if collection in _MILLIS_ETAGS:
            doc["eTag"] = str(millis)
        elif collection in _REVISION_ETAGS:
            doc["eTag"] = f"{millis}/1"
        elif collection in _ISO_ETAGS:
            doc["eTag"] = iso
        else:
            doc["eTag"] = self.ids.uuid()
        if collection not in _NO_SCOPES:
            doc["scopesUri"] = f"/rest/scopes/resources{doc['uri']}"
        self.documents.append(doc)
        self._by_uri[doc["uri"]] = doc
        if doc.get("name") is not None:
            self.by_name.setdefault(collection, {})[doc["name"]] = doc
        return doc

    def add_internal(self, doc: Doc) -> None:
        self.documents.append(doc)

    def by_uri(self, uri: str) -> Doc:
        return self._by_uri[uri]

    def named(self, collection: str, name: str) -> Doc:
        return self.by_name[collection][name]

    def uri(self, collection: str, name: str | None) -> str | None:
        return None if name is None else self.named(collection, name)["uri"]


def build_documents(topology: Topology) -> list[Doc]:
    """Every document of the datacenter ``topology`` describes."""
    from oneview_openstack.simulator.seed import (
        build_compute,
        build_fabric,
        build_network,
        build_profiles,
    )

    build = Build(topology, Ids(topology.random_seed, topology.created))
    build_profiles.add_firmware(build)
    build_network.add_networks(build)
    build_network.add_interconnect_groups(build)
    build_compute.add_hardware_types(build)
    build_compute.add_enclosure_groups(build)
    for enclosure in topology.enclosures:
        build_compute.add_enclosure(build, enclosure)
    for server in topology.rack_servers:
        build_compute.add_rack_server(build, server)
    build_profiles.add_templates(build)
    build_profiles.add_profiles(build)
    build_fabric.add_fabric(build)
    return build.documents
