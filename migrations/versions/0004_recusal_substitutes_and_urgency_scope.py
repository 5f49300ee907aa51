"""recusal substitutes and the urgency authority's scope

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 09:20:00.000000

A substitute can be called in and seated for one case (a member recused in it): substitute
calls and attendance rows get the case they are for (NULL: the whole meeting), and a person's
attendance is unique per meeting and case, with one row at most for the whole meeting. Bodies
get ``substitute_for_recusal`` (true for every existing body, as the default of the file) and
``urgency_authority`` (NULL: the default reading, until the organisation file is loaded again).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

_WHOLE = sa.text('case_id IS NULL')


def upgrade() -> None:
    # SQLite cannot ALTER a table to add a constraint: batch mode copies it (PostgreSQL ALTERs).
    with op.batch_alter_table('bodies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('substitute_for_recusal', sa.Boolean(), nullable=False,
                                      server_default=sa.text('true')))
        batch_op.add_column(sa.Column('urgency_authority', sa.JSON(), nullable=True))

    with op.batch_alter_table('substitute_calls', schema=None) as batch_op:
        batch_op.add_column(sa.Column('case_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_substitute_calls_case_id_cases'), 'cases',
                                    ['case_id'], ['id'])

    with op.batch_alter_table('attendances', schema=None) as batch_op:
        batch_op.add_column(sa.Column('case_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_attendances_case_id_cases'), 'cases',
                                    ['case_id'], ['id'])
        batch_op.drop_constraint('uq_attendances_meeting_id_person_id', type_='unique')
        batch_op.create_unique_constraint(
            batch_op.f('uq_attendances_meeting_id_person_id_case_id'),
            ['meeting_id', 'person_id', 'case_id'])
    op.create_index('uq_attendances_one_whole', 'attendances', ['meeting_id', 'person_id'],
                    unique=True, sqlite_where=_WHOLE, postgresql_where=_WHOLE)


def downgrade() -> None:
    # Rows for one case cannot stay once a person has one row per meeting again.
    op.execute(sa.text('DELETE FROM attendances WHERE case_id IS NOT NULL'))
    op.drop_index('uq_attendances_one_whole', table_name='attendances',
                  sqlite_where=_WHOLE, postgresql_where=_WHOLE)
    with op.batch_alter_table('attendances', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_attendances_meeting_id_person_id_case_id'),
                                 type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_attendances_meeting_id_person_id'),
                                          ['meeting_id', 'person_id'])
        batch_op.drop_constraint(batch_op.f('fk_attendances_case_id_cases'),
                                 type_='foreignkey')
        batch_op.drop_column('case_id')

    with op.batch_alter_table('substitute_calls', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_substitute_calls_case_id_cases'),
                                 type_='foreignkey')
        batch_op.drop_column('case_id')

    with op.batch_alter_table('bodies', schema=None) as batch_op:
        batch_op.drop_column('urgency_authority')
        batch_op.drop_column('substitute_for_recusal')
