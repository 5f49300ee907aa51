"""the outbox: messages written with the change that causes them

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 15:30:00.000000

``outbox`` holds every message to one person (a meeting's notice and invitation, an update, a
cancellation, a substitute's call-in, the confirmation of an absence), written in the same
transaction as the change that caused it, with a unique key; the dispatcher delivers it later.
``meetings.calendar_sequence`` is the SEQUENCE of the meeting's invitation (RFC 5545): 0 for
every meeting so far, none of which has been sent as an invitation.
``meetings.minutes_sent_at``: when the minutes went to the members (NULL: not yet).
``written_handlings.reminded_at``: when those who had not answered a written proposal were
reminded (NULL: not yet, or never for a short window).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'outbox',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=400), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('person_id', sa.String(length=64), nullable=True),
        sa.Column('name', sa.String(length=300), nullable=False),
        sa.Column('address', sa.String(length=300), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=True),
        sa.Column('case_id', sa.Integer(), nullable=True),
        sa.Column('sequence', sa.Integer(), nullable=True),
        sa.Column('subject', sa.String(length=500), nullable=False),
        sa.Column('payload', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('claim', sa.String(length=64), nullable=True),
        sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('receipt', sa.Text(), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_outbox_case_id_cases')),
        sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'],
                                name=op.f('fk_outbox_meeting_id_meetings')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox')),
        sa.UniqueConstraint('key', name=op.f('uq_outbox_key')))
    op.create_index(op.f('ix_outbox_case_id'), 'outbox', ['case_id'], unique=False)
    op.create_index(op.f('ix_outbox_meeting_id'), 'outbox', ['meeting_id'], unique=False)
    op.create_index(op.f('ix_outbox_person_id'), 'outbox', ['person_id'], unique=False)
    op.create_index(op.f('ix_outbox_status'), 'outbox', ['status'], unique=False)
    op.create_index('ix_outbox_due', 'outbox', ['next_attempt_at'], unique=False,
                    sqlite_where=sa.text("status = 'pending'"),
                    postgresql_where=sa.text("status = 'pending'"))
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calendar_sequence', sa.Integer(), nullable=False,
                                      server_default=sa.text('0')))
        batch_op.add_column(sa.Column('minutes_sent_at', sa.DateTime(timezone=True),
                                      nullable=True))
    with op.batch_alter_table('written_handlings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('written_handlings', schema=None) as batch_op:
        batch_op.drop_column('reminded_at')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_column('minutes_sent_at')
        batch_op.drop_column('calendar_sequence')
    op.drop_index('ix_outbox_due', table_name='outbox')
    op.drop_index(op.f('ix_outbox_status'), table_name='outbox')
    op.drop_index(op.f('ix_outbox_person_id'), table_name='outbox')
    op.drop_index(op.f('ix_outbox_meeting_id'), table_name='outbox')
    op.drop_index(op.f('ix_outbox_case_id'), table_name='outbox')
    op.drop_table('outbox')
