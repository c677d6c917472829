"""What the driver records per Neutron network: the OneView network and the state of the work.

A row is written in the same transaction as the Neutron network (precommit), so a change
that OneView did not complete is never lost: ``state`` says what is still to be done, and
the synchronization finishes it (see :mod:`oneview_openstack.ml2.sync`).
"""

from __future__ import annotations

import enum

import sqlalchemy as sa
from neutron_lib.db import model_base
from sqlalchemy.orm import Mapped, mapped_column


class NetworkState(enum.StrEnum):
    """Where the OneView side of a Neutron network stands."""

    #: Recorded; the OneView network or its uplink-set memberships may still be missing.
    PENDING = "pending"
    #: The OneView network exists and is in every mapped uplink set.
    ACTIVE = "active"
    #: The Neutron network is gone; the OneView network (when managed) is still to delete.
    DELETING = "deleting"


class OneViewNetwork(model_base.BASEV2):  # type: ignore[misc]
    """One Neutron network on a mapped physical network, and its OneView network."""

    __tablename__ = "ml2_oneview_networks"

    neutron_network_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    #: ``/rest/ethernet-networks/<id>``; None until OneView created it.
    oneview_network_uri: Mapped[str | None] = mapped_column(sa.String(255), nullable=True)
    physical_network: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    #: ``vlan`` or ``flat``.
    network_type: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    segmentation_id: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    #: True when this driver created the OneView network (and so deletes it); False for a
    #: network of ``flat_net_mappings``, which belongs to the OneView administrator.
    managed: Mapped[bool] = mapped_column(sa.Boolean, nullable=False)
    state: Mapped[str] = mapped_column(sa.String(16), nullable=False)
