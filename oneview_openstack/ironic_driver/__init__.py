"""Ironic hardware type ``oneview`` and its interfaces, loaded by Ironic through entry points.

Importing this package does not import Ironic; only the modules that define interfaces do.
"""
