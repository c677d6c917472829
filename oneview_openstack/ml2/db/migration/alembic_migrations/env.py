"""alembic's environment for this project's branch, run by ``neutron-db-manage``.

Like Neutron's own ``env.py``, but with this project's version table
(:data:`VERSION_TABLE`) and only this project's tables in view: autogenerate compares
:data:`OWN_TABLES` and nothing of Neutron's.
"""

from __future__ import annotations

from typing import Any

from alembic import context
from neutron.db.migration.connection import DBConnection
from neutron_lib.db import model_base

from oneview_openstack.ml2.db import models  # noqa: F401 - registers the tables

VERSION_TABLE = "alembic_version_oneview_openstack"
_OWN_PACKAGE = "oneview_openstack."

#: The tables of this project's models; every other table is Neutron's or another's.
OWN_TABLES = frozenset(
    mapper.local_table.name
    for mapper in model_base.BASEV2.registry.mappers
    if mapper.class_.__module__.startswith(_OWN_PACKAGE)
)

config = context.config
neutron_config = config.neutron_config  # type: ignore[attr-defined]  # set by neutron-db-manage
target_metadata = model_base.BASEV2.metadata


def include_object(
    object_: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Only this project's tables, and their columns, indexes and constraints."""
    if type_ == "table":
        return name in OWN_TABLES
    table = getattr(object_, "table", None)
    return table is None or table.name in OWN_TABLES


def run_migrations_offline() -> None:
    """Write the SQL of the migrations (``--sql``) instead of running them."""
    kwargs: dict[str, Any] = {}
    if neutron_config.database.connection:
        kwargs["url"] = neutron_config.database.connection
    else:
        kwargs["dialect_name"] = neutron_config.database.engine
    context.configure(include_object=include_object, version_table=VERSION_TABLE, **kwargs)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations on ``[database] connection`` (or the connection given)."""
    connection = config.attributes.get("connection")
    with DBConnection(neutron_config.database.connection, connection) as conn:
        context.configure(
            connection=conn,
            target_metadata=target_metadata,
            include_object=include_object,
            version_table=VERSION_TABLE,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
