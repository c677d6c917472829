"""Benchmarks: ``python -m bench`` runs them all (today: the simulator)."""
