"""The ``oneview`` hardware type (entry point group ``ironic.hardware.types``).

It only lists interfaces, in order of preference: Ironic gives a new node the first one
that is enabled. The OneView interfaces come first; boot, network and the other families
are Ironic's generic ones. No fake interface is listed: a conductor that enables the
``oneview`` type must enable a real implementation of every family (e.g. ``pxe`` boot).
"""

from ironic.drivers import base, generic
from ironic.drivers.modules import noop_mgmt

from oneview_openstack.ironic_driver import (
    bios,
    deploy,
    firmware,
    inband_inspect,
    inspect,
    management,
    power,
    raid,
)

_POWER_INTERFACES: tuple[type[base.PowerInterface], ...] = (power.OneViewPower,)
_MANAGEMENT_INTERFACES: tuple[type[base.ManagementInterface], ...] = (
    management.OneViewManagement,
    noop_mgmt.NoopManagement,
)
_INSPECT_INTERFACES: tuple[type[base.InspectInterface], ...] = (
    inspect.OneViewInspect,
    inband_inspect.OneViewAgentInspect,
)
_DEPLOY_INTERFACES: tuple[type[base.DeployInterface], ...] = (
    deploy.OneViewAgentDeploy,
    deploy.OneViewRamdiskDeploy,
)
_FIRMWARE_INTERFACES: tuple[type[base.FirmwareInterface], ...] = (firmware.OneViewFirmware,)
_BIOS_INTERFACES: tuple[type[base.BIOSInterface], ...] = (bios.OneViewBIOS,)
_RAID_INTERFACES: tuple[type[base.RAIDInterface], ...] = (raid.OneViewRAID,)


class OneViewHardware(generic.GenericHardware):
    """Servers managed by HPE OneView: power, management and inspection through OneView.

    Boot, deploy, network and the other families are Ironic's generic ones (PXE/iPXE boot,
    agent-based deploy, flat or Neutron networking); the deploy interfaces that keep the
    server profile in step (``oneview-direct``, ``oneview-ramdisk``) come first.
    """

    @property
    def supported_power_interfaces(self) -> list[type[base.PowerInterface]]:
        return list(_POWER_INTERFACES)

    @property
    def supported_management_interfaces(self) -> list[type[base.ManagementInterface]]:
        return list(_MANAGEMENT_INTERFACES)

    @property
    def supported_deploy_interfaces(self) -> list[type[base.DeployInterface]]:
        return [*_DEPLOY_INTERFACES, *super().supported_deploy_interfaces]

    @property
    def supported_inspect_interfaces(self) -> list[type[base.InspectInterface]]:
        return [*_INSPECT_INTERFACES, *super().supported_inspect_interfaces]

    @property
    def supported_firmware_interfaces(self) -> list[type[base.FirmwareInterface]]:
        return [*_FIRMWARE_INTERFACES, *super().supported_firmware_interfaces]

    @property
    def supported_bios_interfaces(self) -> list[type[base.BIOSInterface]]:
        return [*_BIOS_INTERFACES, *super().supported_bios_interfaces]

    @property
    def supported_raid_interfaces(self) -> list[type[base.RAIDInterface]]:
        return [*_RAID_INTERFACES, *super().supported_raid_interfaces]
