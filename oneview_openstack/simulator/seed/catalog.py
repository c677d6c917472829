"""What the hardware *is*: server models, adapters, interconnect modules, type strings.

The seed file names models by their short name ("SY 480 Gen10"); everything a
real appliance reports about such a model (adapters, boot capabilities, BIOS
settings, model strings) lives here, so the seed file stays a topology.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# ``type`` of each collection's documents at the newest API version served
# (renderers of the resource modules map them to older versions).
CURRENT_TYPES: dict[str, str] = {
    "server-hardware": "server-hardware-12",
    "server-hardware-types": "server-hardware-type-12",
    "enclosures": "EnclosureV7",
    "enclosure-groups": "EnclosureGroupV8",
    "server-profile-templates": "ServerProfileTemplateV8",
    "server-profiles": "ServerProfileV12",
    "ethernet-networks": "ethernet-networkV4",
    "network-sets": "network-setV5",
    "connection-templates": "connection-template",
    "logical-interconnect-groups": "logical-interconnect-groupV8",
    "logical-interconnects": "logical-interconnectV8",
    "uplink-sets": "uplink-setV7",
    "interconnects": "InterconnectV8",
    "firmware-drivers": "firmware-baselines",
    "interconnect-types": "interconnect-typeV4",
    "fc-networks": "fc-networkV4",
    "fcoe-networks": "fcoe-networkV4",
    "logical-enclosures": "LogicalEnclosureV4",
    "id-pools": "Pool",
}

FLEXNIC_FUNCTIONS = "abcdefgh"


@dataclass(frozen=True)
class AdapterModel:
    """A network adapter: ``location`` + ``slot`` name its ports ("Mezz 3:1-a")."""

    location: str  # Mezz | Flb | LOM | Embedded
    slot: int
    model: str
    ports: int
    max_speed_mbps: int
    flexnics: bool  # eight FlexNIC functions a..h per port (Virtual Connect)


@dataclass(frozen=True)
class ServerModel:
    short_model: str  # "SY 480 Gen10", the seed file's name for it
    model: str
    part_number: str
    uuid_code: str  # six characters that start the ASCII-hex UUID
    form_factor: str  # HalfHeight | FullHeight | 1U
    family: str  # ROM family ("I42")
    rom_version: str
    mp_model: str
    mp_firmware: str
    generation: str
    platform: str  # "Synergy" or "Rack"
    processor_type: str
    processor_speed_mhz: int
    adapters: tuple[AdapterModel, ...]
    storage_controller: str
    max_drives: int
    extra_capabilities: tuple[str, ...] = field(default=())

    @property
    def blade(self) -> bool:
        return self.platform == "Synergy"

    @property
    def sht_name(self) -> str:
        return f"{self.short_model} 1"


SYNERGY_CNA = AdapterModel(
    "Mezz", 3, "HPE Synergy 3820C 10/20Gb Converged Network Adapter", 2, 20000, True
)
RACK_NIC = AdapterModel("Embedded", 1, "HPE Ethernet 1Gb 4-port 331i Adapter - NIC", 4, 1000, False)
RACK_FLR = AdapterModel(
    "Flb", 1, "HPE Ethernet 10/25Gb 2-port 640FLR-SFP28 Adapter", 2, 25000, False
)

SERVER_MODELS: dict[str, ServerModel] = {
    m.short_model: m
    for m in (
        ServerModel(
            short_model="SY 480 Gen10",
            model="Synergy 480 Gen10 Compute Module",
            part_number="871940-B21",
            uuid_code="004704",
            form_factor="HalfHeight",
            family="I42",
            rom_version="I42 v2.68 07/14/2022",
            mp_model="iLO5",
            mp_firmware="2.78 Apr 28 2023",
            generation="Gen10",
            platform="Synergy",
            processor_type="Intel(R) Xeon(R) Gold 6132 CPU @ 2.60GHz",
            processor_speed_mhz=2600,
            adapters=(SYNERGY_CNA,),
            storage_controller="HPE Smart Array P204i-c SR Gen10",
            max_drives=2,
        ),
        ServerModel(
            short_model="SY 660 Gen10",
            model="Synergy 660 Gen10 Compute Module",
            part_number="872119-B21",
            uuid_code="777237",
            form_factor="FullHeight",
            family="I43",
            rom_version="I43 v2.68 07/14/2022",
            mp_model="iLO5",
            mp_firmware="2.78 Apr 28 2023",
            generation="Gen10",
            platform="Synergy",
            processor_type="Intel(R) Xeon(R) Platinum 8160 CPU @ 2.10GHz",
            processor_speed_mhz=2100,
            adapters=(SYNERGY_CNA,),
            storage_controller="HPE Smart Array P416ie-m SR G10",
            max_drives=4,
        ),
        ServerModel(
            short_model="DL360 Gen10",
            model="ProLiant DL360 Gen10",
            part_number="867959-B21",
            uuid_code="373638",
            form_factor="1U",
            family="U32",
            rom_version="U32 v2.68 07/14/2022",
            mp_model="iLO5",
            mp_firmware="2.78 Apr 28 2023",
            generation="Gen10",
            platform="Rack",
            processor_type="Intel(R) Xeon(R) Silver 4114 CPU @ 2.20GHz",
            processor_speed_mhz=2200,
            adapters=(RACK_NIC, RACK_FLR),
            storage_controller="HPE Smart Array P408i-a SR Gen10",
            max_drives=8,
        ),
    )
}


@dataclass(frozen=True)
class InterconnectModel:
    name: str
    part_number: str
    type_id: str  # id of its /rest/interconnect-types document
    uplink_ports: tuple[str, ...]
    downlink_ports: int


INTERCONNECT_MODELS: dict[str, InterconnectModel] = {
    m.name: m
    for m in (
        InterconnectModel(
            "Virtual Connect SE 40Gb F8 Module for Synergy",
            "794502-B23",
            "59080afb-85b3-4c51-9ec9-6a8e0a2cfe14",
            ("Q1", "Q2", "Q3", "Q4", "Q5", "Q6", "Q7", "Q8"),
            12,
        ),
        InterconnectModel(
            "Virtual Connect SE 100Gb F32 Module for Synergy",
            "867796-B21",
            "c5d5a4a2-3b5d-4cb8-9c2f-34c4a7ab7a1e",
            ("Q1", "Q2", "Q3", "Q4", "Q5", "Q6", "Q7", "Q8"),
            12,
        ),
    )
}

BOOT_CAPABILITIES = ["CD", "USB", "HardDisk", "FibreChannelHba", "PXE"]
BOOT_MODES = ["BIOS", "UEFIOptimized", "UEFI"]
PXE_POLICIES = ["IPv4ThenIPv6", "IPv4", "IPv6ThenIPv4", "IPv6", "Auto"]
SERVER_CAPABILITIES = [
    "ManageBIOS",
    "VirtualUUID",
    "ManageLocalStorage",
    "ManageBootOrder",
    "FirmwareUpdate",
]
BLADE_CAPABILITIES = ["VirtualWWN", "VCConnections", "VirtualMAC"]


def bios_settings() -> list[dict[str, Any]]:
    """A real-looking subset of a BIOS registry (real appliances list a hundred or more).

    Shaped like a real type's (oneview-samples/ServerHardwareTypes.json): types
    Option (ids are the values, names describe them), Number (bounds) and
    String (length and a ``valueExpression``); default values are strings.
    """
    return [
        _option("ProcHyperthreading", "Intel(R) Hyperthreading", PROCESSOR, "Enabled",
                ("Enabled", "Enabled"), ("Disabled", "Disabled")),
        _option("ProcVirtualization", "Virtualization Technology", VIRTUALIZATION, "Enabled",
                ("Enabled", "Enabled"), ("Disabled", "Disabled")),
        _option("ProcVtd", "Intel(R) VT-d", VIRTUALIZATION, "Enabled",
                ("Enabled", "Enabled"), ("Disabled", "Disabled")),
        _option("Sriov", "SR-IOV", VIRTUALIZATION, "Enabled",
                ("Enabled", "Enabled"), ("Disabled", "Disabled")),
        _option("BootMode", "Boot Mode", BOOT, "Uefi",
                ("Uefi", "UEFI Mode"), ("LegacyBios", "Legacy BIOS Mode")),
        _option("SecureBootStatus", "Secure Boot", SECURITY, "Disabled",
                ("Enabled", "Enabled"), ("Disabled", "Disabled")),
        _option("TpmVisibility", "TPM Visibility", TPM, "Visible",
                ("Hidden", "Hidden"), ("Visible", "Visible")),
        _option("WorkloadProfile", "Workload Profile", WORKLOAD, "GeneralPowerEfficientCompute",
                ("GeneralPowerEfficientCompute", "General Power Efficient Compute"),
                ("GeneralPeakFrequencyCompute", "General Peak Frequency Compute"),
                ("GeneralThroughputCompute", "General Throughput Compute"),
                ("Virtualization-PowerEfficient", "Virtualization - Power Efficient"),
                ("Virtualization-MaxPerformance", "Virtualization - Max Performance"),
                ("LowLatency", "Low Latency"), ("Custom", "Custom")),
        _option("PowerRegulator", "HPE Power Regulator", POWER, "DynamicPowerSavings",
                ("DynamicPowerSavings", "Dynamic Power Savings Mode"),
                ("StaticLowPower", "Static Low Power Mode"),
                ("StaticHighPerf", "Static High Performance Mode"),
                ("OsControl", "OS Control Mode")),
        _option("ProcTurbo", "Intel(R) Turbo Boost Technology", "Performance Options", "Enabled",
                ("Disabled", "Disabled"), ("Enabled", "Enabled")),
        _option("UsbControl", "USB Control", "System Options//USB Options", "UsbEnabled",
                ("UsbEnabled", "USB Enabled"),
                ("ExternalUsbDisabled", "External USB Ports Disabled")),
        _number("ProcCoreDisable", "Processor Core Disable", PROCESSOR, 0, 28),
        _string("ServerPrimaryOs", "Server Primary OS", "Server Asset Information//Server "
                "Information", 42, r"^[\x20-\x7e]*$"),
    ]  # fmt: skip


PROCESSOR = "System Options//Processor Options"
VIRTUALIZATION = "System Options//Virtualization Options"
BOOT = "System Configuration//BIOS/Platform Configuration (RBSU)//Boot Options"
SECURITY = "Server Security//Secure Boot Settings"
TPM = "Server Security//Trusted Platform Module options"
WORKLOAD = "Power and Performance Options//Workload Profile"
POWER = "Power Management"


def _setting(setting_id: str, name: str, category: str, kind: str, default: str) -> Any:
    return {
        "id": setting_id,
        "name": name,
        "category": category,
        "type": kind,
        "defaultValue": default,
        "helpText": f"Use this option to configure {name}.",
        "warningText": None,
        "dependencyList": [],
        "lowerBound": None,
        "upperBound": None,
        "scalarIncrement": None,
        "stringMinLength": None,
        "valueExpression": None,
        "options": [],
    }


def _option(
    setting_id: str, name: str, category: str, default: str, *choices: tuple[str, str]
) -> Any:
    setting = _setting(setting_id, name, category, "Option", default)
    setting["options"] = [{"id": i, "name": n, "optionLinks": None} for i, n in choices]
    return setting


def _number(setting_id: str, name: str, category: str, low: int, high: int) -> Any:
    setting = _setting(setting_id, name, category, "Number", str(low))
    setting.update(lowerBound=low, upperBound=high, scalarIncrement=1)
    return setting


def _string(setting_id: str, name: str, category: str, longest: int, pattern: str) -> Any:
    setting = _setting(setting_id, name, category, "String", "")
    setting.update(stringMinLength=0, stringMaxLength=longest, valueExpression=pattern)
    return setting


@dataclass(frozen=True)
class FirmwareComponent:
    """A firmware component of the service packs, and the version each release carries.

    ``releases`` pairs the first service pack release date carrying a version
    with that version; the first pair is what a server ships with.
    ``install_seconds`` is how long an appliance takes to flash it.
    """

    name: str
    key: str  # swKeyNameList[0], the start of its file name
    install_seconds: float
    releases: tuple[tuple[str, str], ...]

    def version_on(self, release_date: str) -> str:
        """The version a service pack released on ``release_date`` (YYYY-MM-DD) carries."""
        carried = [version for since, version in self.releases if since <= release_date]
        return carried[-1] if carried else self.releases[0][1]

    @property
    def factory_version(self) -> str:
        return self.releases[0][1]


FIRMWARE_COMPONENTS = (
    FirmwareComponent("HPE Integrated Lights-Out 5", "ilo5", 300.0,
                      (("2000-01-01", "2.78"), ("2023-09-01", "2.90"), ("2024-03-01", "3.03"))),
    FirmwareComponent("System ROM", "U32", 600.0,
                      (("2000-01-01", "2.68"), ("2023-09-01", "2.80"), ("2024-03-01", "2.90"))),
    FirmwareComponent("Smart Array Firmware", "HPE_SR_Gen10", 240.0,
                      (("2000-01-01", "5.32"), ("2023-09-01", "5.61"), ("2024-03-01", "6.22"))),
)  # fmt: skip
# Booting the service pack ISO (offline mode) or starting iSUT, and the reboot after.
FIRMWARE_OVERHEAD_SECONDS = 300.0
