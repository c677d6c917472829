"""The alembic branch of this project's Neutron tables, run by ``neutron-db-manage``.

``neutron-db-manage upgrade heads`` finds it through the entry point
``neutron.db.alembic_migrations`` (``oneview-openstack =
oneview_openstack.ml2.db.migration:alembic_migrations``) and applies it after Neutron's own;
its revisions are recorded in the table ``alembic_version_oneview_openstack``. A single
branch in ``alembic_migrations/versions`` (no expand/contract split): ``upgrade heads`` and
``--subproject oneview-openstack upgrade head`` apply it; ``upgrade --expand`` and
``--contract`` do not know it.
"""
