"""The driver's own table (``ml2_oneview_networks``) and its alembic branch."""
