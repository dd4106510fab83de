"""e-mail delivery: the outbox's channel, letters' recipients, notices by letter, invalid addresses

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 07:40:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0009'
down_revision: Union[str, Sequence[str], None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    # Issue 17: e-mail goes through the same outbox. A row is a Telegram message to an
    # account or a letter to a guardian (or adult student) whose address is looked up when
    # it is sent; a final-grade notice may be told by letter; a refused address is marked.
    with op.batch_alter_table('contact_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('invalid_reason', sa.String(length=500), nullable=True))

    with op.batch_alter_table('final_grade_notice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.Enum('telegram', 'email', name='notice_channel', native_enum=False, create_constraint=True), server_default='telegram', nullable=False))
        batch_op.alter_column('account_id',
               existing_type=sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
               nullable=True)
        batch_op.create_index('uq_final_grade_notice_email_guardian_student_period', ['guardian_id', 'student_id', 'period_id'], unique=True, sqlite_where=sa.text("channel = 'email'"), postgresql_where=sa.text("channel = 'email'"))
        batch_op.create_check_constraint(op.f('ck_final_grade_notice_channel_reader'), "(channel = 'telegram' AND account_id IS NOT NULL) OR (channel = 'email' AND account_id IS NULL AND guardian_id IS NOT NULL)")

    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.Enum('telegram', 'email', name='outbox_channel', native_enum=False, create_constraint=True), server_default='telegram', nullable=False))
        batch_op.add_column(sa.Column('recipient_guardian_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.add_column(sa.Column('recipient_student_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.alter_column('account_id',
               existing_type=sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
               nullable=True)
        batch_op.create_index(batch_op.f('ix_outbox_message_channel_status_due_at'), ['channel', 'status', 'due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_message_recipient_guardian_id'), ['recipient_guardian_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_message_recipient_student_id'), ['recipient_student_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_outbox_message_recipient_student_id_student'), 'student', ['recipient_student_id'], ['id'], ondelete='CASCADE')
        batch_op.create_foreign_key(batch_op.f('fk_outbox_message_recipient_guardian_id_guardian'), 'guardian', ['recipient_guardian_id'], ['id'], ondelete='CASCADE')
        batch_op.create_check_constraint(op.f('ck_outbox_message_channel_recipient'), "(channel = 'telegram' AND account_id IS NOT NULL) OR (channel = 'email' AND account_id IS NULL AND (recipient_guardian_id IS NULL) <> (recipient_student_id IS NULL))")


def downgrade() -> None:
    """Downgrade schema."""
    # Letters and notices told by letter have no account: they cannot stay.
    op.execute("DELETE FROM outbox_message WHERE channel = 'email'")
    op.execute("DELETE FROM final_grade_notice WHERE channel = 'email'")
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_outbox_message_channel_recipient'), type_='check')
        batch_op.drop_constraint(op.f('ck_outbox_message_outbox_channel'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_outbox_message_recipient_guardian_id_guardian'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_outbox_message_recipient_student_id_student'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_outbox_message_recipient_student_id'))
        batch_op.drop_index(batch_op.f('ix_outbox_message_recipient_guardian_id'))
        batch_op.drop_index(batch_op.f('ix_outbox_message_channel_status_due_at'))
        batch_op.alter_column('account_id',
               existing_type=sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
               nullable=False)
        batch_op.drop_column('recipient_student_id')
        batch_op.drop_column('recipient_guardian_id')
        batch_op.drop_column('channel')

    with op.batch_alter_table('final_grade_notice', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_final_grade_notice_channel_reader'), type_='check')
        batch_op.drop_constraint(op.f('ck_final_grade_notice_notice_channel'), type_='check')
        batch_op.drop_index('uq_final_grade_notice_email_guardian_student_period', sqlite_where=sa.text("channel = 'email'"), postgresql_where=sa.text("channel = 'email'"))
        batch_op.alter_column('account_id',
               existing_type=sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
               nullable=False)
        batch_op.drop_column('channel')

    with op.batch_alter_table('contact_record', schema=None) as batch_op:
        batch_op.drop_column('invalid_reason')
