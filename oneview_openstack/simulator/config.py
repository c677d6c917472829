"""Settings of one simulated appliance (command-line flags or the operator API)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

MINIMUM_API_VERSION = 120
DEFAULT_API_VERSION = 4600  # OneView 8.00


@dataclass
class SimulatorConfig:
    host: str = "127.0.0.1"
    port: int = 8443
    tls: bool = True
    cert_dir: Path | None = None
    seed_file: Path | None = None  # None: the packaged default datacenter
    servers: int | None = None  # generate a datacenter of this many servers instead
    state_file: Path | None = None
    time_scale: float = 1.0  # multiplies every task's duration
    api_version: int = DEFAULT_API_VERSION
    minimum_api_version: int = MINIMUM_API_VERSION
    idle_timeout: float = 24 * 3600.0  # seconds a session may stay unused
    max_page_size: int | None = None  # cap on members per page (exercises nextPageUri)
    tick_interval: float = 0.05  # seconds between background task advances
