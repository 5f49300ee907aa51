"""referral without a recommendation

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 15:00:00.000000

A body that prepares a case for another may send it on without a recommendation of its own
(oversendt utan innstilling), for instance when its recommendation fell in the vote:
``treatments.without_recommendation`` marks such a referral, so that the deciding body's agenda
and minutes say that the case comes without one. False for every treatment recorded before.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('treatments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('without_recommendation', sa.Boolean(), nullable=False,
                                      server_default=sa.text('false')))


def downgrade() -> None:
    with op.batch_alter_table('treatments', schema=None) as batch_op:
        batch_op.drop_column('without_recommendation')
