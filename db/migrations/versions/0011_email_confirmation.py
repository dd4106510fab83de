"""e-mail confirmation: a parent's address from the bot, waiting for its link; risk-alert
state per guardian told by letter (issue 17)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 08:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0011'
down_revision: Union[str, Sequence[str], None] = '0010'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    # Short-lived: the address counts only once confirmed (then it is in contact_record),
    # and the daily erasure job deletes expired requests.
    op.create_table('email_confirmation',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('school_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('guardian_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['telegram_account.id'], name=op.f('fk_email_confirmation_account_id_telegram_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['guardian_id'], ['guardian.id'], name=op.f('fk_email_confirmation_guardian_id_guardian'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_email_confirmation_school_id_school'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_email_confirmation'))
    )
    with op.batch_alter_table('email_confirmation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_email_confirmation_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_email_confirmation_guardian_id'), ['guardian_id'], unique=False)

    # A guardian on e-mail has no account: the state told is kept per guardian instead.
    with op.batch_alter_table('risk_alert_state', schema=None) as batch_op:
        batch_op.alter_column('account_id', existing_type=sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True)
        batch_op.add_column(sa.Column('guardian_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_risk_alert_state_guardian_id_guardian'), 'guardian', ['guardian_id'], ['id'], ondelete='CASCADE')
        batch_op.create_unique_constraint(batch_op.f('uq_risk_alert_state_guardian_id_student_id_subject_id_period_id'), ['guardian_id', 'student_id', 'subject_id', 'period_id'])
        batch_op.create_check_constraint(batch_op.f('ck_risk_alert_state_one_reader'), '(account_id IS NULL) <> (guardian_id IS NULL)')


def downgrade() -> None:
    """Downgrade schema."""
    op.execute("DELETE FROM risk_alert_state WHERE account_id IS NULL")
    with op.batch_alter_table('risk_alert_state', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_risk_alert_state_one_reader'), type_='check')
        batch_op.drop_constraint(batch_op.f('uq_risk_alert_state_guardian_id_student_id_subject_id_period_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('fk_risk_alert_state_guardian_id_guardian'), type_='foreignkey')
        batch_op.drop_column('guardian_id')
        batch_op.alter_column('account_id', existing_type=sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False)

    with op.batch_alter_table('email_confirmation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_email_confirmation_guardian_id'))
        batch_op.drop_index(batch_op.f('ix_email_confirmation_expires_at'))

    op.drop_table('email_confirmation')
