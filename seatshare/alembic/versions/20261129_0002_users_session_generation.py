"""users.session_generation: signing out ends every browser session

A browser session cookie remembers the generation it was signed in under;
signing out adds one, so a copy of the cookie no longer signs anyone in.
Existing users start at 0; cookies signed before this carry no generation
and are signed out.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 22:10:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('users', sa.Column(
        'session_generation', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    # SQLite has DROP COLUMN since 3.35; a column without index or
    # constraint needs no table rebuild there.
    op.drop_column('users', 'session_generation')
