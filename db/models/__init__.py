"""Every model, imported so that ``Base.metadata`` knows the whole schema."""

from db.models.access import AccountLink, ConsentRecord, LinkCode, TelegramAccount
from db.models.alerts import CalendarFeed, RiskAlertState
from db.models.audit import AuditEvent
from db.models.contacts import ContactRecord, EmailConfirmation, MailPreference
from db.models.delivery import OutboxMessage
from db.models.documents import StoredDocument
from db.models.enums import (
    AccountRole,
    ConsentForm,
    ConsentState,
    ContactForm,
    DeliveryChannel,
    EducationLevel,
    FinalGradeStatus,
    GuardianRelation,
    LessonKind,
    LessonStatus,
    OutboxChannel,
    OutboxStatus,
    PeriodKind,
)
from db.models.exchange import ChangeRecord, SyncRun
from db.models.finals import (
    Broadcast,
    BroadcastRead,
    FinalGradeAck,
    FinalGradeNotice,
    RelayThread,
    TeacherSummary,
)
from db.models.journal import (
    Assessment,
    FinalGrade,
    Grade,
    Holiday,
    Homework,
    Lesson,
    Recommendation,
)
from db.models.office import OfficeSession, OfficeSignInLink
from db.models.reading import ReadingLogEntry
from db.models.school import (
    CurriculumRow,
    Guardian,
    GuardianStudent,
    Period,
    School,
    SchoolClass,
    Student,
    Subject,
    Teacher,
)

__all__ = [
    "AccountLink",
    "AccountRole",
    "Assessment",
    "AuditEvent",
    "Broadcast",
    "BroadcastRead",
    "CalendarFeed",
    "ChangeRecord",
    "ConsentForm",
    "ConsentRecord",
    "ConsentState",
    "ContactForm",
    "ContactRecord",
    "CurriculumRow",
    "DeliveryChannel",
    "EducationLevel",
    "EmailConfirmation",
    "FinalGrade",
    "FinalGradeAck",
    "FinalGradeNotice",
    "FinalGradeStatus",
    "Grade",
    "Guardian",
    "GuardianRelation",
    "GuardianStudent",
    "Holiday",
    "Homework",
    "Lesson",
    "LessonKind",
    "LessonStatus",
    "LinkCode",
    "MailPreference",
    "OfficeSession",
    "OfficeSignInLink",
    "OutboxChannel",
    "OutboxMessage",
    "OutboxStatus",
    "Period",
    "PeriodKind",
    "ReadingLogEntry",
    "Recommendation",
    "RelayThread",
    "RiskAlertState",
    "School",
    "SchoolClass",
    "StoredDocument",
    "Student",
    "Subject",
    "SyncRun",
    "Teacher",
    "TeacherSummary",
    "TelegramAccount",
]
