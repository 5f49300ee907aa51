"""membership history

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 08:12:40.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

_OPEN = sa.text('valid_to IS NULL')


def upgrade() -> None:
    # A new table needs no batch mode on SQLite (only ALTERs do).
    op.create_table('membership_periods',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.String(length=64), nullable=False),
    sa.Column('body_id', sa.String(length=64), nullable=False),
    sa.Column('municipality_id', sa.String(length=64), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('valid_from', sa.DateTime(timezone=True), nullable=False),
    sa.Column('valid_to', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['body_id'], ['bodies.id'],
                            name=op.f('fk_membership_periods_body_id_bodies')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'],
                            name=op.f('fk_membership_periods_municipality_id_municipalities')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'],
                            name=op.f('fk_membership_periods_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_membership_periods'))
    )
    op.create_index('ix_membership_periods_body_valid_to', 'membership_periods',
                    ['body_id', 'valid_to'], unique=False)
    op.create_index('uq_membership_periods_one_open', 'membership_periods',
                    ['person_id', 'body_id', 'role'], unique=True,
                    sqlite_where=_OPEN, postgresql_where=_OPEN)


def downgrade() -> None:
    op.drop_index('uq_membership_periods_one_open', table_name='membership_periods',
                  sqlite_where=_OPEN, postgresql_where=_OPEN)
    op.drop_index('ix_membership_periods_body_valid_to', table_name='membership_periods')
    op.drop_table('membership_periods')
