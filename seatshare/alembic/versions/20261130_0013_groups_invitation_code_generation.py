"""groups.invitation_code_generation: an administrator may replace the code

A group's standing invitation code is a MAC of its id and, from now on, of
this generation; replacing the code adds one, so a code that leaked stops
working. Existing groups start at 0, whose code is the one they had: no
code changes with this upgrade.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 19:10:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('groups', sa.Column(
        'invitation_code_generation', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    # A column without index or constraint: SQLite drops it in place. Every
    # group is back to its first code.
    op.drop_column('groups', 'invitation_code_generation')
