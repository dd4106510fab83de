"""Applying a validated sync document to one school, whole or not at all.

Sections go in the sync's order (what is referenced first), each in the batches its items
were stored in, all in the caller's one transaction; change records are written batch by
batch in the same order, so nothing in memory grows with the document but the ids of items
other items may refer to.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.exchange.changes import DETECTORS, Change
from bot.exchange.checks import curriculum_keys, refuse_orphaning_deletions, resolve_references
from bot.exchange.document import SECTIONS
from bot.exchange.sections import MODELS, REFERENCES, item_columns
from bot.exchange.spool import Batch
from bot.exchange.validation import (
    BATCH,
    MAX_REPORTED_PROBLEMS,
    DocumentInvalid,
    ParsedDocument,
    Problem,
)
from db.dialect import lock_for_school
from db.models import School, SyncRun
from db.unit_of_work import UnitOfWork

Progress = Callable[[str, int], None]
# Sections other items refer to: the only ones whose ids are kept while the sync runs.
REFERENCED = {reference.target for references in REFERENCES.values() for reference in references}


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "deleted": self.deleted,
            "unchanged": self.unchanged,
        }


@dataclass
class SyncResult:
    sync_run_id: int
    counts: dict[str, Counts]
    changes: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "sync_id": self.sync_run_id,
            "counts": {name: counts.as_dict() for name, counts in self.counts.items()},
            "changes": self.changes,
        }


@dataclass
class Run:
    """The state of one sync while it is applied."""

    school: School
    parsed: ParsedDocument
    now: dt.datetime
    today: dt.date
    sync_run_id: int
    progress: Progress | None
    ids: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))
    counts: dict[str, Counts] = field(default_factory=dict)
    changes: list[dict[str, Any]] = field(default_factory=list)
    changes_written: int = 0
    problems: list[Problem] = field(default_factory=list)
    problems_total: int = 0

    def add_problem(self, group: list[Problem], problem: Problem) -> None:
        """Counts every problem, keeps no more than are reported (per group)."""
        self.problems_total += 1
        if len(group) < MAX_REPORTED_PROBLEMS:
            group.append(problem)

    def keep_ids(self, section: str, ids: dict[str, int]) -> None:
        if section in REFERENCED:
            self.ids[section].update(ids)

    async def write_changes(self, uow: UnitOfWork) -> None:
        await uow.journal.add_change_records(self.changes)
        self.changes_written += len(self.changes)
        self.changes = []

    def resolve(self, section: str, external_id: str | None) -> int | None:
        return None if external_id is None else self.ids[section][external_id]

    def record(self, section: str, action: str, entity_id: int, row: dict[str, Any],
               change: Change | None) -> None:  # fmt: skip
        if change is None:
            return
        entity = DETECTORS[section][0]
        self.changes.append(
            {
                "school_id": self.school.id,
                "sync_run_id": self.sync_run_id,
                "entity": entity,
                "action": action,
                "entity_id": entity_id,
                "external_id": row.get("external_id", ""),
                "student_id": change.student_id,
                "class_id": change.class_id,
                "occurred_on": change.occurred_on,
                "details": change.details,
                "created_at": self.now,
                "consumed_at": None,
            }
        )


async def apply_document(
    uow: UnitOfWork,
    clock: Clock,
    school: School,
    parsed: ParsedDocument,
    *,
    source: str,
    document_sha256: str,
    progress: Progress | None = None,
) -> SyncResult:
    """Apply the document, or raise :class:`DocumentInvalid`; the caller owns the transaction
    (it commits, or rolls back what was written before the problem was found)."""
    if not parsed.ok:
        raise DocumentInvalid(parsed.problems, parsed.total)
    now = clock.now()
    # The first statement writes: on SQLite that takes the write lock for the whole sync.
    sync_run = await uow.journal.add_sync_run(
        SyncRun(school_id=school.id, source=source, received_at=now,
                document_sha256=document_sha256, counts={}, changes=0)
    )  # fmt: skip
    await lock_for_school(uow.session, "sync", school.id)
    run = Run(
        school=school,
        parsed=parsed,
        now=now,
        today=now.astimezone(ZoneInfo(school.timezone)).date(),
        sync_run_id=sync_run.id,
        progress=progress,
    )
    await resolve_references(uow, run)
    await refuse_orphaning_deletions(uow, run)
    if run.problems_total:
        raise DocumentInvalid(run.problems, run.problems_total)
    present = [section for section in SECTIONS if section in parsed.digests]
    for section in present:
        run.counts[section] = Counts()
        done = 0
        for batch in parsed.store.batches(section):
            if section == "curriculum":
                await _apply_curriculum(uow, run, batch)
            else:
                await _apply_upserts(uow, run, section, batch)
            done += len(batch)
            _report(run, section, done)
            await run.write_changes(uow)
        if done == 0:
            _report(run, section, 0)
    for section in reversed(present):
        await _apply_deletions(uow, run, section)
    await run.write_changes(uow)
    sync_run.counts = {name: counts.as_dict() for name, counts in run.counts.items()}
    sync_run.changes = run.changes_written
    await uow.session.flush()
    return SyncResult(sync_run.id, run.counts, run.changes_written)


def _report(run: Run, section: str, done: int) -> None:
    if run.progress is not None:
        run.progress(section, done)


async def _apply_upserts(uow: UnitOfWork, run: Run, section: str, upserts: Batch) -> None:
    model = MODELS[section]
    counts = run.counts[section]
    stored = await uow.journal.rows_by_external_id(
        model, run.school.id, (item.external_id for _, item in upserts)
    )
    children = (
        await _guardian_children(uow, run, upserts, stored) if section == "guardians" else None
    )
    new_rows: list[dict[str, Any]] = []
    changed_rows: list[dict[str, Any]] = []
    pending_changes: list[tuple[str, dict[str, Any], dict[str, Any] | None]] = []
    unchanged: dict[str, int] = {}
    for _, item in upserts:
        row = item_columns(section, item, run.resolve)
        before = stored.get(item.external_id)
        if before is None:
            counts.created += 1
            action = "created"
        elif any(before[name] != value for name, value in row.items()) or (
            children is not None and children[item.external_id][0] != children[item.external_id][1]
        ):
            counts.updated += 1
            action = "updated"
        else:
            counts.unchanged += 1
            unchanged[item.external_id] = before["id"]
            continue
        row.update(school_id=run.school.id, external_id=item.external_id, updated_at=run.now)
        if before is None:
            new_rows.append({**row, "created_at": run.now})
        else:
            changed_rows.append({**row, "created_at": before["created_at"]})
        pending_changes.append((action, row, before))
    # New items are inserted in bulk (nothing can collide: this school's syncs are
    # serialised); changed ones are upserted by external id.
    written = await uow.journal.insert_new(model, new_rows)
    written.update(await uow.journal.upsert_by_external_id(model, changed_rows))
    run.keep_ids(section, unchanged)
    run.keep_ids(section, written)
    detector = DETECTORS.get(section)
    if detector is not None:
        for action, row, before in pending_changes:
            entity_id = written[row["external_id"]]
            run.record(section, action, entity_id, row, detector[1](action, row, before, run.today))
    if children is not None:
        # The journal's list of a guardian's children replaces the stored one.
        await uow.journal.replace_guardian_students(
            {written[external_id]: wanted for external_id, (_, wanted) in children.items()
             if external_id in written}
        )  # fmt: skip


async def _guardian_children(
    uow: UnitOfWork, run: Run, upserts: Batch, stored: dict[str, dict[str, Any]]
) -> dict[str, tuple[set[int], set[int]]]:
    """Per guardian in the batch: (children stored now, children the document lists)."""
    current = await uow.journal.guardian_students([row["id"] for row in stored.values()])
    result = {}
    for _, item in upserts:
        before = stored.get(item.external_id)
        now = current.get(before["id"], set()) if before else set()
        result[item.external_id] = (now, {run.ids["students"][s] for s in item.student_ids})
    return result


async def _apply_curriculum(uow: UnitOfWork, run: Run, upserts: Batch) -> None:
    counts = run.counts["curriculum"]
    keys = curriculum_keys(
        run, [(i.class_id, i.subject_id, i.teacher_id, i.period_id) for _, i in upserts]
    )
    stored = await uow.journal.curriculum_rows(run.school.id, keys)
    writes = []
    for (_, item), key in zip(upserts, keys, strict=True):
        class_id, subject_id, teacher_id, period_id = key
        before = stored.get(key)
        if before is not None and before["planned_lessons"] == item.planned_lessons:
            counts.unchanged += 1
            continue
        if before is None:
            counts.created += 1
        else:
            counts.updated += 1
        writes.append(
            {
                "school_id": run.school.id, "class_id": class_id, "subject_id": subject_id,
                "teacher_id": teacher_id, "period_id": period_id,
                "planned_lessons": item.planned_lessons,
                "created_at": before["created_at"] if before else run.now, "updated_at": run.now,
            }
        )  # fmt: skip
    await uow.journal.upsert_curriculum(writes)


async def _apply_deletions(uow: UnitOfWork, run: Run, section: str) -> None:
    keys = list(run.parsed.digests[section].deleted)
    for start in range(0, len(keys), BATCH):
        batch = keys[start : start + BATCH]
        if section == "curriculum":
            await _delete_curriculum(uow, run, batch)
        else:
            await _delete_items(uow, run, section, batch)
        await run.write_changes(uow)


async def _delete_items(uow: UnitOfWork, run: Run, section: str, external_ids: list[str]) -> None:
    counts = run.counts[section]
    model = MODELS[section]
    stored = await uow.journal.rows_by_external_id(model, run.school.id, external_ids)
    counts.unchanged += len(external_ids) - len(stored)  # deleting what is not there: no change
    if not stored:
        return
    # Nothing else goes with them: refuse_orphaning_deletions saw to that.
    await uow.journal.delete_by_id(model, [row["id"] for row in stored.values()])
    counts.deleted += len(stored)
    detector = DETECTORS.get(section)
    if detector is not None:
        for external_id, row in stored.items():
            change = detector[1]("deleted", row, None, run.today)
            run.record(section, "deleted", row["id"], {**row, "external_id": external_id}, change)


async def _delete_curriculum(uow: UnitOfWork, run: Run, deletions: list[Any]) -> None:
    counts = run.counts["curriculum"]
    keys = curriculum_keys(run, deletions)
    counts.unchanged += len(deletions) - len(keys)
    stored = await uow.journal.curriculum_rows(run.school.id, keys)
    counts.unchanged += len(keys) - len(stored)
    await uow.journal.delete_curriculum([row["id"] for row in stored.values()])
    counts.deleted += len(stored)
