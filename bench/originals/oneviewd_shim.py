"""Runs ironic-oneviewd 1.2.0 against a Keystone-less Ironic (the recipe of
/work/shared/research/runtime.md section 4): only its Ironic client is replaced, by a noauth
one on ``IRONIC_URL`` at API 1.32. ``python oneviewd_shim.py --config-file FILE``."""

import os
import sys

# ironic-oneviewd is installed only in the original's venv: mypy, run from the project's venv,
# cannot find it.
from ironic_oneviewd import shell, utils  # type: ignore[import-not-found]
from ironicclient import client as ironic_client
from ironicclient.v1 import client as v1_client


def get_ironic_client() -> v1_client.Client:
    return ironic_client.get_client(
        "1",
        endpoint=os.environ.get("IRONIC_URL", "http://127.0.0.1:6385"),
        os_ironic_api_version="1.32",
    )


utils.get_ironic_client = get_ironic_client
if __name__ == "__main__":
    sys.exit(shell.main())
