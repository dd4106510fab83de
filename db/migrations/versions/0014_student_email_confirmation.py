"""e-mail confirmation for an adult student's own address given in the bot (issue 17)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 08:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0014'
down_revision: Union[str, Sequence[str], None] = '0013'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    # A request is a guardian's or an adult student's, never both, as in contact_record.
    with op.batch_alter_table('email_confirmation', schema=None) as batch_op:
        batch_op.alter_column('guardian_id', existing_type=sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True)
        batch_op.add_column(sa.Column('student_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_email_confirmation_student_id_student'), 'student', ['student_id'], ['id'], ondelete='CASCADE')
        batch_op.create_index(batch_op.f('ix_email_confirmation_student_id'), ['student_id'], unique=False)
        batch_op.create_check_constraint(batch_op.f('ck_email_confirmation_exactly_one_subject'), '(guardian_id IS NULL) <> (student_id IS NULL)')


def downgrade() -> None:
    """Downgrade schema."""
    # A student's request has no place in the older table: it would be dropped in 48 hours.
    op.execute("DELETE FROM email_confirmation WHERE guardian_id IS NULL")
    with op.batch_alter_table('email_confirmation', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_email_confirmation_exactly_one_subject'), type_='check')
        batch_op.drop_index(batch_op.f('ix_email_confirmation_student_id'))
        batch_op.drop_constraint(batch_op.f('fk_email_confirmation_student_id_student'), type_='foreignkey')
        batch_op.drop_column('student_id')
        batch_op.alter_column('guardian_id', existing_type=sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False)
