"""contact records: e-mail addresses and the agreed form of delivery (issue 17)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 07:10:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0008'
down_revision: Union[str, Sequence[str], None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    # Append-only like consent_record: the newest entry per person is their contact data.
    op.create_table('contact_record',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('school_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('guardian_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('student_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('channel', sa.Enum('telegram', 'email', 'both', 'paper', name='delivery_channel', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('form', sa.Enum('paper', 'electronic', 'bot', name='contact_form', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('recorded_by', sa.String(length=200), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('document_ref', sa.String(length=200), nullable=True),
    sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('(guardian_id IS NULL) <> (student_id IS NULL)', name=op.f('ck_contact_record_exactly_one_subject')),
    sa.ForeignKeyConstraint(['guardian_id'], ['guardian.id'], name=op.f('fk_contact_record_guardian_id_guardian'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_contact_record_school_id_school'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['student_id'], ['student.id'], name=op.f('fk_contact_record_student_id_student'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_record'))
    )
    with op.batch_alter_table('contact_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_record_guardian_id_recorded_at'), ['guardian_id', 'recorded_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_contact_record_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contact_record_student_id_recorded_at'), ['student_id', 'recorded_at'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('contact_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_record_student_id_recorded_at'))
        batch_op.drop_index(batch_op.f('ix_contact_record_school_id'))
        batch_op.drop_index(batch_op.f('ix_contact_record_guardian_id_recorded_at'))

    op.drop_table('contact_record')