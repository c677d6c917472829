"""Typed OneView resources and their managers (reachable from ``OneViewClient``)."""
