"""Create Neutron's database schema from its models, for sqlite.

``neutron-db-manage upgrade heads`` fails on sqlite (its migrations ALTER constraints), so
tests create every table from the models (as neutron-lib's ``SqlFixture`` does) and then
``neutron-db-manage stamp heads`` records the migrations as applied::

    python -m oneview_openstack.testing.neutron_schema sqlite:///neutron.sqlite [MODULE ...]

Each extra MODULE is imported first so that its models (a plugin's tables) are created too.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence


def create_all(url: str, model_modules: Sequence[str] = ()) -> int:
    """Create every table of Neutron (and of ``model_modules``) at ``url``; the table count."""
    import sqlalchemy
    from neutron.db.migration.models import head  # imports every Neutron model module

    for module in model_modules:
        importlib.import_module(module)
    metadata = head.get_metadata()
    engine = sqlalchemy.create_engine(url)
    try:
        metadata.create_all(engine)
    finally:
        engine.dispose()
    return len(metadata.tables)


def main(argv: Sequence[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        raise SystemExit(f"usage: python -m {__spec__.name} URL [MODULE ...]")
    tables = create_all(args[0], args[1:])
    print(f"created {tables} tables", flush=True)


if __name__ == "__main__":
    main()
