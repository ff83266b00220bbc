"""group_invitations: ids never reused on SQLite (AUTOINCREMENT)

An administrator may now withdraw an unused invitation, which deletes it;
SQLite without AUTOINCREMENT gives the newest deleted id to the next row,
so /groups/ID/invitations/ID would name another invitation than the one a
client was shown. PostgreSQL's sequences never go back: nothing changes
there.

SQLite cannot add AUTOINCREMENT in place: the table is copied. Nothing
refers to group_invitations, and no invitation could be deleted before
this revision, so the copy's counter (its largest id) gives no id again.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 19:20:00.000000
"""
from alembic import op


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    rebuild(autoincrement=True)


def downgrade():
    rebuild(autoincrement=False)


def rebuild(autoincrement):
    if op.get_bind().dialect.name != 'sqlite':
        return
    with op.batch_alter_table('group_invitations', recreate='always',
                              table_kwargs={'sqlite_autoincrement': autoincrement}):
        pass
