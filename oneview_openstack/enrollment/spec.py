"""The node and ports a server should be in Ironic: :class:`NodeSpec`, :class:`PortSpec`.

A node is described as the ``oneview`` hardware type's inspection would describe it
(:mod:`oneview_openstack.ironic_driver.facts`), so an enrolled node is schedulable before
anyone inspects it, and inspecting it later changes nothing:

- its UUID is the server hardware's (stable across runs: the key that makes enrollment
  idempotent, and what OneView, Ironic and Nova then all call the machine);
- its name is the server's, made legal for Ironic (``Frame1, bay 3`` -> ``frame1-bay-3``);
- ``properties``: ``cpus``, ``memory_mb``, ``local_gb``, ``cpu_arch`` and the capabilities
  (hardware type, enclosure group, template, firmware baseline, boot mode);
- ``resource_class``: one per hardware configuration (:func:`resource_class`), the name a
  Nova flavor asks for (``resources:CUSTOM_<CLASS>=1``);
- traits: ``CUSTOM_OV_SHT_*``, ``CUSTOM_OV_EG_*``, ``CUSTOM_OV_SPT_*``, ``CUSTOM_OV_FIRMWARE_*``;
- one port per chosen NIC (:mod:`oneview_openstack.ironic_driver.nics`), the boot NIC
  ``pxe_enabled``, with ``local_link_connection`` (the interconnect's MAC and downlink) and
  ``physical_network`` when given.
"""

from __future__ import annotations

import dataclasses
import re
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from oneview_openstack import client
from oneview_openstack.enrollment.catalog import TemplateBundle
from oneview_openstack.enrollment.errors import EnrollmentError
from oneview_openstack.ironic_driver import facts, nics

DRIVER = "oneview"
SERVER_HARDWARE = "server_hardware_uri"
TEMPLATE = facts.TEMPLATE
ONEVIEW_PORT_ID = "oneview_port_id"
MAX_RESOURCE_CLASS = 80  # Ironic's limit
MAX_NAME = 255
_NAME_UNSAFE = re.compile(r"[^a-z0-9._~-]+")
_CLASS_UNSAFE = re.compile(r"[^a-z0-9]+")
MIB_PER_GIB = 1024
# Interfaces an operator may choose per node (``--<family>-interface``).
INTERFACE_FAMILIES = (
    "bios", "boot", "console", "deploy", "firmware", "inspect", "management",
    "network", "power", "raid", "rescue", "storage", "vendor",
)  # fmt: skip


@dataclasses.dataclass(frozen=True)
class NodeOptions:
    """What the operator chose for the nodes being created.

    :param resource_class: one class for every node; ``None``: :func:`resource_class` of each.
    :param traits: traits added to the ``CUSTOM_OV_*`` ones.
    :param driver_info: extra ``driver_info`` (``deploy_kernel``, ``deploy_ramdisk``, ...).
    :param interfaces: ``{family: name}``, e.g. ``{"deploy": "oneview-direct"}``.
    :param nics: OneView port ids (``Mezz 3:1-a``) to make ports of; ``None``: every NIC the
        template connects (or function ``a`` of each Ethernet port without connections).
    :param boot_nic_only: only the NIC the server PXE-boots from.
    :param physical_network: ``physical_network`` of every port.
    :param local_gb: the root disk size; ``None``: read from each server's local storage.
    :param conductor_group: Ironic conductor group of the nodes.
    """

    resource_class: str | None = None
    traits: tuple[str, ...] = ()
    driver_info: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    interfaces: Mapping[str, str] = dataclasses.field(default_factory=dict)
    nics: tuple[str, ...] | None = None
    boot_nic_only: bool = False
    physical_network: str | None = None
    local_gb: int | None = None
    conductor_group: str | None = None

    def __post_init__(self) -> None:
        for family in self.interfaces:
            if family not in INTERFACE_FAMILIES:
                raise EnrollmentError(
                    f"interface family {family!r} is unknown; allowed: "
                    + ", ".join(INTERFACE_FAMILIES)
                )
        if self.local_gb is not None and self.local_gb < 0:
            raise EnrollmentError(f"local_gb {self.local_gb} is negative; allowed: 0 or more")
        if self.resource_class is not None:
            check_resource_class(self.resource_class)

    @property
    def reads_storage(self) -> bool:
        return self.local_gb is None


@dataclasses.dataclass(frozen=True)
class PortSpec:
    """One Ironic port: a NIC of the server."""

    address: str
    oneview_port_id: str
    pxe_enabled: bool
    local_link_connection: Mapping[str, str]
    physical_network: str | None

    def body(self, node_uuid: str) -> dict[str, Any]:
        """The ``POST /v1/ports`` body."""
        body: dict[str, Any] = {
            "node_uuid": node_uuid,
            "address": self.address,
            "pxe_enabled": self.pxe_enabled,
            "extra": {ONEVIEW_PORT_ID: self.oneview_port_id},
        }
        if self.local_link_connection:
            body["local_link_connection"] = dict(self.local_link_connection)
        if self.physical_network:
            body["physical_network"] = self.physical_network
        return body


@dataclasses.dataclass(frozen=True)
class NodeSpec:
    """One Ironic node of the ``oneview`` hardware type, with its traits and ports."""

    uuid: str
    name: str
    server_uri: str
    server_name: str
    resource_class: str
    properties: Mapping[str, Any]
    driver_info: Mapping[str, Any]
    traits: tuple[str, ...]
    ports: tuple[PortSpec, ...]
    interfaces: Mapping[str, str] = dataclasses.field(default_factory=dict)
    conductor_group: str | None = None

    def body(self) -> dict[str, Any]:
        """The ``POST /v1/nodes`` body (the node starts in ``enroll``)."""
        body: dict[str, Any] = {
            "uuid": self.uuid,
            "name": self.name,
            "driver": DRIVER,
            "resource_class": self.resource_class,
            "properties": dict(self.properties),
            "driver_info": dict(self.driver_info),
        }
        body.update({f"{family}_interface": name for family, name in self.interfaces.items()})
        if self.conductor_group:
            body["conductor_group"] = self.conductor_group
        return body


def node_spec(
    server: client.ServerHardware,
    bundle: TemplateBundle,
    *,
    storage: Mapping[str, Any] | None,
    interconnects: Mapping[str, client.Interconnect],
    options: NodeOptions,
) -> NodeSpec:
    """The node *server* should be, made from *bundle*'s template."""
    found = bundle.facts(server, dict(storage) if storage is not None else None)
    local_gb = options.local_gb if options.local_gb is not None else facts.local_gb(found.storage)
    arch = facts.cpu_arch(server)
    if not arch or server.memory_mb <= 0:
        raise EnrollmentError(
            f"server hardware {server.name!r} reports processorType "
            f"{server.get('processorType')!r} and memoryMb {server.get('memoryMb')!r}; an Intel "
            "or AMD processor and a positive memory size are needed"
        )
    properties: dict[str, Any] = {
        "cpus": facts.cpus(server),
        "memory_mb": server.memory_mb,
        "local_gb": local_gb,
        "cpu_arch": arch,
        "capabilities": facts.format_capabilities(facts.capabilities(found)),
    }
    return NodeSpec(
        uuid=node_uuid(server),
        name=node_name(server),
        server_uri=server.uri.rstrip("/"),
        server_name=server.name or server.uri,
        resource_class=options.resource_class or resource_class(bundle, server, local_gb),
        properties=properties,
        driver_info={
            **options.driver_info,
            SERVER_HARDWARE: server.uri.rstrip("/"),
            TEMPLATE: bundle.template.uri,
        },
        traits=tuple(sorted(facts.traits(found) | set(options.traits))),
        ports=port_specs(server, bundle.template, interconnects=interconnects, options=options),
        interfaces=dict(options.interfaces),
        conductor_group=options.conductor_group,
    )


def port_specs(
    server: client.ServerHardware,
    template: client.ServerProfileTemplate | None,
    *,
    interconnects: Mapping[str, client.Interconnect],
    options: NodeOptions,
) -> tuple[PortSpec, ...]:
    """The ports of the NICs the operator chose (see :class:`NodeOptions`)."""
    found = nics.nics(server, template)
    if options.nics is not None:
        found = choose_nics(server, found, options.nics)
    if options.boot_nic_only:
        found = [nic for nic in found if nic.pxe]
    return tuple(
        PortSpec(
            address=nic.mac,
            oneview_port_id=nic.port_id,
            pxe_enabled=nic.pxe,
            local_link_connection=local_link_connection(server, nic.port_id, interconnects),
            physical_network=options.physical_network,
        )
        for nic in found
    )


def choose_nics(
    server: client.ServerHardware, known: Sequence[nics.Nic], wanted: Sequence[str]
) -> list[nics.Nic]:
    """The NICs named by OneView port id (``Mezz 3:1-a``) or MAC, in the order given."""
    chosen = []
    for name in wanted:
        nic = _find_nic(server, known, name)
        if nic is None:
            allowed = ", ".join(f"{n.port_id} ({n.mac})" for n in known) or "none known"
            raise EnrollmentError(
                f"server hardware {server.name!r} has no NIC {name!r}; allowed: {allowed}, or "
                "any other port id or MAC of its portMap"
            )
        chosen.append(nic)
    return chosen


def _find_nic(
    server: client.ServerHardware, known: Sequence[nics.Nic], name: str
) -> nics.Nic | None:
    for nic in known:
        if name in (nic.port_id, nic.mac) or name.lower() == nic.mac:
            return nic
    mac = server.mac_for_port_id(name)
    if mac:  # a port the template does not connect, e.g. "Mezz 3:2-b"
        return nics.Nic(mac.lower(), name, pxe=False)
    return None


def local_link_connection(
    server: client.ServerHardware, port_id: str, interconnects: Mapping[str, client.Interconnect]
) -> dict[str, str]:
    """The interconnect a NIC plugs into: its MAC, the downlink and its name (if known)."""
    for port in server.ports:
        names = {port.port_id} | {
            port.function_port_id(f.port_function) for f in port.virtual_ports
        }
        if port_id not in names or not port.interconnect_uri:
            continue
        interconnect = interconnects.get(port.interconnect_uri.rstrip("/"))
        if interconnect is None or not interconnect.mac or port.interconnect_port is None:
            return {}
        return {
            "switch_id": interconnect.mac.lower(),
            "port_id": client.Interconnect.downlink_port_name(port.interconnect_port),
            "switch_info": interconnect.name or interconnect.uri,
        }
    return {}


def node_uuid(server: client.ServerHardware) -> str:
    """The server hardware's UUID (its SMBIOS UUID), else one derived from its URI."""
    try:
        return str(uuid.UUID(str(server.get("uuid") or ""))).lower()
    except ValueError:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, server.uri.rstrip("/").lower()))


def node_name(server: client.ServerHardware) -> str:
    """The server's name in Ironic's alphabet (letters, digits, ``. _ ~ -``), lower case."""
    raw = (server.name or server.uuid).lower()
    name = _NAME_UNSAFE.sub("-", raw).strip("-.")
    return name[:MAX_NAME] or node_uuid(server)


def resource_class(bundle: TemplateBundle, server: client.ServerHardware, local_gb: int) -> str:
    """One class per hardware configuration: ``ov-<type>-<cpus>c-<memory>g-<disk>g``.

    E.g. ``ov-sy-480-gen10-28c-256g-479g`` (Nova: ``CUSTOM_OV_SY_480_GEN10_28C_256G_479G``).
    The enclosure group and firmware are traits, not part of the class.
    """
    model = _CLASS_UNSAFE.sub("-", (bundle.hardware_type.name or "server").lower()).strip("-")
    memory_gib = server.memory_mb // MIB_PER_GIB
    suffix = f"-{facts.cpus(server)}c-{memory_gib}g-{local_gb}g"
    return f"ov-{model}"[: MAX_RESOURCE_CLASS - len(suffix)] + suffix


def check_resource_class(name: str) -> None:
    if not name or len(name) > MAX_RESOURCE_CLASS or not re.fullmatch(r"[A-Za-z0-9._-]+", name):
        raise EnrollmentError(
            f"resource class {name!r} is invalid; allowed: 1 to {MAX_RESOURCE_CLASS} letters, "
            "digits, '.', '_' or '-'"
        )
