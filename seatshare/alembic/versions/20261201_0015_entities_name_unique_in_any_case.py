"""entities: a name is unique in any case, kept by the database

``entity create`` and ``db demo`` refused a second entity whose name
differs only in case ("riverside rovers" beside "Riverside Rovers": a
second team for groups to pick, each with half the schedule), but nothing
below them did. A unique index on lower(name) now does, lower() as each
database has it (SQLite folds ASCII letters only), as the commands look
names up.

Before it creates the index, the upgrade reads the names it would refuse:
any there stops it with a message naming them, having changed nothing
(PostgreSQL rolls the whole upgrade back; SQLite stays at 0014). No fix is
safe (which one keeps the name, and where do the other's events and
groups go?).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 01:05:00.000000
"""
from alembic import op, util
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

# How many sets of clashing names the message names before "and N more".
SHOWN = 20


def upgrade():
    rows = op.get_bind().execute(sa.text(
        'SELECT lower(name), id, name FROM entities WHERE lower(name) IN'
        ' (SELECT lower(name) FROM entities GROUP BY lower(name) HAVING count(*) > 1)'
        ' ORDER BY lower(name), id')).all()
    clashes = {}
    for folded, id_, name in rows:
        clashes.setdefault(folded, []).append(f'{name!r} (id {id_})')
    if clashes:
        shown = '; '.join(' and '.join(names) for names in list(clashes.values())[:SHOWN])
        if len(clashes) > SHOWN:
            shown += f'; and {len(clashes) - SHOWN} more'
        raise util.CommandError(
            f'migration 0015 changed nothing: entity names differ only in case: {shown}: '
            'rename all but one of each (or move its events and groups to that one and '
            'delete it), then upgrade again')
    op.create_index('uq_entities_name_lower', 'entities', [sa.text('lower(name)')],
                    unique=True)


def downgrade():
    op.drop_index('uq_entities_name_lower', table_name='entities')
