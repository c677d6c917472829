"""A real Placement for functional tests: its WSGI API on loopback, sqlite, ``noauth2``.

Nova schedules bare-metal instances through Placement: nova-compute reports each Ironic
node as a resource provider with one unit of its resource class, and the scheduler asks
Placement for candidates. The database is made once per Placement version by
``placement-manage db sync`` and cached (:func:`.service_process.cached_file`)::

    with PlacementService(tmp_path / "placement") as placement:
        providers = placement.get("/resource_providers")["resource_providers"]

Requests without ``X-Auth-Token`` get ``admin`` (Placement's ``noauth2`` answers 401 to
them, and takes any token as a user, ``admin`` as an admin); Nova is configured with
``[placement] auth_type = admin_token`` and that token (see :attr:`nova_options`).
"""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import requests

from oneview_openstack.testing.service_process import (
    LOOPBACK,
    ServiceHarness,
    ServiceProcess,
    cached_file,
    console_script,
    free_port,
    run_checked,
    write_ini,
)

ADMIN_TOKEN = "admin"  # noqa: S105 - noauth2 takes the token as the user; "admin" is admin
DATABASE = "placement.sqlite"
# Placement's newest microversion of the 2025-2026 releases: allocation candidates with
# traits, consumer types, `same_subtree`.
MICROVERSION = "placement 1.39"


class PlacementService(ServiceHarness):
    """A Placement API process with its config, sqlite database and log in ``workdir``.

    :param workdir: an empty or new directory owned by this service.
    :param startup_timeout: seconds to wait for ``GET /`` to answer 200.
    """

    def __init__(self, workdir: Path, *, startup_timeout: float = 60.0) -> None:
        self.workdir = Path(workdir)
        self.startup_timeout = startup_timeout
        self.port = free_port()
        self.config_path = self.workdir / "placement.conf"
        self.database_path = self.workdir / DATABASE
        self.log_path = self.workdir / "placement-api.log"
        self.startup_seconds: float | None = None

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def nova_options(self) -> dict[str, object]:
        """Nova's ``[placement]`` section for this Placement.

        ``auth_type = none`` would send ``X-Auth-Token: notused``, a user without the admin
        role, and Placement answers 403: Nova needs the admin token.
        """
        return {"auth_type": "admin_token", "endpoint": self.url, "token": ADMIN_TOKEN}

    # -- lifecycle ---------------------------------------------------------------

    def start(self) -> None:
        """Write the config, copy the cached database, start the API, wait until it serves."""
        started = time.monotonic()
        try:
            self.workdir.mkdir(parents=True, exist_ok=True)
            write_ini(self.config_path, _sections(self.database_path))
            version = importlib.metadata.version("openstack-placement")
            shutil.copyfile(cached_file(f"placement-{version}.sqlite", _build_database),
                            self.database_path)  # fmt: skip
            argv = [
                sys.executable, "-m", "oneview_openstack.testing.wsgi_serve",
                "placement.wsgi.api:application", "--host", LOOPBACK, "--port", str(self.port),
                "--serial", "--token", ADMIN_TOKEN,
            ]  # fmt: skip
            env = {**os.environ, "OS_PLACEMENT_CONFIG_DIR": str(self.workdir)}
            self._process = ServiceProcess("placement-api", argv, self.log_path, env=env)
            self._process.start()
            self._process.wait_ready(self._serves_versions, self.startup_timeout)
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - started

    # -- reading -----------------------------------------------------------------

    def get(self, path: str, microversion: str = MICROVERSION) -> Any:
        """GET ``path`` as an admin; the decoded JSON body."""
        response = requests.get(
            self.url + path,
            headers={"X-Auth-Token": ADMIN_TOKEN, "OpenStack-API-Version": microversion},
            timeout=10,
        )
        response.raise_for_status()
        return response.json()

    def inventories(self, provider_uuid: str) -> Mapping[str, Mapping[str, Any]]:
        """A resource provider's inventories by resource class (empty if it has none)."""
        try:
            found = self.get(f"/resource_providers/{provider_uuid}/inventories")
        except requests.HTTPError as error:
            if error.response is not None and error.response.status_code == 404:
                return {}
            raise
        inventories: Mapping[str, Mapping[str, Any]] = found["inventories"]
        return inventories

    def _serves_versions(self) -> bool:
        try:
            return requests.get(self.url + "/", timeout=5).status_code == 200
        except requests.RequestException:
            return False


def _sections(database: Path) -> dict[str, dict[str, object]]:
    return {
        "DEFAULT": {"use_stderr": True},
        "api": {"auth_strategy": "noauth2"},
        "placement_database": {"connection": f"sqlite:///{database}"},
    }


def _build_database(path: Path) -> None:
    """``placement-manage db sync`` into ``path``."""
    directory = path.with_suffix(".d")
    directory.mkdir(exist_ok=True)
    config = write_ini(directory / "placement.conf", _sections(path))
    run_checked(
        "placement-manage db sync",
        [console_script("placement-manage"), "--config-file", str(config), "db", "sync"],
        directory / "placement-manage.log",
    )
