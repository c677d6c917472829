"""Placeholder: filled in by its owner."""

from __future__ import annotations

from oneview_openstack.simulator.router import Blueprint

bp = Blueprint()
