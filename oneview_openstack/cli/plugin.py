"""The OpenStackClient plugin: ``openstack oneview ...``.

Registered under ``openstack.cli.extension`` (name ``oneview``); its commands under
``openstack.oneview.v1``. Commands take Ironic and Nova from OpenStackClient's own
openstacksdk connection (so ``--os-cloud``, auth and TLS options work as for every other
command) and OneView from the global options this module adds (see
:mod:`oneview_openstack.cli.oneview_options`).
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from oneview_openstack.cli import oneview_options

API_NAME = "oneview"
API_VERSION_OPTION = "os_oneview_api_version"
DEFAULT_API_VERSION = "1"
API_VERSIONS = {"1": "oneview_openstack.cli.plugin.PluginClient"}


class PluginClient:
    """What ``client_manager.oneview`` answers; the commands build their own clients
    (:class:`oneview_openstack.cli.base.Clients`) from the same options."""

    def __init__(self, instance: Any) -> None:
        self.instance = instance


def make_client(instance: Any) -> PluginClient:
    return PluginClient(instance)


def build_option_parser(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The plugin's global options: its API version and the OneView connection."""
    parser.add_argument(
        "--os-oneview-api-version",
        metavar="<version>",
        default=os.environ.get("OS_ONEVIEW_API_VERSION", DEFAULT_API_VERSION),
        help="Version of the oneview commands (only 1). Env: OS_ONEVIEW_API_VERSION.",
    )
    return oneview_options.add_arguments(parser)
