"""Server hardware and server hardware types."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from oneview_openstack.client.constants import (
    OneTimeBoot,
    PowerControl,
    PowerState,
    RefreshState,
    ServerHardwareState,
    parse_enum,
)
from oneview_openstack.client.resources.base import Ref, Resource, ResourceManager
from oneview_openstack.client.tasks import Task
from oneview_openstack.client.transport import JSON_PATCH


@dataclass(frozen=True)
class VirtualPort:
    """A FlexNIC function of a physical port (``portFunction`` a..h)."""

    port_function: str
    port_number: int | None
    mac: str | None


@dataclass(frozen=True)
class PhysicalPort:
    """A port of an adapter, from the server's ``portMap``."""

    location: str
    slot_number: int | None
    port_number: int | None
    type: str
    mac: str | None
    interconnect_uri: str | None
    virtual_ports: tuple[VirtualPort, ...]
    interconnect_port: int | None = None
    """The interconnect's downlink number this port plugs into (the device bay on Synergy)."""

    @property
    def port_id(self) -> str:
        """The profile ``portId`` of the physical port, e.g. ``Mezz 3:1``."""
        return f"{self.location} {self.slot_number}:{self.port_number}"

    def function_port_id(self, function: str) -> str:
        """The profile ``portId`` of one function, e.g. ``Mezz 3:1-a``."""
        return f"{self.port_id}-{function}"


class ServerHardware(Resource):
    """A physical server (blade or rack server)."""

    category = "server-hardware"

    @property
    def power_state(self) -> PowerState:
        return parse_enum(PowerState, self.data.get("powerState"))

    @property
    def power_lock(self) -> bool:
        """True while OneView refuses power operations (profile being applied/removed)."""
        return bool(self.data.get("powerLock"))

    @property
    def state(self) -> ServerHardwareState:
        return parse_enum(ServerHardwareState, self.data.get("state"))

    @property
    def refresh_state(self) -> RefreshState:
        return parse_enum(RefreshState, self.data.get("refreshState"))

    @property
    def server_profile_uri(self) -> str | None:
        return self.data.get("serverProfileUri") or None

    @property
    def server_hardware_type_uri(self) -> str | None:
        return self.data.get("serverHardwareTypeUri") or None

    @property
    def enclosure_group_uri(self) -> str | None:
        """``serverGroupUri``: the enclosure group of a blade (None for rack servers)."""
        return self.data.get("serverGroupUri") or None

    @property
    def enclosure_uri(self) -> str | None:
        """``locationUri``: the enclosure of a blade (None for rack servers)."""
        return self.data.get("locationUri") or None

    @property
    def is_rack_server(self) -> bool:
        return self.enclosure_uri is None

    @property
    def position(self) -> int | None:
        return self.data.get("position")

    @property
    def model(self) -> str | None:
        return self.data.get("model")

    @property
    def serial_number(self) -> str | None:
        return self.data.get("serialNumber")

    @property
    def processor_count(self) -> int:
        return int(self.data.get("processorCount") or 0)

    @property
    def processor_core_count(self) -> int:
        return int(self.data.get("processorCoreCount") or 0)

    @property
    def memory_mb(self) -> int:
        return int(self.data.get("memoryMb") or 0)

    @property
    def uid_state(self) -> str | None:
        """``On``, ``Off`` or ``Blink``: the server's UID (locator) light."""
        return self.data.get("uidState")

    @property
    def maintenance_mode(self) -> bool:
        return bool(self.data.get("maintenanceMode"))

    @property
    def one_time_boot(self) -> str | None:
        """The pending one-time boot device (a :class:`OneTimeBoot` value; ``Normal``: none)."""
        value = self.data.get("oneTimeBoot")
        return str(value) if value else None

    @property
    def mp_host_name(self) -> str | None:
        """The management processor (iLO) address."""
        info = self.data.get("mpHostInfo") or {}
        return info.get("mpHostName") or self.data.get("mpIpAddress") or None

    @property
    def ports(self) -> list[PhysicalPort]:
        """Every physical port of the ``portMap`` (empty for rack servers)."""
        slots = (self.data.get("portMap") or {}).get("deviceSlots") or []
        return [
            _physical_port(slot, port) for slot in slots for port in slot.get("physicalPorts") or []
        ]

    @property
    def ethernet_ports(self) -> list[PhysicalPort]:
        return [port for port in self.ports if port.type == "Ethernet"]

    def mac_for_port_id(self, port_id: str) -> str | None:
        """The MAC of a profile ``portId`` (``Mezz 3:1-a`` or ``Mezz 3:1``), None if unknown."""
        for port in self.ports:
            if port.port_id == port_id:
                return port.mac
            for function in port.virtual_ports:
                if port.function_port_id(function.port_function) == port_id:
                    return function.mac
        return None

    @property
    def pxe_mac(self) -> str | None:
        """The MAC a server PXE-boots from: function ``a`` of the first Ethernet port."""
        for port in self.ethernet_ports:
            for function in port.virtual_ports:
                if function.port_function == "a" and function.mac:
                    return function.mac
            if port.mac:
                return port.mac
        return None


def _physical_port(slot: dict[str, Any], port: dict[str, Any]) -> PhysicalPort:
    return PhysicalPort(
        location=str(slot.get("location") or ""),
        slot_number=slot.get("slotNumber"),
        port_number=port.get("portNumber"),
        type=str(port.get("type") or ""),
        mac=port.get("mac"),
        interconnect_uri=port.get("interconnectUri"),
        interconnect_port=port.get("interconnectPort"),
        virtual_ports=tuple(
            VirtualPort(
                port_function=str(vp.get("portFunction") or ""),
                port_number=vp.get("portNumber"),
                mac=vp.get("mac"),
            )
            for vp in port.get("virtualPorts") or []
        ),
    )


class ServerHardwareManager(ResourceManager[ServerHardware]):
    """``client.server_hardware``."""

    category = "server-hardware"
    model = ServerHardware

    def get_power_state(self, ref: Ref) -> PowerState:
        return self.get(ref).power_state

    def set_power(
        self,
        ref: Ref,
        state: PowerState,
        control: PowerControl | None = None,
        *,
        wait: bool = True,
        timeout: float | None = None,
    ) -> Task:
        """Power a server on or off (``PUT .../powerState``); returns the (finished) task.

        *control* defaults to ``MOMENTARY_PRESS`` for ON and ``PRESS_AND_HOLD`` (hard off) for
        OFF; use ``MOMENTARY_PRESS`` with OFF for a graceful shutdown, ``RESET`` or
        ``COLD_BOOT`` with ON to restart a running server.
        """
        if state not in (PowerState.ON, PowerState.OFF):
            raise ValueError(f"power state must be PowerState.ON or PowerState.OFF, got {state!r}")
        if control is None:
            on = state == PowerState.ON
            control = PowerControl.MOMENTARY_PRESS if on else PowerControl.PRESS_AND_HOLD
        control = PowerControl(control)
        body = {"powerState": str(state), "powerControl": str(control)}
        # A target state may be sent twice; a reset must not: a lost answer is not repeated.
        restart = control in (PowerControl.RESET, PowerControl.COLD_BOOT)
        uri = f"{self.uri(ref)}/powerState"
        response = self._send("PUT", uri, body, idempotent=False if restart else None)
        return self._finish_task(response, wait=wait, timeout=timeout)

    def set_one_time_boot(
        self, ref: Ref, device: OneTimeBoot, *, wait: bool = True, timeout: float | None = None
    ) -> Task:
        """Boot from *device* on the next boot only (``PATCH /oneTimeBoot``)."""
        patch = [{"op": "replace", "path": "/oneTimeBoot", "value": str(OneTimeBoot(device))}]
        response = self._send("PATCH", self.uri(ref), patch, content_type=JSON_PATCH)
        return self._finish_task(response, wait=wait, timeout=timeout)

    def refresh(self, ref: Ref, *, wait: bool = True, timeout: float | None = None) -> Task:
        """Ask OneView to re-read the server's state (``PUT .../refreshState``)."""
        body = {"refreshState": str(RefreshState.REFRESH_PENDING)}
        response = self._send("PUT", f"{self.uri(ref)}/refreshState", body)
        return self._finish_task(response, wait=wait, timeout=timeout)

    def set_uid_state(
        self, ref: Ref, state: str, *, wait: bool = True, timeout: float | None = None
    ) -> Task:
        """Turn the server's UID (locator) light ``On``, ``Off`` or ``Blink`` (``PATCH
        /uidState``); returns the (finished) task."""
        patch = [{"op": "replace", "path": "/uidState", "value": state}]
        response = self._send("PATCH", self.uri(ref), patch, content_type=JSON_PATCH)
        return self._finish_task(response, wait=wait, timeout=timeout)

    def utilization(self, ref: Ref, metrics: Sequence[str] = ()) -> dict[str, Any]:
        """The iLO's samples of *metrics* (all when empty) over the last hour
        (``GET .../utilization?fields=``): ``metricList`` of ``metricName``,
        ``metricSamples`` (``[epoch ms, value]``, newest first) and ``metricCapacity``."""
        params = [("fields", ",".join(metrics))] if metrics else None
        body = self._get_json(f"{self.uri(ref)}/utilization", params)
        return dict(body) if isinstance(body, dict) else {}

    def environmental_configuration(self, ref: Ref) -> dict[str, Any]:
        """Power settings of the server (``GET .../environmentalConfiguration``):
        ``calibratedMaxPower``, ``idleMaxPower``, ``powerCapType``... in watts."""
        body = self._get_json(f"{self.uri(ref)}/environmentalConfiguration")
        return dict(body) if isinstance(body, dict) else {}

    def bios(self, ref: Ref) -> dict[str, Any]:
        """The server's current BIOS (``GET .../bios``): ``settings``, a list of
        ``{id, value}`` (ids of the server hardware type's ``biosSettings``), with
        ``romVersion`` and ``bootMode``."""
        body = self._get_json(f"{self.uri(ref)}/bios")
        return dict(body) if isinstance(body, dict) else {}

    def firmware(self, ref: Ref) -> dict[str, Any]:
        """The server's firmware inventory (``GET .../firmware``): ``components`` with
        ``componentName``, ``componentVersion``, ``componentLocation``..."""
        body = self._get_json(f"{self.uri(ref)}/firmware")
        return dict(body) if isinstance(body, dict) else {}

    def local_storage(self, ref: Ref) -> dict[str, Any]:
        """What the server's storage controllers report (``GET .../localStorage``).

        The iLO's SmartStorage view relayed by OneView: ``data`` lists controllers, each with
        ``LogicalDrives`` (``CapacityMiB``) and ``PhysicalDrives`` (``CapacityGB``,
        ``CapacityMiB``). Servers whose iLO does not report it answer ``NotFound``.
        """
        body = self._get_json(f"{self.uri(ref)}/localStorage")
        return dict(body) if isinstance(body, dict) else {}

    def remote_console_url(self, ref: Ref) -> str:
        """``hplocons://addr=...&sessionkey=...`` (contains a secret: do not log it)."""
        uri = f"{self.uri(ref)}/remoteConsoleUrl"
        body = self._get_json(uri)
        return str((body or {}).get("remoteConsoleUrl") or "")


class ServerHardwareType(Resource):
    """A server model as OneView knows it (adapters, boot capabilities)."""

    category = "server-hardware-types"

    @property
    def model(self) -> str | None:
        return self.data.get("model")

    @property
    def form_factor(self) -> str | None:
        return self.data.get("formFactor")

    @property
    def boot_modes(self) -> list[str]:
        return list(self.data.get("bootModes") or [])

    @property
    def boot_capabilities(self) -> list[str]:
        return list(self.data.get("bootCapabilities") or [])

    @property
    def capabilities(self) -> list[str]:
        return list(self.data.get("capabilities") or [])

    @property
    def adapters(self) -> list[dict[str, Any]]:
        return list(self.data.get("adapters") or [])


class ServerHardwareTypeManager(ResourceManager[ServerHardwareType]):
    """``client.server_hardware_types``."""

    category = "server-hardware-types"
    model = ServerHardwareType
