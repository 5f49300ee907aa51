"""the journal says which way a change came in

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 18:00:00.000000

``journal.via``: the entry point the change came through (``cli``, ``prefect-ui`` for a staff
form in the Prefect UI, ``prefect-schedule`` for a scheduled run, ``demo``); NULL for the
entries written before. ``journal.run_ref``: the Prefect flow run that made it, when one did,
so that an entry leads to the run's log and the run to the entry.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('journal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('via', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('run_ref', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('journal', schema=None) as batch_op:
        batch_op.drop_column('run_ref')
        batch_op.drop_column('via')
