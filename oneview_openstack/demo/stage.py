"""What the chapters share: the cloud, the demo's own OneView client, the tenant's connection."""

from __future__ import annotations

import dataclasses
import os
import subprocess
from pathlib import Path
from typing import Any

from oneview_openstack.client import OneViewClient
from oneview_openstack.testing.cloud import CLOUD_NAME, OneViewCloud
from oneview_openstack.testing.service_process import console_script


class DemoFailure(RuntimeError):
    """A step of the story did not happen; the message says which and what OpenStack said."""


@dataclasses.dataclass
class DemoNode:
    """One Ironic node of the story and the OneView server it is enrolled with."""

    name: str
    id: str
    server_name: str
    server_uri: str

    @property
    def profile_name(self) -> str:
        """The name Ironic gives the profiles it applies to this node's server."""
        return f"ironic-{self.name}"


@dataclasses.dataclass
class Stage:
    cloud: OneViewCloud
    ov: OneViewClient
    workdir: Path
    nodes: list[DemoNode] = dataclasses.field(default_factory=list)
    _conn: Any = None

    @property
    def clouds_yaml(self) -> Path:
        return self.workdir / "clouds.yaml"

    @property
    def conn(self) -> Any:
        """The tenant's openstacksdk connection, from the demo's ``clouds.yaml`` (reused)."""
        if self._conn is None:
            from openstack.config import OpenStackConfig
            from openstack.connection import Connection

            path = self.cloud.clouds_yaml(self.clouds_yaml)
            config = OpenStackConfig(config_files=[str(path)], load_envvars=False)
            self._conn = Connection(config=config.get_one(cloud=CLOUD_NAME))
        return self._conn

    @property
    def baremetal(self) -> Any:
        return self.conn.baremetal

    def openstack_cli(self, *args: str, timeout: float = 120) -> str:
        """Run ``openstack ARGS`` as a tenant would, with the demo's ``clouds.yaml``; its
        output, or DemoFailure with what it printed."""
        path = self.cloud.clouds_yaml(self.clouds_yaml)
        env = {**os.environ, "OS_CLIENT_CONFIG_FILE": str(path), "OS_CLOUD": CLOUD_NAME}
        return run_cli(["openstack", *args], env, timeout)


def run_cli(argv: list[str], env: dict[str, str], timeout: float = 120) -> str:
    """Run a console script of the venv; its standard output, or DemoFailure."""
    command = [console_script(argv[0]), *argv[1:]]
    done = subprocess.run(  # noqa: S603 - argv built by the demo
        command, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode != 0:
        raise DemoFailure(
            f"`{' '.join(argv)}` exited with status {done.returncode}: "
            f"{(done.stderr or done.stdout).strip()}"
        )
    return done.stdout
