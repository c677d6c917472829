"""Run Neutron 29 with the original ``networking-oneview`` 1.1.0 ML2 driver (``oneview``).

Runs with the interpreter of the original's own venv (``neutron==29.0.0``,
``networking-oneview==1.1.0``, ``hpOneView==4.8.0``, PyMySQL), never with the project's::

    <venv>/bin/python nov_neutron.py --port 9696 --config-file neutron.conf \\
        --config-file ml2_conf.ini

The original was written for SQLAlchemy 1.x; on SQLAlchemy 2 its ``initialize()`` fails
(``autocommit=True is no longer supported``) and its ``session.begin(subtransactions=True)``
and ``context._plugin_context._session`` no longer exist. The shim below (doc/research
runtime.md section 4) replaces its two session helpers and nothing else; then the API is
served exactly as ``oneview_openstack/testing/neutron_wsgi.py`` serves it (that file is run by
path: the project's package is not installed in the original's venv).

With ``NOV_SHIM_FIX_BIND=1`` in the environment, the shim also supplies the method the
original's ``bind_port`` calls but hpOneView never had (see below); without it no port of a
server with a profile can be bound.
"""

import contextlib
import os
import runpy
import sys
from pathlib import Path
from typing import Any

import sqlalchemy as sa

# networking-oneview and hpOneView 4.8 are installed only in the original's venv (see above),
# and ship no type information: mypy, run from the project's venv, cannot find them.
from networking_oneview.conf import CONF  # type: ignore[import-not-found]
from networking_oneview.ml2.drivers.oneview import common  # type: ignore[import-not-found]
from sqlalchemy import orm

NEUTRON_WSGI = (
    Path(__file__).resolve().parents[2] / "oneview_openstack" / "testing" / "neutron_wsgi.py"
)


class CompatSession:
    """A SQLAlchemy 2 session that accepts ``begin(subtransactions=True)``."""

    def __init__(self, session: orm.Session) -> None:
        self._s = session

    def begin(
        self, subtransactions: bool = False, **kw: object
    ) -> contextlib.AbstractContextManager[orm.Session | orm.SessionTransaction]:
        if self._s.in_transaction():
            return contextlib.nullcontext(self._s)
        return self._s.begin()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._s, name)


_engine: sa.Engine | None = None


def get_database_session() -> CompatSession:
    global _engine
    if _engine is None:
        _engine = sa.create_engine(CONF.database.connection)
    return CompatSession(orm.sessionmaker(bind=_engine)())


def session_from_context(context: object) -> CompatSession | None:
    plugin_context = getattr(context, "_plugin_context", None)
    return CompatSession(plugin_context.session) if plugin_context is not None else None


common.get_database_session = get_database_session
common.session_from_context = session_from_context

if os.environ.get("NOV_SHIM_FIX_BIND") == "1":
    # Not a compatibility fix but a bug of the original: bind_port calls
    # ``oneview_client.get_server_profile_state(server_hardware)`` (common.py,
    # _check_server_profile_availability), which no hpOneView version has, so every port of a
    # server with a profile fails to bind (AttributeError). The function it meant is
    # ``common._get_server_profile_state``.
    from hpOneView.oneview_client import OneViewClient  # type: ignore[import-not-found]

    OneViewClient.get_server_profile_state = common._get_server_profile_state

if __name__ == "__main__":
    sys.argv[0] = str(NEUTRON_WSGI)
    runpy.run_path(str(NEUTRON_WSGI), run_name="__main__")
