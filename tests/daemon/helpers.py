"""What the ironic-oneviewd tests share: the datacenter's templates, the daemons' options,
and an :class:`Env` that starts daemons and reads Ironic."""

from __future__ import annotations

import subprocess
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from oneview_openstack.testing.ironic_service import IronicService
from oneview_openstack.testing.oneviewd import DaemonProcess
from oneview_openstack.testing.simulator import SimulatorHandle

SERVERS = 70
SY480 = "SPT-EG-001-SY480Gen10"  # 61 compatible servers
SY660 = "SPT-EG-001-SY660Gen10"  # 6
DL360 = "SPT-Rack-DL360Gen10"  # 3
#: Short cycles: the whole of tests/daemon stays within a few minutes.
FAST = {"interval": 2, "poll_interval": 0.5, "settle_timeout": 120, "workers": 8}


@dataclass
class Env:
    sim: SimulatorHandle
    ironic: IronicService
    workdir: Path
    daemons: list[DaemonProcess] = field(default_factory=list)

    def daemon(
        self,
        name: str,
        templates: list[str],
        *,
        start: bool = True,
        backend_url: str | None = None,
        sections: dict[str, dict[str, object]] | None = None,
        **options: object,
    ) -> DaemonProcess:
        process = DaemonProcess(
            self.workdir / name,
            simulator=self.sim,
            ironic_url=self.ironic.url,
            templates=templates,
            backend_url=backend_url,
            member_id=name,
            daemon={**FAST, **options},
            sections=sections,
        )
        self.daemons.append(process)
        if start:
            process.start()
        return process

    # -- Ironic, as read by the test ---------------------------------------------------

    def nodes(self) -> list[dict[str, Any]]:
        fields = "uuid,name,provision_state,driver_info,maintenance,last_error,properties"
        body = self.ironic.api_get(f"/v1/nodes?driver=oneview&fields={fields}&limit=1000")
        return list(body["nodes"])

    def ports_by_node(self) -> Counter[str]:
        body = self.ironic.api_get("/v1/ports?fields=uuid,address,node_uuid&limit=5000")
        return Counter(str(port["node_uuid"]) for port in body["ports"])

    def wait(self, check: Callable[[], bool], what: str, timeout: float = 90.0) -> float:
        """Poll ``check`` every 0.25 s; the seconds it took."""
        started = time.monotonic()
        while not check():
            if time.monotonic() - started > timeout:
                logs = "\n".join(d.log_text()[-2500:] for d in self.daemons if d.log_path.exists())
                raise AssertionError(f"not within {timeout:.0f} s: {what}\n{logs}")
            time.sleep(0.25)
        return time.monotonic() - started


def server_uri(node: dict[str, Any]) -> str:
    return str(node["driver_info"].get("server_hardware_uri", "")).rstrip("/").lower()


def popen_of(daemon: DaemonProcess) -> subprocess.Popen[bytes]:
    """The daemon's process object (its exit status after a signal)."""
    process = daemon._process
    assert process is not None and process._proc is not None
    return process._proc
