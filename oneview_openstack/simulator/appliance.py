"""One simulated appliance: its state, sessions, tasks and faults."""

from __future__ import annotations

from collections import Counter
from typing import Any

from oneview_openstack.simulator import resources, seed
from oneview_openstack.simulator.agents.fleet import Agents
from oneview_openstack.simulator.agents.ironic import IronicApi
from oneview_openstack.simulator.auth import Sessions, users_from_seed
from oneview_openstack.simulator.clock import Clock
from oneview_openstack.simulator.config import (
    HISTORY_SETTINGS,
    SimulatorConfig,
    apply_runtime_changes,
    runtime_settings,
)
from oneview_openstack.simulator.faults import Faults
from oneview_openstack.simulator.persistence import StateFile, seed_fingerprint
from oneview_openstack.simulator.resources.activity import ActivityWatcher
from oneview_openstack.simulator.resources.power import PowerWatcher
from oneview_openstack.simulator.resources.users import restore_logins
from oneview_openstack.simulator.router import Blueprint, Router
from oneview_openstack.simulator.store import Store
from oneview_openstack.simulator.tasks import TaskEngine
from oneview_openstack.simulator.versions import Renderer


class Appliance:
    def __init__(
        self, config: SimulatorConfig, clock: Clock | None = None, ironic: IronicApi | None = None
    ) -> None:
        self.config = config
        self.clock = clock or Clock()
        blueprints: list[Blueprint] = resources.blueprints()
        self.router = Router(blueprints)
        self.renderers: dict[str, Renderer] = {}
        jobs = {}
        for bp in blueprints:
            self.renderers.update(bp.renderers)
            jobs.update(bp.jobs)
        self.store = Store(self.clock)
        self.faults = Faults()
        self.counters: Counter[str] = Counter()
        self.tasks = TaskEngine(self, jobs)
        self.agents = Agents(self, config.agents, ironic)
        self.power_watchers: list[PowerWatcher] = [self.agents, ActivityWatcher(self)]
        self._datacenter = seed.load_datacenter(config)
        self.sessions = Sessions(
            self.clock, users_from_seed(self._datacenter.users), config.idle_timeout
        )
        self._initial_settings = runtime_settings(config)
        self.state: StateFile | None = None
        if config.state_file is not None:
            fingerprint = seed_fingerprint(config.seed_file or seed.DEFAULT_SEED, config.servers)
            self.state = StateFile(config.state_file, self.store, fingerprint)
        if self.state is not None and self.state.exists():
            self._load_seed()
            self.state.restore()
            restore_logins(self)
            self.tasks.reload()
            self.state.compact()
        else:
            self.reset()
        if self.state is not None:
            self.store.listeners.append(self.state.append)

    def _load_seed(self) -> None:
        self.store.clear()
        self.store.load(self._datacenter.fresh_documents())

    def reset(self) -> None:
        """Back to the seed datacenter: no sessions, faults, counters, tasks or agents."""
        self._load_seed()
        self.agents.reset()
        self.sessions.expire_all()
        self.sessions.reset_users()
        self.faults.clear()
        self.counters.clear()
        self.tasks.reload()
        self.configure(self._initial_settings)
        if self.state is not None:
            self.state.forget_changes()
            self.state.compact()

    def close(self) -> None:
        """Clean shutdown: the state file gets a fresh snapshot."""
        self.store.commit()
        if self.state is not None:
            self.state.close()

    def configure(self, changes: dict[str, Any]) -> None:
        """Change run-time settings (operator API); raises 400 on a bad one."""
        apply_runtime_changes(self.config, changes)
        self.sessions.idle_timeout = self.config.idle_timeout

    def describe(self) -> dict[str, Any]:
        return {
            "time_scale": self.config.time_scale,
            "idle_timeout": self.sessions.idle_timeout,
            "api_version": self.config.api_version,
            "minimum_api_version": self.config.minimum_api_version,
            "max_page_size": self.config.max_page_size,
            **{name: getattr(self.config, name) for name in HISTORY_SETTINGS},
        }
