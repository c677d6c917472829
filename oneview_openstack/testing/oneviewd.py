"""An ``ironic-oneviewd`` process for tests and benchmarks: its config file, log and metrics
listener in ``workdir``, started as an operator would (the console script)::

    with DaemonProcess(tmp / "d1", simulator=sim, ironic_url=ironic.url,
                       templates=["SPT-Prod-SY480"], backend_url=redis.tooz_url()) as daemon:
        daemon.wait_cycles(2)
        daemon.metrics()["ironic_oneviewd_cycles_total"]

``kill()`` SIGKILLs it (a crash), ``stop()`` sends SIGTERM (a graceful stop) and ``start()``
starts it again with the same configuration and log.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

import requests

from oneview_openstack.testing.service_process import (
    LOOPBACK,
    ServiceHarness,
    ServiceProcess,
    console_script,
    free_port,
    write_ini,
)

_CYCLE = re.compile(r"Cycle (\d+): ")
_SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)$")


class OneViewLogin(Protocol):
    """How a service reaches OneView: a :class:`.simulator.SimulatorHandle`, or placeholders
    for a configuration shown to an operator."""

    @property
    def url(self) -> str: ...

    @property
    def username(self) -> str: ...

    @property
    def password(self) -> str: ...

    @property
    def ca_file(self) -> str: ...


class DaemonProcess(ServiceHarness):
    """One ``ironic-oneviewd``.

    :param simulator: the OneView it reads (the simulator's admin user and CA).
    :param ironic_url: Ironic's endpoint (``auth_type = none``).
    :param templates: ``[daemon] templates``.
    :param backend_url: ``[coordination] backend_url`` (None: alone).
    :param member_id: ``[coordination] member_id`` (default: the workdir's name).
    :param daemon: more ``[daemon]`` options (``interval``, ``retry_backoff``...).
    :param sections: other sections, merged over the generated ones.
    """

    def __init__(
        self,
        workdir: Path,
        *,
        simulator: OneViewLogin,
        ironic_url: str,
        templates: Sequence[str],
        backend_url: str | None = None,
        member_id: str | None = None,
        daemon: Mapping[str, object] | None = None,
        sections: Mapping[str, Mapping[str, object]] | None = None,
        startup_timeout: float = 30.0,
    ) -> None:
        self.workdir = Path(workdir)
        self.simulator = simulator
        self.ironic_url = ironic_url
        self.templates = list(templates)
        self.backend_url = backend_url
        self.member_id = member_id or self.workdir.name
        self.daemon = dict(daemon or {})
        self.sections = {name: dict(options) for name, options in (sections or {}).items()}
        self.startup_timeout = startup_timeout
        self.port = free_port()
        self.config_path = self.workdir / "ironic-oneviewd.conf"
        self.log_path = self.workdir / "ironic-oneviewd.log"

    @property
    def url(self) -> str:
        """The metrics and health listener."""
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        write_ini(self.config_path, self._config())
        argv = [console_script("ironic-oneviewd"), "--config-file", str(self.config_path)]
        self._process = ServiceProcess("ironic-oneviewd", argv, self.log_path)
        self._process.start()
        self._process.wait_ready(self._listening, self.startup_timeout)

    def kill(self) -> None:
        """SIGKILL: a crash, mid-cycle if one runs."""
        if self._process is not None:
            self._process.kill()
            self._process = None

    def is_running(self) -> bool:
        return self._process is not None and self._process.is_running()

    # -- observing -------------------------------------------------------------------

    def cycles(self) -> int:
        """Cycles finished, from the log (every run of this workdir counts)."""
        found = _CYCLE.findall(self.log_text()) if self.log_path.exists() else []
        return len(found)

    def wait_cycles(self, count: int, timeout: float = 120.0) -> None:
        """Wait until ``count`` more cycles than now have finished."""
        target = self.cycles() + count
        deadline = time.monotonic() + timeout
        while self.cycles() < target:
            if time.monotonic() > deadline:
                raise TimeoutError(f"ironic-oneviewd: no {count} cycle(s) in {timeout:.0f} s")
            if not self.is_running():
                raise RuntimeError(f"ironic-oneviewd exited; log:\n{self.log_text()[-3000:]}")
            time.sleep(0.2)

    def metrics(self) -> dict[str, float]:
        """``/metrics`` as ``{'name{labels}': value}`` (``_total`` kept as exposed)."""
        text = requests.get(self.url + "/metrics", timeout=10).text
        values: dict[str, float] = {}
        for line in text.splitlines():
            found = _SAMPLE.match(line)
            if found and not line.startswith("#"):
                values[found.group(1) + (found.group(2) or "")] = float(found.group(3))
        return values

    def health(self) -> tuple[int, dict[str, Any]]:
        response = requests.get(self.url + "/healthz", timeout=10)
        return response.status_code, response.json()

    # -- config ----------------------------------------------------------------------

    def _config(self) -> dict[str, dict[str, object]]:
        sim = self.simulator
        sections: dict[str, dict[str, object]] = {
            "DEFAULT": {"debug": False},
            "daemon": {
                "templates": ",".join(self.templates),
                "listen_address": LOOPBACK,
                "listen_port": self.port,
                **self.daemon,
            },
            "coordination": {"member_id": self.member_id},
            "ironic": {"auth_type": "none", "endpoint_override": self.ironic_url},
            "oneview": {
                "manager_url": sim.url,
                "username": sim.username,
                "password": sim.password,
                "tls_cacert_file": sim.ca_file,
            },
        }
        if self.backend_url:
            sections["coordination"]["backend_url"] = self.backend_url
        for name, options in self.sections.items():
            sections.setdefault(name, {}).update(options)
        return sections

    def _listening(self) -> bool:
        try:
            return requests.get(self.url + "/healthz", timeout=2).status_code in (200, 503)
        except requests.RequestException:
            return False
