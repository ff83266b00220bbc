"""groups.invitation_code dropped: the standing code is never stored

A group's standing invitation code is a secret (whoever holds it joins the
group), and secrets are never stored in plain text; administrators see it
every time, so it cannot be a hash either. It is now made from the group's
id and a key derived from seatshare.session_secret
(``seatshare.services.group_invitations.standing_code``). Every group's code changes
with this upgrade: the old codes stop working, and administrators see the
new one in GET /groups/ID.

SQLite cannot drop a column with a UNIQUE constraint in place: the table is
copied (batch mode), with foreign keys off for the copy (``env.py``), so
that dropping the old ``groups`` table deletes no membership, ticket or
invitation. The downgrade gives every group a new random code.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 08:10:00.000000
"""
import secrets

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('groups') as batch:
        batch.drop_constraint('uq_groups_invitation_code', type_='unique')
        batch.drop_column('invitation_code')


def downgrade():
    with op.batch_alter_table('groups') as batch:
        batch.add_column(sa.Column('invitation_code', sa.String(length=64), nullable=True))
    bind = op.get_bind()
    group_ids = bind.execute(sa.text('SELECT id FROM groups')).scalars().all()
    if group_ids:
        bind.execute(sa.text('UPDATE groups SET invitation_code = :code WHERE id = :id'),
                     [{'id': id, 'code': secrets.token_urlsafe(16)} for id in group_ids])
    with op.batch_alter_table('groups') as batch:
        batch.alter_column('invitation_code', existing_type=sa.String(length=64),
                           nullable=False)
        batch.create_unique_constraint('uq_groups_invitation_code', ['invitation_code'])
