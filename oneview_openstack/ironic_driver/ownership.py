"""Who owns a server: nobody, Ironic, or a OneView user (the rule of dynamic allocation).

A server belongs to whoever applied the server profile it carries. Ironic records the
profile it applied in ``driver_internal_info/applied_server_profile_uri`` (which only the
driver writes: a user who may edit driver_info cannot make Ironic delete someone else's
profile); OneView reports the profile a server carries in ``serverProfileUri``:

==========================================  ==============================================
server's ``serverProfileUri``               owner
==========================================  ==============================================
none                                        :attr:`Owner.NOBODY` (Ironic may take it)
the node's ``applied_server_profile_uri``   :attr:`Owner.IRONIC`
any other profile                           :attr:`Owner.ONEVIEW_USER` (hands off)
==========================================  ==============================================

These are pure functions of two strings, so the periodic tasks can apply them to a whole
listing of servers without another request.
"""

from __future__ import annotations

import enum

PROFILE_PATH = "/rest/server-profiles/"


class Owner(enum.Enum):
    """Who a server belongs to."""

    NOBODY = "nobody"
    IRONIC = "ironic"
    ONEVIEW_USER = "oneview-user"


def owner(server_profile_uri: str | None, applied_server_profile_uri: str | None) -> Owner:
    """The owner of a server carrying *server_profile_uri*, seen from a node that applied
    *applied_server_profile_uri* (either may be ``None``)."""
    carried = _profile_id(server_profile_uri)
    if carried is None:
        return Owner.NOBODY
    if carried == _profile_id(applied_server_profile_uri):
        return Owner.IRONIC
    return Owner.ONEVIEW_USER


def is_stale_claim(server_profile_uri: str | None, applied_server_profile_uri: str | None) -> bool:
    """True when the node believes it applied a profile the server no longer carries
    (removed or replaced in OneView behind Ironic's back)."""
    applied = _profile_id(applied_server_profile_uri)
    return applied is not None and applied != _profile_id(server_profile_uri)


def _profile_id(uri: str | None) -> str | None:
    """The id of a profile URI, compared case-insensitively (OneView ids are UUIDs)."""
    if not uri:
        return None
    return uri.rstrip("/").rsplit("/", 1)[-1].lower() or None
