"""Enumerations of OneView states and choices.

Each member's value is the exact string OneView puts on the wire, so members compare equal to the
JSON values (``PowerState.ON == "On"``). Enums that describe what the appliance *reports* have an
``UNKNOWN`` member: :func:`parse_enum` maps values this client does not know to it instead of
failing, because newer appliances add states.
"""

from __future__ import annotations

import enum
from typing import TypeVar

E = TypeVar("E", bound=enum.Enum)


class PowerState(enum.StrEnum):
    """``powerState`` of a server hardware."""

    ON = "On"
    OFF = "Off"
    POWERING_ON = "PoweringOn"
    POWERING_OFF = "PoweringOff"
    RESETTING = "Resetting"
    UNKNOWN = "Unknown"


class PowerControl(enum.StrEnum):
    """``powerControl`` of ``PUT /rest/server-hardware/{id}/powerState``."""

    MOMENTARY_PRESS = "MomentaryPress"
    """Power on, or ask the OS for a graceful (ACPI) shutdown."""
    PRESS_AND_HOLD = "PressAndHold"
    """Immediate hard power off."""
    COLD_BOOT = "ColdBoot"
    """Remove power, then power on again (target state On)."""
    RESET = "Reset"
    """Warm reset (target state On)."""


class ServerHardwareState(enum.StrEnum):
    """``state`` of a server hardware."""

    UNKNOWN = "Unknown"
    ADDING = "Adding"
    NO_PROFILE_APPLIED = "NoProfileApplied"
    MONITORED = "Monitored"
    UNMANAGED = "Unmanaged"
    REMOVING = "Removing"
    REMOVE_FAILED = "RemoveFailed"
    REMOVED = "Removed"
    APPLYING_PROFILE = "ApplyingProfile"
    PROFILE_APPLIED = "ProfileApplied"
    REMOVING_PROFILE = "RemovingProfile"
    PROFILE_ERROR = "ProfileError"
    UNSUPPORTED = "Unsupported"
    UPDATING_FIRMWARE = "UpdatingFirmware"


class RefreshState(enum.StrEnum):
    """``refreshState`` of server hardware, enclosures and profiles."""

    NOT_REFRESHING = "NotRefreshing"
    REFRESH_PENDING = "RefreshPending"
    REFRESHING = "Refreshing"
    REFRESH_FAILED = "RefreshFailed"
    UNKNOWN = "Unknown"


class Status(enum.StrEnum):
    """Health ``status`` common to all resources."""

    OK = "OK"
    WARNING = "Warning"
    CRITICAL = "Critical"
    DISABLED = "Disabled"
    UNKNOWN = "Unknown"


class TaskState(enum.StrEnum):
    """``taskState`` of a task."""

    NEW = "New"
    PENDING = "Pending"
    STARTING = "Starting"
    RUNNING = "Running"
    SUSPENDED = "Suspended"
    STOPPING = "Stopping"
    COMPLETED = "Completed"
    WARNING = "Warning"
    ERROR = "Error"
    TERMINATED = "Terminated"
    KILLED = "Killed"
    INTERRUPTED = "Interrupted"
    UNKNOWN = "Unknown"

    @property
    def is_terminal(self) -> bool:
        """True when the task will not change any more."""
        return self in _TERMINAL_TASK_STATES

    @property
    def is_success(self) -> bool:
        """True for the terminal states OneView clients treat as success (Warning included)."""
        return self in (TaskState.COMPLETED, TaskState.WARNING)


_TERMINAL_TASK_STATES = frozenset(
    {
        TaskState.COMPLETED,
        TaskState.WARNING,
        TaskState.ERROR,
        TaskState.TERMINATED,
        TaskState.KILLED,
        TaskState.INTERRUPTED,
    }
)


class OneTimeBoot(enum.StrEnum):
    """Values of the server hardware ``/oneTimeBoot`` patch."""

    NORMAL = "Normal"
    CDROM = "CDROM"
    HDD = "HDD"
    USB = "USB"
    NETWORK = "Network"


class BootDevice(enum.StrEnum):
    """Entries of a server profile's ``boot.order``."""

    CD = "CD"
    FLOPPY = "Floppy"
    USB = "USB"
    HARD_DISK = "HardDisk"
    PXE = "PXE"
    FIBRE_CHANNEL_HBA = "FibreChannelHba"


class BootMode(enum.StrEnum):
    """``bootMode.mode`` of a server profile."""

    BIOS = "BIOS"
    UEFI = "UEFI"
    UEFI_OPTIMIZED = "UEFIOptimized"
    UNKNOWN = "Unknown"


class BootPriority(enum.StrEnum):
    """``boot.priority`` of a profile connection."""

    PRIMARY = "Primary"
    SECONDARY = "Secondary"
    NOT_BOOTABLE = "NotBootable"
    UNKNOWN = "Unknown"


class FunctionType(enum.StrEnum):
    """``functionType`` of a profile connection."""

    ETHERNET = "Ethernet"
    FIBRE_CHANNEL = "FibreChannel"
    ISCSI = "iSCSI"
    UNKNOWN = "Unknown"


class MacType(enum.StrEnum):
    """``macType`` of a profile, template or connection."""

    PHYSICAL = "Physical"
    VIRTUAL = "Virtual"
    USER_DEFINED = "UserDefined"
    UNKNOWN = "Unknown"


class ProfileState(enum.StrEnum):
    """``state`` of a server profile."""

    CREATING = "Creating"
    NORMAL = "Normal"
    UPDATING = "Updating"
    DELETING = "Deleting"
    REAPPLYING = "Reapplying"
    UPDATE_FAILED = "UpdateFailed"
    CREATE_FAILED = "CreateFailed"
    DELETE_FAILED = "DeleteFailed"
    UNKNOWN = "Unknown"


class TemplateCompliance(enum.StrEnum):
    """``templateCompliance`` of a server profile."""

    COMPLIANT = "Compliant"
    NON_COMPLIANT = "NonCompliant"
    UNKNOWN = "Unknown"


class EthernetNetworkType(enum.StrEnum):
    """``ethernetNetworkType`` of an ethernet network or uplink set."""

    TAGGED = "Tagged"
    UNTAGGED = "Untagged"
    TUNNEL = "Tunnel"
    IMAGE_STREAMER = "ImageStreamer"
    UNKNOWN = "Unknown"


class NetworkPurpose(enum.StrEnum):
    """``purpose`` of an ethernet network."""

    GENERAL = "General"
    MANAGEMENT = "Management"
    VM_MIGRATION = "VMMigration"
    FAULT_TOLERANCE = "FaultTolerance"
    ISCSI = "ISCSI"
    UNKNOWN = "Unknown"


class ConsistencyStatus(enum.StrEnum):
    """``consistencyStatus`` of a logical interconnect against its group."""

    CONSISTENT = "CONSISTENT"
    NOT_CONSISTENT = "NOT_CONSISTENT"
    UNKNOWN = "Unknown"


def parse_enum(enum_cls: type[E], value: object) -> E:
    """Map a wire value to a member of *enum_cls*, ``UNKNOWN`` when not known.

    ``None`` and unknown strings map to the ``UNKNOWN`` member; enums without one raise
    ``ValueError`` naming the enum and the value.
    """
    try:
        return enum_cls(value)
    except ValueError:
        unknown = getattr(enum_cls, "UNKNOWN", None)
        if isinstance(unknown, enum_cls):
            return unknown
        allowed = ", ".join(str(m.value) for m in enum_cls)
        raise ValueError(
            f"{enum_cls.__name__}: unknown value {value!r}; allowed: {allowed}"
        ) from None
