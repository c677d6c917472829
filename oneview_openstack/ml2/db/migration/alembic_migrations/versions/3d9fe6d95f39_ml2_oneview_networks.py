"""ml2_oneview_networks: the OneView network of each Neutron network, and its state.

Revision ID: 3d9fe6d95f39
Revises: None (the start of this project's branch)
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "3d9fe6d95f39"
down_revision: str | None = None


def upgrade() -> None:
    op.create_table(
        "ml2_oneview_networks",
        sa.Column("neutron_network_id", sa.String(36), nullable=False),
        sa.Column("oneview_network_uri", sa.String(255), nullable=True),
        sa.Column("physical_network", sa.String(64), nullable=False),
        sa.Column("network_type", sa.String(16), nullable=False),
        sa.Column("segmentation_id", sa.Integer(), nullable=True),
        sa.Column("managed", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("neutron_network_id"),
    )
