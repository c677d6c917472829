"""Arguments several commands share, spelled once (with the original tool's short forms)."""

from __future__ import annotations

import argparse


def template(parser: argparse.ArgumentParser, help: str, *, required: bool = False) -> None:
    """``-t/--template/--server-profile-template <name|id|URI>``."""
    parser.add_argument(
        "-t",
        "--template",
        "--server-profile-template",
        dest="template",
        metavar="<template>",
        required=required,
        help=help,
    )


def nics(parser: argparse.ArgumentParser, help: str) -> None:
    """``--nic/-m/--mac <port id|MAC>``, repeatable, into ``nics``."""
    parser.add_argument(
        "--nic", "-m", "--mac", dest="nics", metavar="<port id|MAC>", action="append", help=help
    )


def physical_network(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--physical-network", metavar="<name>", help="physical_network of the ports."
    )
