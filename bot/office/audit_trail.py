"""The school's audit trail as the office reads it: filtered by family, kind and dates
(the school's days), newest first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.office.staff import Staff, guardian_of_staff
from db.models import AuditEvent, Guardian
from db.repositories.office import AuditFilter
from db.unit_of_work import UnitOfWork

# A kind on the page, and the actions it covers (prefixes of ``audit_event.action``).
KINDS: dict[str, str] = {
    "consent": "consent.",
    "contacts": "contact.",
    "codes": "codes.",
    "reports": "report.",
    "settings": "school.settings",
    "office": "office.",
    "admins": "admin.",
    "links": "link.",
}


@dataclass(frozen=True)
class AuditQuery:
    guardian: Guardian | None
    kind: str | None
    first: dt.date | None
    last: dt.date | None


def _date(value: str) -> dt.date | str | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return "bad"


async def audit_query(
    uow: UnitOfWork, staff: Staff, fields: Mapping[str, str]
) -> AuditQuery | dict[str, str]:
    """The filter, or the problems by field (keys of the page's texts)."""
    errors: dict[str, str] = {}
    guardian = None
    if family := fields.get("family", ""):
        if not family.isdigit():
            errors["family"] = "bad_family"
        else:
            guardian = await guardian_of_staff(uow, staff, int(family))
    kind = fields.get("kind") or None
    if kind is not None and kind not in KINDS:
        errors["kind"] = "bad_kind"
    first, last = _date(fields.get("since", "")), _date(fields.get("until", ""))
    if isinstance(first, str):
        errors["since"] = "bad_date"
    if isinstance(last, str):
        errors["until"] = "bad_date"
    if isinstance(first, dt.date) and isinstance(last, dt.date) and first > last:
        errors["until"] = "dates_reversed"
    if errors:
        return errors
    assert not isinstance(first, str)
    assert not isinstance(last, str)
    return AuditQuery(guardian, kind, first, last)


async def audit_events(uow: UnitOfWork, staff: Staff, query: AuditQuery) -> list[AuditEvent]:
    zone = ZoneInfo(staff.school.timezone)

    def start_of(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(), tzinfo=zone)

    return await uow.office.audit_events(
        AuditFilter(
            school_id=staff.school.id,
            subject_type="guardian" if query.guardian else None,
            subject_id=query.guardian.id if query.guardian else None,
            action_prefix=KINDS[query.kind] if query.kind else None,
            since=start_of(query.first) if query.first else None,
            before=start_of(query.last + dt.timedelta(days=1)) if query.last else None,
        )
    )


async def school_families(uow: UnitOfWork, staff: Staff) -> list[tuple[int, str]]:
    """Every guardian of the school, for the family filter: (id, name — children)."""
    children: dict[int, tuple[str, list[str]]] = {}
    for guardian, student, _class in await uow.linking.guardian_pairs(school_id=staff.school.id):
        children.setdefault(guardian.id, (guardian.full_name, []))[1].append(student.full_name)
    return sorted(
        (
            (guardian_id, f"{name} — {', '.join(kids)}")
            for guardian_id, (name, kids) in children.items()
        ),
        key=lambda item: item[1],
    )
