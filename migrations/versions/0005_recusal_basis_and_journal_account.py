"""recusal basis, journal account, simulation databases, kept holidays

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 13:00:00.000000

A recusal records its legal ground apart from the note behind it: ``absences.basis`` (one of
the grounds of forvaltningslova § 6, public in the minutes), while ``absences.reason`` stays the
internal note. Recusals recorded before this revision keep their text as the note and get no
ground (the minutes say the ground was not recorded). Every journal entry records the
operating-system user and host that ran the command (``journal.os_user``, ``journal.host``;
NULL for entries made before). The council row records whether the database is a simulation
(``council.simulation``: made by ``init`` with a clock set by hand; false for existing
databases, which are taken to be real). The ``holidays`` table keeps the country's public
holidays for the years around the election period (filled by ``init``), so that a command need
not load the holidays package to count working days.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'holidays',
        sa.Column('country', sa.String(length=8), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('name', sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint('country', 'day', name=op.f('pk_holidays')))
    with op.batch_alter_table('council', schema=None) as batch_op:
        batch_op.add_column(sa.Column('simulation', sa.Boolean(), nullable=False,
                                      server_default=sa.text('false')))
    with op.batch_alter_table('absences', schema=None) as batch_op:
        batch_op.add_column(sa.Column('basis', sa.String(length=16), nullable=True))
    with op.batch_alter_table('journal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('os_user', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('host', sa.String(length=255), nullable=True))


def downgrade() -> None:
    op.drop_table('holidays')
    with op.batch_alter_table('journal', schema=None) as batch_op:
        batch_op.drop_column('host')
        batch_op.drop_column('os_user')
    with op.batch_alter_table('absences', schema=None) as batch_op:
        batch_op.drop_column('basis')
    with op.batch_alter_table('council', schema=None) as batch_op:
        batch_op.drop_column('simulation')
