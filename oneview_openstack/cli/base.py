"""What every command shares: its clients, and one place that turns errors into one line.

The same command classes run under OpenStackClient (``openstack oneview ...``) and under the
standalone ``ironic-oneview``. Either application gives them ``app.options`` (the parsed
global options, OneView's among them) and ``app.client_manager.sdk_connection`` (an
openstacksdk connection with the user's auth, TLS and endpoints).

Every error a user can cause or meet (OneView unreachable, a wrong CA, bad credentials, an
unknown template, Ironic or Nova refusing) becomes an osc-lib ``CommandError`` with one line
that names what failed and why: never a traceback (``--debug`` still shows it).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import sys
from collections.abc import Iterator
from typing import Any

import requests
from cliff import command, lister
from keystoneauth1 import exceptions as ksa_exceptions
from openstack import exceptions as sdk_exceptions
from osc_lib import exceptions as osc_exceptions

from oneview_openstack import client
from oneview_openstack.cli import oneview_options
from oneview_openstack.enrollment import EnrollmentError
from oneview_openstack.enrollment.ironic import error_text

LOG = logging.getLogger(__name__)


class Clients:
    """The connections of one command run, made on first use and closed at the end."""

    def __init__(self, app: Any) -> None:
        self._app = app
        self._oneview: client.OneViewClient | None = None

    @functools.cached_property
    def settings(self) -> oneview_options.OneViewSettings:
        return oneview_options.resolve(self._app.options)

    @property
    def oneview(self) -> client.OneViewClient:
        if self._oneview is None:
            self._oneview = self.settings.connect()
        return self._oneview

    @property
    def connection(self) -> Any:
        return self._app.client_manager.sdk_connection

    @property
    def baremetal(self) -> Any:
        return self.connection.baremetal

    @property
    def compute(self) -> Any:
        return self.connection.compute

    def close(self) -> None:
        if self._oneview is not None:
            self._oneview.close()
            self._oneview = None


@contextlib.contextmanager
def translated_errors() -> Iterator[None]:
    """Turn the errors of OneView, Ironic, Nova and enrollment into a one-line CommandError."""
    try:
        yield
    except osc_exceptions.CommandError:
        raise
    except EnrollmentError as error:
        raise osc_exceptions.CommandError(str(error)) from error
    except client.OneViewError as error:
        raise osc_exceptions.CommandError(f"OneView: {_first_line(error)}") from error
    except sdk_exceptions.SDKException as error:
        raise osc_exceptions.CommandError(_openstack_error(error)) from error
    except ksa_exceptions.ClientException as error:
        raise osc_exceptions.CommandError(f"OpenStack: {_first_line(error)}") from error
    except requests.RequestException as error:
        raise osc_exceptions.CommandError(_first_line(error)) from error


def _openstack_error(error: sdk_exceptions.SDKException) -> str:
    if isinstance(error, sdk_exceptions.HttpException):
        service = "Nova" if "/flavors" in str(getattr(error, "url", "") or "") else "Ironic"
        return f"{service}: {_first_line(error_text(error))}"
    return f"OpenStack: {_first_line(error)}"


def _first_line(error: object) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


class _Base:
    """Mixed into cliff's Command and Lister: clients, and errors as one line."""

    app: Any

    def run(self, parsed_args: Any) -> int:
        self.clients = Clients(self.app)
        self.failed = 0
        try:
            with translated_errors():
                status: int = super().run(parsed_args)  # type: ignore[misc]
        finally:
            self.clients.close()
        return 1 if self.failed else status

    def warn(self, message: str) -> None:
        print(message, file=sys.stderr)


class OneViewCommand(_Base, command.Command):
    """A command that prints lines, not a table."""


class OneViewLister(_Base, lister.Lister):
    """A command that answers a table (``-f table|json|yaml|csv|value``)."""
