"""The overview: each class's families by consent and link, the delivery queue, and the
final grades that did not reach a family within 24 hours (``ediary finals undelivered``)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from bot.clock import Clock
from bot.digests.status import DeliveryStatus, delivery_status
from bot.finals.guarantee import undelivered_families
from bot.finals.undelivered import Undelivered
from bot.office.register import FamilyState, class_counts
from bot.office.staff import Staff
from db.models import SchoolClass
from db.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Overview:
    classes: list[tuple[SchoolClass, Counter[FamilyState]]]
    delivery: DeliveryStatus
    undelivered: list[Undelivered]  # the staff member's classes only


async def overview(uow: UnitOfWork, clock: Clock, staff: Staff) -> Overview:
    classes = [(c, await class_counts(uow, c)) for c in staff.classes]
    own = {c.id for c in staff.classes}
    late = await undelivered_families(uow, staff.school, clock.now())
    return Overview(
        classes,
        await delivery_status(uow, clock),
        [item for item in late if item.class_id in own],
    )
