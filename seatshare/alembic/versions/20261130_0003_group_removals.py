"""group_removals: a member an administrator removed stays out

The group's standing code no longer lets a removed member back in; a
single-use invitation does, and deletes the row. Existing groups start with
no removals.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 02:10:43.368924
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'group_removals',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('group_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('removed_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['group_id'], ['groups.id'],
                                name=op.f('fk_group_removals_group_id_groups'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['removed_by_id'], ['users.id'],
                                name=op.f('fk_group_removals_removed_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_group_removals_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_group_removals')),
        sa.UniqueConstraint('group_id', 'user_id', name='uq_group_removals_group_id_user_id'),
    )
    op.create_index(op.f('ix_group_removals_removed_by_id'), 'group_removals',
                    ['removed_by_id'], unique=False)
    op.create_index(op.f('ix_group_removals_user_id'), 'group_removals', ['user_id'],
                    unique=False)


def downgrade():
    op.drop_index(op.f('ix_group_removals_user_id'), table_name='group_removals')
    op.drop_index(op.f('ix_group_removals_removed_by_id'), table_name='group_removals')
    op.drop_table('group_removals')
