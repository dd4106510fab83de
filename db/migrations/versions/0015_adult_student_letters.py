"""adult students' own letters (issue 17): risk states and final-grade notices told by
letter to an adult student about themself

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 12:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0015'
down_revision: Union[str, Sequence[str], None] = '0014'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
ONE_READER_BEFORE = '(account_id IS NULL) <> (guardian_id IS NULL)'
ONE_READER = (
    '(CASE WHEN account_id IS NULL THEN 0 ELSE 1 END)'
    ' + (CASE WHEN guardian_id IS NULL THEN 0 ELSE 1 END)'
    ' + (CASE WHEN reader_student_id IS NULL THEN 0 ELSE 1 END) = 1'
)
CHANNEL_READER_BEFORE = (
    "(channel = 'telegram' AND account_id IS NOT NULL) OR "
    "(channel = 'email' AND account_id IS NULL AND guardian_id IS NOT NULL)"
)
CHANNEL_READER = (
    "(channel = 'telegram' AND account_id IS NOT NULL) OR "
    "(channel = 'email' AND account_id IS NULL)"
)
STUDENT_LETTER = "channel = 'email' AND guardian_id IS NULL"


def upgrade() -> None:
    """Upgrade schema."""
    # An adult student on e-mail has no account and is no guardian: the risk state told
    # by letter is kept per student reader (always the student the alert is about).
    with op.batch_alter_table('risk_alert_state', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reader_student_id', BIG_ID, nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_risk_alert_state_reader_student_id_student'), 'student', ['reader_student_id'], ['id'], ondelete='CASCADE')
        batch_op.create_unique_constraint('uq_risk_alert_state_own_reader_subject_period', ['reader_student_id', 'student_id', 'subject_id', 'period_id'])
        batch_op.drop_constraint(batch_op.f('ck_risk_alert_state_one_reader'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_risk_alert_state_one_reader'), ONE_READER)
        batch_op.create_check_constraint(batch_op.f('ck_risk_alert_state_own_reader'), 'reader_student_id IS NULL OR reader_student_id = student_id')

    # A final-grade notice by letter without a guardian is the adult student's own (for
    # information: only a legal representative acknowledges), one per student and period.
    with op.batch_alter_table('final_grade_notice', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_final_grade_notice_channel_reader'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_final_grade_notice_channel_reader'), CHANNEL_READER)
        batch_op.create_index('uq_final_grade_notice_email_student_period', ['student_id', 'period_id'], unique=True, sqlite_where=sa.text(STUDENT_LETTER), postgresql_where=sa.text(STUDENT_LETTER))


def downgrade() -> None:
    """Downgrade schema."""
    # What was told to adult students by letter has no place in the older tables.
    op.execute("DELETE FROM final_grade_notice WHERE channel = 'email' AND guardian_id IS NULL")
    with op.batch_alter_table('final_grade_notice', schema=None) as batch_op:
        batch_op.drop_index('uq_final_grade_notice_email_student_period', sqlite_where=sa.text(STUDENT_LETTER), postgresql_where=sa.text(STUDENT_LETTER))
        batch_op.drop_constraint(batch_op.f('ck_final_grade_notice_channel_reader'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_final_grade_notice_channel_reader'), CHANNEL_READER_BEFORE)

    op.execute("DELETE FROM risk_alert_state WHERE reader_student_id IS NOT NULL")
    with op.batch_alter_table('risk_alert_state', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_risk_alert_state_own_reader'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_risk_alert_state_one_reader'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_risk_alert_state_one_reader'), ONE_READER_BEFORE)
        batch_op.drop_constraint('uq_risk_alert_state_own_reader_subject_period', type_='unique')
        batch_op.drop_constraint(batch_op.f('fk_risk_alert_state_reader_student_id_student'), type_='foreignkey')
        batch_op.drop_column('reader_student_id')
