"""ticket_history: an index in GET /groups/ID/history's order

(group_id, created_at, id) serves a page of a group's history, newest
first, without sorting all of it; it replaces the index on group_id alone,
which it covers.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 03:20:00.000000
"""
from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_ticket_history_group_id_created_at_id', 'ticket_history',
                    ['group_id', 'created_at', 'id'], unique=False)
    op.drop_index('ix_ticket_history_group_id', table_name='ticket_history')


def downgrade():
    op.create_index('ix_ticket_history_group_id', 'ticket_history', ['group_id'], unique=False)
    op.drop_index('ix_ticket_history_group_id_created_at_id', table_name='ticket_history')
