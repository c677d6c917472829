"""Enrolling many nodes in a test Ironic quickly: copies of one node, written by Ironic's model.

Ironic's API creates about 18 nodes a second, so 1,000 nodes would take a minute. A test or
benchmark that needs many nodes creates **one** through the API (so Ironic fills in and
validates every field, interfaces included) and :func:`clone_nodes` copies its database row
with Ironic's own SQLAlchemy table definition, in one transaction, changing only what differs
(UUID, name, ``driver_info``...). The running conductor sees the copies at its next query,
as it would see nodes another API process created.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import sqlalchemy


def clone_nodes(
    database: Path, source_uuid: str, variations: Sequence[Mapping[str, Any]]
) -> list[str]:
    """Insert one copy of node *source_uuid* per entry of *variations*; their UUIDs.

    Each variation overrides columns of the copy (``name``, ``driver_info``,
    ``provision_state``, ...); a new ``uuid`` is generated unless one is given.
    """
    from ironic.db.sqlalchemy import models

    table = models.Node.__table__
    engine = sqlalchemy.create_engine(f"sqlite:///{database}")
    try:
        with engine.begin() as connection:
            source = connection.execute(
                sqlalchemy.select(table).where(table.c.uuid == source_uuid)
            ).mappings()
            row = dict(source.one())
            row.pop("id")
            copies = [
                {**row, "uuid": str(uuid.uuid4()), **dict(variation)} for variation in variations
            ]
            if copies:
                connection.execute(table.insert(), copies)
    finally:
        engine.dispose()
    return [str(copy["uuid"]) for copy in copies]
