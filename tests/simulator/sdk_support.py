"""The official hpeOneView SDK against the simulator, at the API versions the SDK tests use.

Tasks finish at once (time scale 0) so the SDK's one-second task polling does
not slow the suite down.
"""

from __future__ import annotations

from typing import Any

import pytest
from hpeOneView.oneview_client import OneViewClient

from oneview_openstack.testing.simulator import SimulatorHandle

SDK_VERSIONS = [800, 2400, 4600]
SDK_MARKS = [
    pytest.mark.functional,
    # The SDK's own TLS setup; not ours to change.
    pytest.mark.filterwarnings("ignore:ssl.PROTOCOL_TLSv1_2 is deprecated:DeprecationWarning"),
]


def sdk_client(sim: SimulatorHandle, version: int) -> OneViewClient:
    sim.operator.set_config(time_scale=0)
    config: dict[str, Any] = {
        "ip": sim.host,
        "credentials": {"userName": sim.username, "password": sim.password},
        "api_version": version,
        "ssl_certificate": sim.ca_file,
    }
    return OneViewClient(config)
