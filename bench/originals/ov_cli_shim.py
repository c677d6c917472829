"""Run the original ``ironic-oneview`` 1.2.1 (ironic-oneview-cli) against a noauth Ironic.

Runs with the interpreter of the original's own venv (Python 3.11, ``ironic-oneview-cli==1.2.1``,
``hpOneView==4.8.0``), never with the project's: ``<venv>/bin/python ov_cli_shim.py node-create
-t <template> -n <count>``. Adapted from doc/research runtime.md section 4:

- Ironic is reached by its endpoint alone (``IRONIC_URL``), with no Keystone: the tool's own
  ``get_ironic_client`` always goes through password authentication;
- Nova is a stub that fails if used (``node-create`` never uses it);
- a failure prints its traceback: the tool prints only "The operation could not be performed".

Nodes are created with driver ``oneview``, which the tool counts as one of its own
(``SUPPORTED_HARDWARE_TYPES``), so a re-run sees them as enrolled; nothing else is changed.
"""

import argparse
import os
import sys
import traceback
from typing import NoReturn

# ironic-oneview-cli is installed only in the original's venv: mypy, run from the project's
# venv, cannot find it.
from ironic_oneview_cli import common, shell  # type: ignore[import-not-found]
from ironicclient import client as ironic_client
from ironicclient.v1 import client as v1_client

IRONIC_API_VERSION = os.environ.get("OV_SHIM_IRONIC_API_VERSION", "latest")


def get_ironic_client(args: argparse.Namespace) -> v1_client.Client:
    return ironic_client.get_client(
        "1", endpoint=args.ironic_url, os_ironic_api_version=IRONIC_API_VERSION
    )


class _NoNova:
    def __getattr__(self, name: str) -> NoReturn:
        raise RuntimeError("nova is not available in this setup")


common.get_ironic_client = get_ironic_client
common.get_nova_client = lambda args: _NoNova()


def main() -> int:
    try:
        shell.IronicOneView().main(sys.argv[1:])
    except Exception:
        traceback.print_exc()
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
