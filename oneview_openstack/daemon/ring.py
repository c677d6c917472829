"""Which servers this instance handles: a tooz group and a consistent hash ring over it.

Every instance joins the group and, at each cycle, reads its members and builds the same
ring: each server (by its URI) belongs to exactly one live member. When a member dies, tooz
drops it once its heartbeat expires (``membership_timeout`` in the backend URL) and its
servers spread over the others at their next cycle; a new member takes its share the same
way. Without a backend, the instance is alone and handles everything.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
from typing import Protocol

from tooz import coordination, hashring

LOG = logging.getLogger(__name__)


class MembershipError(RuntimeError):
    """The coordination backend cannot say who the members are: this cycle does nothing."""


class Membership(Protocol):
    member_id: str

    def refresh(self) -> list[str]:
        """Read the group's members (this one included); the list."""
        ...

    def owns(self, key: str) -> bool: ...

    def stop(self) -> None: ...


def default_member_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


class Alone:
    """No coordination backend: this instance handles every server."""

    def __init__(self, member_id: str | None = None) -> None:
        self.member_id = member_id or default_member_id()

    def refresh(self) -> list[str]:
        return [self.member_id]

    def owns(self, key: str) -> bool:
        return True

    def stop(self) -> None:
        pass


class ToozMembership:
    """Membership of a tooz group (Redis, etcd, ZooKeeper... whatever tooz supports)."""

    def __init__(self, backend_url: str, group: str, member_id: str | None = None) -> None:
        self.member_id = member_id or default_member_id()
        self._group = group.encode()
        self._coordinator = coordination.get_coordinator(backend_url, self.member_id.encode())
        self._ring: hashring.HashRing | None = None
        self._members: list[str] = []
        try:
            self._coordinator.start(start_heart=True)
            self._join()
        except coordination.ToozError as error:
            raise MembershipError(f"cannot join coordination group {group!r}: {error}") from error

    def _join(self) -> None:
        with contextlib.suppress(coordination.GroupAlreadyExist):
            self._coordinator.create_group(self._group).get()
        with contextlib.suppress(coordination.MemberAlreadyExist):
            self._coordinator.join_group(self._group).get()

    def refresh(self) -> list[str]:
        try:
            members = self._coordinator.get_members(self._group).get()
            if self.member_id.encode() not in members:
                # our heartbeat lapsed (backend restarted, long pause): join again
                self._join()
                members = self._coordinator.get_members(self._group).get()
        except coordination.ToozError as error:
            self._ring = None
            raise MembershipError(f"cannot read the members of the group: {error}") from error
        names = sorted(m.decode() if isinstance(m, bytes) else str(m) for m in members)
        if names != self._members:
            LOG.info("Coordination group members: %s", ", ".join(names))
        self._members = names
        self._ring = hashring.HashRing(names)
        return names

    def owns(self, key: str) -> bool:
        if self._ring is None:
            raise MembershipError("the members are unknown (refresh failed)")
        return self.member_id in self._ring.get_nodes(key.encode())

    def stop(self) -> None:
        try:
            self._coordinator.leave_group(self._group).get()
        except coordination.ToozError as error:
            LOG.warning("Could not leave the coordination group: %s", error)
        finally:
            self._coordinator.stop()


def membership(backend_url: str | None, group: str, member_id: str | None) -> Membership:
    if not backend_url:
        return Alone(member_id)
    return ToozMembership(backend_url, group, member_id)
