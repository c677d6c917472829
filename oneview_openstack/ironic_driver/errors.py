"""Ironic exceptions of the ``oneview`` driver, and the one place client errors become them.

Every message names the node. The client's own error text (``OneViewError.__str__``) already
names the request and what OneView answered, and never carries a secret.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ironic.common import exception

from oneview_openstack import client

if TYPE_CHECKING:
    from oneview_openstack.ironic_driver.connections import Connection


class OneViewError(exception.DriverOperationError):
    """OneView refused or failed an operation on a node."""

    _msg_fmt = "Node %(node)s: %(doing)s failed: %(error)s"


class OneViewConnectionError(OneViewError):
    """OneView could not be reached, or did not answer in time."""

    _msg_fmt = "Node %(node)s: %(doing)s failed, OneView at %(url)s is unreachable: %(error)s"


class OneViewAuthenticationError(OneViewError):
    """OneView refused the credentials the node is configured with."""

    _msg_fmt = (
        "Node %(node)s: %(doing)s failed, OneView at %(url)s refused the login of user "
        "%(username)r: %(error)s Check [oneview]username/password or the node's "
        "driver_info/oneview_username and oneview_password."
    )


class ServerInUseByOneView(OneViewError):
    """A OneView user (not Ironic) applied the profile the node's server carries."""

    code = 409
    _msg_fmt = (
        "Node %(node)s: %(doing)s refused: server hardware %(server)s is in use by a OneView "
        "user; it carries server profile %(profile)s, which Ironic did not apply. Remove "
        "that profile in OneView (or enroll another server) to manage this node."
    )


UNREACHABLE = (client.ConnectionFailed, client.RequestTimeout, client.ServiceUnavailable)
"""Client errors meaning the appliance did not answer (as opposed to refusing)."""


@contextlib.contextmanager
def translated(node: Any, doing: str, connection: Connection) -> Iterator[None]:
    """Turn client errors raised inside the block into Ironic exceptions naming *node*.

    *doing* completes "Node X: ... failed", e.g. ``"powering on"``; *connection* (how the
    node reaches OneView) lets the message name the appliance and the user.
    """
    try:
        yield
    except client.OneViewError as error:
        raise translate(error, node, doing, connection) from error


def translate(
    error: client.OneViewError, node: Any, doing: str, connection: Connection
) -> OneViewError:
    """The Ironic exception for a client *error* raised while *doing* something for *node*."""
    details: dict[str, Any] = {"node": node.uuid, "doing": doing, "error": str(error)}
    if isinstance(error, UNREACHABLE):
        return OneViewConnectionError(url=connection.url, **details)
    if isinstance(error, client.AuthenticationFailed):
        return OneViewAuthenticationError(
            url=connection.url, username=connection.username, **details
        )
    return OneViewError(**details)
