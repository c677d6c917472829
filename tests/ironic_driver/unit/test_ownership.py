"""The ownership rule of dynamic allocation."""

from __future__ import annotations

import pytest

from oneview_openstack.ironic_driver.ownership import Owner, is_stale_claim, owner

MINE = "/rest/server-profiles/0f5e"
OTHER = "/rest/server-profiles/9a1b"


@pytest.mark.parametrize(
    ("carried", "applied", "expected"),
    [
        (None, None, Owner.NOBODY),
        ("", MINE, Owner.NOBODY),
        (MINE, MINE, Owner.IRONIC),
        (MINE.upper().replace("/REST/SERVER-PROFILES", "/rest/server-profiles"), MINE,
         Owner.IRONIC),
        (OTHER, MINE, Owner.ONEVIEW_USER),
        (OTHER, None, Owner.ONEVIEW_USER),
    ],
)  # fmt: skip
def test_owner(carried: str | None, applied: str | None, expected: Owner) -> None:
    assert owner(carried, applied) is expected


@pytest.mark.parametrize(
    ("carried", "applied", "stale"),
    [(None, MINE, True), (OTHER, MINE, True), (MINE, MINE, False), (None, None, False),
     (OTHER, None, False)],
)  # fmt: skip
def test_stale_claim(carried: str | None, applied: str | None, stale: bool) -> None:
    assert is_stale_claim(carried, applied) is stale
