"""Reading and writing :class:`~.models.OneViewNetwork` rows within Neutron's DB contexts."""

from __future__ import annotations

from typing import Any

from neutron_lib.db import api as db_api

from oneview_openstack.ml2.db.models import NetworkState, OneViewNetwork


def record_network(
    context: Any,
    neutron_network_id: str,
    *,
    physical_network: str,
    network_type: str,
    segmentation_id: int | None,
    managed: bool,
    oneview_network_uri: str | None = None,
) -> None:
    """Record a mapped network as pending (in the caller's transaction when there is one).

    :raises oslo_db.exception.DBDuplicateEntry: it is recorded already.
    """
    with db_api.CONTEXT_WRITER.using(context):
        context.session.add(
            OneViewNetwork(
                neutron_network_id=neutron_network_id,
                oneview_network_uri=oneview_network_uri,
                physical_network=physical_network,
                network_type=network_type,
                segmentation_id=segmentation_id,
                managed=managed,
                state=NetworkState.PENDING,
            )
        )


def get_network(context: Any, neutron_network_id: str) -> OneViewNetwork | None:
    with db_api.CONTEXT_READER.using(context):
        row: OneViewNetwork | None = context.session.get(OneViewNetwork, neutron_network_id)
        if row is not None:
            context.session.expunge(row)
        return row


def all_networks(context: Any) -> list[OneViewNetwork]:
    with db_api.CONTEXT_READER.using(context):
        rows = list(context.session.query(OneViewNetwork).all())
        for row in rows:
            context.session.expunge(row)
        return rows


def set_state(
    context: Any,
    neutron_network_id: str,
    state: NetworkState,
    *,
    oneview_network_uri: str | None = None,
    expect: str | None = None,
) -> bool:
    """Change a row's state (and URI when given); False if there is no such row, or when
    ``expect`` is given and the row's state is another (someone changed it meanwhile: a
    network deleted while its creation was being completed stays ``deleting``).
    """
    with db_api.CONTEXT_WRITER.using(context):
        row = context.session.get(OneViewNetwork, neutron_network_id, with_for_update=True)
        if row is None or (expect is not None and row.state != expect):
            return False
        row.state = state
        if oneview_network_uri is not None:
            row.oneview_network_uri = oneview_network_uri
        return True


def forget_network(context: Any, neutron_network_id: str) -> None:
    with db_api.CONTEXT_WRITER.using(context):
        context.session.query(OneViewNetwork).filter_by(
            neutron_network_id=neutron_network_id
        ).delete()
