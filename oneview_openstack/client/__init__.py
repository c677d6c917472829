"""A small, typed, thread-safe client for the HPE OneView REST API.

Usage::

    from oneview_openstack.client import OneViewClient, PowerState

    with OneViewClient("https://oneview.example", "admin", password, ca_file=ca) as ov:
        for server in ov.server_hardware.list({"powerState": PowerState.OFF}):
            print(server.name, server.pxe_mac)
        ov.server_hardware.set_power(server, PowerState.ON)

Only ``requests`` is needed. The package logs through stdlib ``logging`` (logger
``oneview_openstack.client``, silent unless configured) and never logs secrets.
"""

import logging

from oneview_openstack.client.client import OneViewClient
from oneview_openstack.client.constants import (
    BootDevice,
    BootMode,
    BootPriority,
    ConsistencyStatus,
    EthernetNetworkType,
    FunctionType,
    MacType,
    NetworkPurpose,
    OneTimeBoot,
    PowerControl,
    PowerState,
    ProfileState,
    RefreshState,
    ServerHardwareState,
    Status,
    TaskState,
    TemplateCompliance,
)
from oneview_openstack.client.exceptions import (
    AuthenticationFailed,
    BadRequest,
    Conflict,
    ConnectionFailed,
    ETagMismatch,
    Forbidden,
    InvalidResponse,
    MethodNotAllowed,
    NotFound,
    OneViewError,
    PreconditionFailed,
    RequestTimeout,
    ServerError,
    ServiceUnavailable,
    TaskFailed,
    TaskTimeout,
    UnsupportedApiVersion,
    UnsupportedMediaType,
)
from oneview_openstack.client.metrics import CallCounter, CallObserver, CallStats, path_template
from oneview_openstack.client.resources.base import Ref, Resource
from oneview_openstack.client.resources.enclosures import Enclosure, EnclosureGroup
from oneview_openstack.client.resources.firmware import FirmwareDriver
from oneview_openstack.client.resources.interconnects import (
    Interconnect,
    LogicalInterconnect,
    LogicalInterconnectGroup,
    UplinkSet,
)
from oneview_openstack.client.resources.networks import (
    ConnectionTemplate,
    EthernetNetwork,
    NetworkSet,
)
from oneview_openstack.client.resources.server_hardware import (
    PhysicalPort,
    ServerHardware,
    ServerHardwareType,
    VirtualPort,
)
from oneview_openstack.client.resources.server_profiles import (
    CompliancePreview,
    ProfileConnection,
    ServerProfile,
    ServerProfileTemplate,
)
from oneview_openstack.client.retry import RetryPolicy
from oneview_openstack.client.sanitize import sanitize
from oneview_openstack.client.tasks import Task, TaskError
from oneview_openstack.client.transport import InsecureConnectionWarning
from oneview_openstack.client.versions import ApplianceVersion

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "ApplianceVersion",
    "AuthenticationFailed",
    "BadRequest",
    "BootDevice",
    "BootMode",
    "BootPriority",
    "CallCounter",
    "CallObserver",
    "CallStats",
    "CompliancePreview",
    "Conflict",
    "ConnectionFailed",
    "ConnectionTemplate",
    "ConsistencyStatus",
    "ETagMismatch",
    "Enclosure",
    "EnclosureGroup",
    "EthernetNetwork",
    "EthernetNetworkType",
    "FirmwareDriver",
    "Forbidden",
    "FunctionType",
    "InsecureConnectionWarning",
    "Interconnect",
    "InvalidResponse",
    "LogicalInterconnect",
    "LogicalInterconnectGroup",
    "MacType",
    "MethodNotAllowed",
    "NetworkPurpose",
    "NetworkSet",
    "NotFound",
    "OneTimeBoot",
    "OneViewClient",
    "OneViewError",
    "PhysicalPort",
    "PowerControl",
    "PowerState",
    "PreconditionFailed",
    "ProfileConnection",
    "ProfileState",
    "Ref",
    "RefreshState",
    "RequestTimeout",
    "Resource",
    "RetryPolicy",
    "ServerError",
    "ServerHardware",
    "ServerHardwareState",
    "ServerHardwareType",
    "ServerProfile",
    "ServerProfileTemplate",
    "ServiceUnavailable",
    "Status",
    "Task",
    "TaskError",
    "TaskFailed",
    "TaskState",
    "TaskTimeout",
    "TemplateCompliance",
    "UnsupportedApiVersion",
    "UnsupportedMediaType",
    "UplinkSet",
    "VirtualPort",
    "path_template",
    "sanitize",
]
