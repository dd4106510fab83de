"""e-mail replies: a relay thread may belong to a family writing by letter (issue 17)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 08:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0012'
down_revision: Union[str, Sequence[str], None] = '0011'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    # A family that replies to a letter has no Telegram account: its thread names the
    # guardian (or, with none, the adult student) and the teacher's answers go by letter.
    with op.batch_alter_table('relay_thread', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.Enum('telegram', 'email', name='relay_channel', native_enum=False, create_constraint=True), server_default='telegram', nullable=False))
        batch_op.alter_column('family_account_id',
               existing_type=sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
               nullable=True)
        batch_op.create_index('uq_relay_thread_email_guardian_student_teacher', ['guardian_id', 'student_id', 'teacher_id'], unique=True, sqlite_where=sa.text("channel = 'email' AND guardian_id IS NOT NULL"), postgresql_where=sa.text("channel = 'email' AND guardian_id IS NOT NULL"))
        batch_op.create_index('uq_relay_thread_email_student_teacher', ['student_id', 'teacher_id'], unique=True, sqlite_where=sa.text("channel = 'email' AND guardian_id IS NULL"), postgresql_where=sa.text("channel = 'email' AND guardian_id IS NULL"))
        batch_op.create_check_constraint(op.f('ck_relay_thread_channel_family'), "(channel = 'telegram' AND family_account_id IS NOT NULL) OR (channel = 'email' AND family_account_id IS NULL)")


def downgrade() -> None:
    """Downgrade schema."""
    # Threads by letter have no account: they cannot stay.
    op.execute("DELETE FROM relay_thread WHERE channel = 'email'")
    with op.batch_alter_table('relay_thread', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_relay_thread_channel_family'), type_='check')
        batch_op.drop_constraint(op.f('ck_relay_thread_relay_channel'), type_='check')
        batch_op.drop_index('uq_relay_thread_email_student_teacher', sqlite_where=sa.text("channel = 'email' AND guardian_id IS NULL"), postgresql_where=sa.text("channel = 'email' AND guardian_id IS NULL"))
        batch_op.drop_index('uq_relay_thread_email_guardian_student_teacher', sqlite_where=sa.text("channel = 'email' AND guardian_id IS NOT NULL"), postgresql_where=sa.text("channel = 'email' AND guardian_id IS NOT NULL"))
        batch_op.alter_column('family_account_id',
               existing_type=sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
               nullable=False)
        batch_op.drop_column('channel')
