"""office console: one-time sign-in links and sessions (issue 16)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 07:40:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0010'
down_revision: Union[str, Sequence[str], None] = '0009'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    # Only keyed hashes of the tokens: a copy of the database signs nobody in.
    op.create_table('office_sign_in_link',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('school_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['telegram_account.id'], name=op.f('fk_office_sign_in_link_account_id_telegram_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_office_sign_in_link_school_id_school'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_office_sign_in_link')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_office_sign_in_link_token_hash'))
    )
    with op.batch_alter_table('office_sign_in_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_office_sign_in_link_account_id'), ['account_id'], unique=False)

    op.create_table('office_session',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('school_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_agent', sa.String(length=200), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['telegram_account.id'], name=op.f('fk_office_session_account_id_telegram_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_office_session_school_id_school'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_office_session')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_office_session_token_hash'))
    )
    with op.batch_alter_table('office_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_office_session_account_id_revoked_at'), ['account_id', 'revoked_at'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('office_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_office_session_account_id_revoked_at'))

    op.drop_table('office_session')
    with op.batch_alter_table('office_sign_in_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_office_sign_in_link_account_id'))

    op.drop_table('office_sign_in_link')
