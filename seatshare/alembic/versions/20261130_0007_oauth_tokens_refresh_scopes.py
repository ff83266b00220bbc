"""oauth_tokens.refresh_scopes: a narrowed refresh keeps its refresh token's scope

RFC 6749 §6: a refresh may ask for fewer scopes than its refresh token
carries; the new access token gets those, but the new refresh token's
scope must be identical to the one presented. The row keeps the refresh
token's scopes here when they differ from the access token's; NULL (every
existing row): the same.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 06:50:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('oauth_tokens', sa.Column('refresh_scopes', sa.String(200), nullable=True))


def downgrade():
    # A column without index or constraint: no table rebuild on SQLite.
    op.drop_column('oauth_tokens', 'refresh_scopes')
