"""``ediary demo``: a realistic demo school, loaded through the same sync path as a journal."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.exchange.demo_school import DEMO_SCHOOL_NAME, DEMO_TIMEZONE, demo_document
from bot.exchange.service import sync_document
from bot.exchange.sync import SyncResult
from bot.schools.service import create_school, rotate_token
from db.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class DemoOutcome:
    school_id: int
    created: bool
    token: str | None  # only when the school was created or its token rotated
    result: SyncResult


async def load_demo(
    uow: UnitOfWork, clock: Clock, secret_key: str, *, actor: str, new_token: bool = False
) -> DemoOutcome:
    """Create the demo school if needed and (re)sync its data for the current school year.

    Idempotent: on the same day a second run changes nothing; on a later day the data moves
    with the calendar (lessons and marks stay around "today").
    """
    existing = await uow.schools.by_name(DEMO_SCHOOL_NAME)
    token: str | None = None
    if existing:
        school, created = existing[0], False
        if new_token:
            token = await rotate_token(uow, clock, secret_key, school, actor=actor)
    else:
        school, token = await create_school(
            uow, clock, secret_key, name=DEMO_SCHOOL_NAME, timezone=DEMO_TIMEZONE, actor=actor
        )
        created = True
    today = clock.now().astimezone(ZoneInfo(school.timezone)).date()
    document = demo_document(today)
    digest = hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()
    result = await sync_document(
        uow, clock, school, document, source="demo", document_sha256=digest, actor=actor
    )
    return DemoOutcome(school_id=school.id, created=created, token=token, result=result)
