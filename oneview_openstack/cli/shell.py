"""``ironic-oneview``: the same commands without OpenStackClient, under their 1.x names too.

``ironic-oneview node-create -t <template>`` works as it did with the original tool
(``node-create``, ``port-create``, ``flavor-create``, ``server-hardware-list``,
``server-profile-template-list``, ``node-delete``, ``genrc``), and so do the OpenStackClient
names without the ``oneview`` word (``ironic-oneview node create``). Ironic and Nova are
reached through openstacksdk: ``--os-cloud`` / clouds.yaml, the ``OS_*`` variables, or, with
no Keystone, an endpoint alone (``--ironic-url`` or ``IRONIC_URL``,
``--os-compute-endpoint-override``), which then needs no authentication.
"""

from __future__ import annotations

import argparse
import functools
import importlib.metadata
import os
import sys
from collections.abc import Sequence
from typing import Any

import openstack
import openstack.config
from cliff import app, commandmanager

from oneview_openstack.cli import oneview_options

ENTRY_POINTS = "openstack.oneview.v1"
PREFIX = "oneview_"
# The 1.x command names of the original ironic-oneview, to the OpenStackClient ones.
ORIGINAL_NAMES = {
    "node-create": "node_create",
    "node-delete": "node_delete",
    "port-create": "port_create",
    "flavor-create": "flavor_create",
    "server-hardware-list": "server_hardware_list",
    "server-profile-template-list": "server_profile_template_list",
    "genrc": "genrc",
}


def command_manager() -> commandmanager.CommandManager:
    """Every ``openstack oneview`` command, by its name without ``oneview`` and its 1.x name."""
    manager = commandmanager.CommandManager("ironic_oneview.cli")
    found = {
        entry.name[len(PREFIX) :]: entry.load()
        for entry in importlib.metadata.entry_points(group=ENTRY_POINTS)
        if entry.name.startswith(PREFIX)
    }
    for name, command in sorted(found.items()):
        manager.add_command(name.replace("_", " "), command)
    for old, name in ORIGINAL_NAMES.items():
        if name in found:
            manager.add_command(old, found[name])
    return manager


class ClientManager:
    """What OpenStackClient's client manager gives the commands: an openstacksdk connection."""

    def __init__(self, options: argparse.Namespace) -> None:
        self.options = options

    @functools.cached_property
    def sdk_connection(self) -> Any:
        options = self.options
        ironic_url = getattr(options, "ironic_url", None) or os.environ.get("IRONIC_URL")
        if ironic_url and not getattr(options, "os_baremetal_endpoint_override", None):
            options.os_baremetal_endpoint_override = ironic_url
        if _endpoint_only(options):
            options.os_auth_type = "none"
        return openstack.connection.from_config(options=options)


def _endpoint_only(options: argparse.Namespace) -> bool:
    """An endpoint is given and nothing to authenticate with: Ironic/Nova without Keystone."""
    endpoints = (
        getattr(options, "os_baremetal_endpoint_override", None),
        getattr(options, "os_compute_endpoint_override", None),
    )
    auth = (
        getattr(options, "os_cloud", None),
        getattr(options, "os_auth_url", None),
        os.environ.get("OS_CLOUD"),
        os.environ.get("OS_AUTH_URL"),
    )
    # Password auth (openstacksdk's default type) without an auth URL cannot work anyway.
    default_type = getattr(options, "os_auth_type", None) in (None, "password")
    return any(endpoints) and not any(auth) and default_type


class IronicOneView(app.App):
    """Enroll HPE OneView servers in Ironic and make Nova flavors for them."""

    # The commands print tables and summaries; per-node log lines only with -v.
    DEFAULT_VERBOSE_LEVEL = 0

    def __init__(self) -> None:
        super().__init__(
            description=(self.__doc__ or "").strip(),
            version=_version(),
            command_manager=command_manager(),
            deferred_help=True,
        )
        self.client_manager: ClientManager | None = None

    def build_option_parser(
        self,
        description: str | None,
        version: str | None,
        argparse_kwargs: dict[str, Any] | None = None,
    ) -> argparse.ArgumentParser:
        parser = super().build_option_parser(description, version, argparse_kwargs)
        openstack.config.OpenStackConfig().register_argparse_arguments(
            parser, sys.argv[1:], service_keys=["baremetal", "compute"]
        )
        parser.add_argument(
            "--ironic-url",
            metavar="<url>",
            help="Ironic endpoint, e.g. http://ironic:6385 (no Keystone). Env: IRONIC_URL.",
        )
        return oneview_options.add_arguments(parser)

    def initialize_app(self, argv: Sequence[str]) -> None:
        self.client_manager = ClientManager(self.options)


def _version() -> str:
    try:
        return importlib.metadata.version("oneview-openstack")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def main(argv: Sequence[str] | None = None) -> int:
    return IronicOneView().run(list(sys.argv[1:] if argv is None else argv))


if __name__ == "__main__":
    sys.exit(main())
