"""Who may hear about a student now, with each reader's language and push preferences."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from bot.accounts.settings import AccountSettings
from bot.digests.preferences import PushPreferences
from bot.linking.rules import may_receive_data
from db.models import AccountRole
from db.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Reader:
    account_id: int
    language: str
    preferences: PushPreferences = field(default_factory=PushPreferences, compare=False)
    # The legal representative this account reads as; None for a student's own account.
    guardian_id: int | None = field(default=None, compare=False)
    # When the link was made: what the journal changed before is the baseline, not news.
    linked_at: datetime | None = field(default=None, compare=False)


async def readers(uow: UnitOfWork, student_ids: set[int]) -> dict[int, list[Reader]]:
    """Per student, the accounts that may receive its data now (active, consented)."""
    found = await uow.changes.readers_of(sorted(student_ids))
    guardians = [link.guardian_id for _, link, _ in found if link.guardian_id is not None]
    consents = await uow.linking.current_consents(guardians)
    by_student: dict[int, list[Reader]] = defaultdict(list)
    for student_id, link, account in found:
        if link.role == AccountRole.GUARDIAN and link.guardian_id is not None:
            record = consents.get(link.guardian_id)
        else:
            record = await uow.linking.current_consent(student_id=student_id)
        if may_receive_data(record.state if record else None):
            reader = Reader(
                account.id,
                account.language or "ru",
                AccountSettings.of(account).pushes,
                link.guardian_id if link.role == AccountRole.GUARDIAN else None,
                link.linked_at,
            )
            if reader not in by_student[student_id]:
                by_student[student_id].append(reader)
    return by_student
