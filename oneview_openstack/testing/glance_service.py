"""A real Glance for functional tests: its WSGI API on loopback, sqlite, the ``file`` store.

Nova resolves ``server create --image`` through Glance, and Ironic's agent deploy hands the
image to the agent from there. Glance runs without Keystone (its paste flavor
``unauthenticated-context``: every request is an admin of no project); its policy lets
that context publish images. The database is made once per Glance version by
``glance-manage db_sync`` and cached (:func:`.service_process.cached_file`)::

    with GlanceService(tmp_path / "glance") as glance:
        image = glance.connection().image.create_image(
            name="disk", disk_format="raw", container_format="bare", data=b"..."
        )
"""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from openstack.connection import Connection

DATABASE = "glance.sqlite"
# The unauthenticated context is an admin without a project: without this rule Glance
# refuses it public images ("not authorized to complete publicize_image action").
POLICY = '"publicize_image": ""\n'


def paste_config() -> Path:
    """Glance's ``glance-api-paste.ini``, installed under ``<prefix>/etc/glance``."""
    path = Path(sys.prefix) / "etc" / "glance" / "glance-api-paste.ini"
    if not path.exists():
        raise FileNotFoundError(f"glance-api-paste.ini: not found at {path}; is glance installed?")
    return path


class GlanceService(ServiceHarness):
    """A Glance API process with its config, sqlite database, images and log in ``workdir``.

    :param workdir: an empty or new directory owned by this service.
    :param startup_timeout: seconds to wait for ``GET /versions`` to answer.
    """

    def __init__(self, workdir: Path, *, startup_timeout: float = 60.0) -> None:
        self.workdir = Path(workdir)
        self.startup_timeout = startup_timeout
        self.port = free_port()
        self.config_path = self.workdir / "glance-api.conf"
        self.database_path = self.workdir / DATABASE
        self.images_dir = self.workdir / "images"
        self.log_path = self.workdir / "glance-api.log"
        self.startup_seconds: float | None = None

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def endpoint_options(self) -> dict[str, object]:
        """A ``[glance]`` section of Nova or Ironic pointing at this Glance, without Keystone."""
        return {"auth_type": "none", "endpoint_override": self.url}

    # -- lifecycle ---------------------------------------------------------------

    def start(self) -> None:
        """Write the config, copy the cached database, start the API, wait until it serves."""
        started = time.monotonic()
        try:
            self._write_config()
            version = importlib.metadata.version("glance")
            shutil.copyfile(cached_file(f"glance-{version}.sqlite", _build_database),
                            self.database_path)  # fmt: skip
            argv = [
                sys.executable, "-m", "oneview_openstack.testing.wsgi_serve",
                "glance.wsgi.api:application", "--host", LOOPBACK, "--port", str(self.port),
                "--serial",
            ]  # fmt: skip
            env = {**os.environ, "OS_GLANCE_CONFIG_DIR": str(self.workdir)}
            self._process = ServiceProcess("glance-api", argv, self.log_path, env=env)
            self._process.start()
            self._process.wait_ready(self._serves_versions, self.startup_timeout)
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - started

    def connection(self) -> Connection:
        """An openstacksdk connection to this Glance (noauth; clouds.yaml and OS_* ignored)."""
        import openstack

        return openstack.connect(
            load_yaml_config=False, load_envvars=False,
            auth_type="none", image_endpoint_override=self.url,
        )  # fmt: skip

    # -- config ------------------------------------------------------------------

    def _write_config(self) -> None:
        for directory in (self.images_dir, self.workdir / "staging", self.workdir / "tasks"):
            directory.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(paste_config(), self.workdir / "glance-api-paste.ini")
        (self.workdir / "policy.yaml").write_text(POLICY)
        sections = _sections(self.database_path)
        sections["DEFAULT"]["worker_self_reference_url"] = self.url
        sections.update(
            {
                "glance_store": {"default_backend": "fs"},
                "fs": {"filesystem_store_datadir": self.images_dir},
                "os_glance_staging_store": {"filesystem_store_datadir": self.workdir / "staging"},
                "os_glance_tasks_store": {"filesystem_store_datadir": self.workdir / "tasks"},
                "paste_deploy": {"config_file": self.workdir / "glance-api-paste.ini"},
                "oslo_policy": {
                    "policy_file": self.workdir / "policy.yaml",
                    "enforce_new_defaults": False,
                    "enforce_scope": False,
                },
            }
        )
        write_ini(self.config_path, sections)

    def _serves_versions(self) -> bool:
        try:
            return requests.get(self.url + "/versions", timeout=5).status_code in (200, 300)
        except requests.RequestException:
            return False


def _sections(database: Path) -> dict[str, dict[str, object]]:
    return {
        "DEFAULT": {"use_stderr": True, "enabled_backends": "fs:file"},
        "database": {"connection": f"sqlite:///{database}"},
    }


def _build_database(path: Path) -> None:
    """``glance-manage db_sync`` into ``path``."""
    directory = path.with_suffix(".d")
    directory.mkdir(exist_ok=True)
    config = write_ini(directory / "glance-api.conf", _sections(path))
    run_checked(
        "glance-manage db_sync",
        [console_script("glance-manage"), "--config-file", str(config), "db_sync"],
        directory / "glance-manage.log",
    )
