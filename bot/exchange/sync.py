"""Applying a validated sync document to one school, whole or not at all."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.exchange.changes import DETECTORS, Change
from bot.exchange.document import SECTIONS
from bot.exchange.sections import (
    DEPENDENTS,
    MODELS,
    REFERENCES,
    Dependent,
    item_columns,
    referenced_ids,
    still_has,
)
from bot.exchange.validation import DocumentInvalid, ParsedDocument, Problem, Section, pointer
from db.dialect import lock_for_school
from db.models import School, SyncRun
from db.unit_of_work import UnitOfWork

Progress = Callable[[str, int], None]
CurriculumKey = tuple[int, int, int, int]


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
class _Run:
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
    problems: list[Problem] = field(default_factory=list)

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
        raise DocumentInvalid(parsed.problems)
    now = clock.now()
    # The first statement writes: on SQLite that takes the write lock for the whole sync.
    sync_run = await uow.journal.add_sync_run(
        SyncRun(school_id=school.id, source=source, received_at=now,
                document_sha256=document_sha256, counts={}, changes=0)
    )  # fmt: skip
    await lock_for_school(uow.session, "sync", school.id)
    run = _Run(
        school=school,
        parsed=parsed,
        now=now,
        today=now.astimezone(ZoneInfo(school.timezone)).date(),
        sync_run_id=sync_run.id,
        progress=progress,
    )
    await _resolve_references(uow, run)
    await _refuse_orphaning_deletions(uow, run)
    if run.problems:
        raise DocumentInvalid(run.problems)
    for section in SECTIONS:
        if section in parsed.sections:
            run.counts[section] = Counts()
            if section == "curriculum":
                await _apply_curriculum(uow, run)
            else:
                await _apply_upserts(uow, run, section)
    for section in reversed(SECTIONS):
        if section in parsed.sections:
            await _apply_deletions(uow, run, section)
    await uow.journal.add_change_records(run.changes)
    sync_run.counts = {name: counts.as_dict() for name, counts in run.counts.items()}
    sync_run.changes = len(run.changes)
    await uow.session.flush()
    return SyncResult(sync_run.id, run.counts, len(run.changes))


async def _resolve_references(uow: UnitOfWork, run: _Run) -> None:
    """Every reference must name an item of this document or one stored for this school."""
    sections = run.parsed.sections
    in_document = {
        name: {item.external_id for _, item in section.upserts}
        for name, section in sections.items()
        if name != "curriculum"
    }
    deleted_here = {
        name: {item.external_id for _, item in section.deletions}
        for name, section in sections.items()
        if name != "curriculum"
    }
    wanted: dict[str, set[str]] = defaultdict(set)
    for name, section in sections.items():
        for reference in REFERENCES.get(name, ()):
            for _, item in section.upserts:
                for _, external_id in referenced_ids(item, reference):
                    wanted[reference.target].add(external_id)
    # Curriculum rows to delete are found by their key: their references must be known too.
    for reference in REFERENCES["curriculum"]:
        for _, item in sections.get("curriculum", Section()).deletions:
            wanted[reference.target].add(getattr(item, reference.field))
    for target, external_ids in wanted.items():
        stored = await uow.journal.ids_by_external_id(
            MODELS[target], run.school.id, external_ids - in_document.get(target, set())
        )
        run.ids[target].update(stored)
    for name, section in sections.items():
        for reference in REFERENCES.get(name, ()):
            target = reference.target
            for index, item in section.upserts:
                for path, external_id in referenced_ids(item, reference):
                    if external_id in deleted_here.get(target, set()):
                        message = f"refers to {target} {external_id!r}, which this document deletes"
                        run.problems.append(Problem(pointer(name, index, *path), message))
                    elif (
                        external_id not in in_document.get(target, set())
                        and external_id not in run.ids[target]
                    ):
                        message = (
                            f"no {target} item with external_id {external_id!r} in this "
                            "document or stored for this school"
                        )
                        run.problems.append(Problem(pointer(name, index, *path), message))


async def _refuse_orphaning_deletions(uow: UnitOfWork, run: _Run) -> None:
    """Refuse deleting items others still point at (the rule: DEPENDENTS) unless this
    document deletes or re-points those too; under the sync lock, before any write."""
    for section, dependents in DEPENDENTS.items():
        deletions = run.parsed.sections.get(section, Section()).deletions
        if not deletions:
            continue
        stored = await uow.journal.ids_by_external_id(
            MODELS[section], run.school.id, (item.external_id for _, item in deletions)
        )
        ids = list(stored.values())
        left: dict[int, Counter[str]] = defaultdict(Counter)
        for dependent in dependents:
            for row_id, count in (await _left_behind(uow, run, dependent, ids)).items():
                left[row_id][dependent.section] += count
        for index, item in deletions:
            deleted_id = stored.get(item.external_id)
            if deleted_id is not None and deleted_id in left:
                run.problems.append(Problem(pointer(section, index), still_has(left[deleted_id])))


async def _left_behind(
    uow: UnitOfWork, run: _Run, dependent: Dependent, ids: list[int]
) -> dict[int, int]:
    """Per item to delete, its dependents this document neither deletes nor sends again
    (one sent again still pointing at a deleted item is refused by _resolve_references)."""
    section = run.parsed.sections.get(dependent.section, Section())
    if dependent.section != "curriculum":
        dealt_with = (item.external_id for _, item in section.upserts + section.deletions)
        return await uow.journal.count_referencing(
            dependent.model, dependent.column, ids, run.school.id, apart_from=dealt_with
        )
    counts = Counter(
        await uow.journal.count_referencing(dependent.model, dependent.column, ids, run.school.id)
    )
    deleted = await uow.journal.curriculum_rows(
        run.school.id, _curriculum_keys(run, section.deletions)
    )
    counts.subtract(row[dependent.column] for row in deleted.values())
    return {row_id: count for row_id, count in counts.items() if count > 0}


def _report(run: _Run, section: str, done: int) -> None:
    if run.progress is not None:
        run.progress(section, done)


async def _apply_upserts(uow: UnitOfWork, run: _Run, section: str) -> None:
    model = MODELS[section]
    upserts = run.parsed.sections[section].upserts
    counts = run.counts[section]
    stored = await uow.journal.rows_by_external_id(
        model, run.school.id, (item.external_id for _, item in upserts)
    )
    children = await _guardian_children(uow, run, stored) if section == "guardians" else None
    new_rows: list[dict[str, Any]] = []
    changed_rows: list[dict[str, Any]] = []
    pending_changes: list[tuple[str, dict[str, Any], dict[str, Any] | None]] = []
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
            run.ids[section][item.external_id] = before["id"]
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
    run.ids[section].update(written)
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
    _report(run, section, len(upserts))


async def _guardian_children(
    uow: UnitOfWork, run: _Run, stored: dict[str, dict[str, Any]]
) -> dict[str, tuple[set[int], set[int]]]:
    """Per guardian in the document: (children stored now, children the document lists)."""
    current = await uow.journal.guardian_students([row["id"] for row in stored.values()])
    result = {}
    for _, item in run.parsed.sections["guardians"].upserts:
        before = stored.get(item.external_id)
        now = current.get(before["id"], set()) if before else set()
        result[item.external_id] = (now, {run.ids["students"][s] for s in item.student_ids})
    return result


async def _apply_curriculum(uow: UnitOfWork, run: _Run) -> None:
    section = run.parsed.sections["curriculum"]
    counts = run.counts["curriculum"]

    def key(item: Any) -> CurriculumKey:
        return (
            run.ids["classes"][item.class_id],
            run.ids["subjects"][item.subject_id],
            run.ids["teachers"][item.teacher_id],
            run.ids["periods"][item.period_id],
        )

    stored = await uow.journal.curriculum_rows(
        run.school.id, [key(item) for _, item in section.upserts]
    )
    writes = []
    for _, item in section.upserts:
        class_id, subject_id, teacher_id, period_id = key(item)
        before = stored.get((class_id, subject_id, teacher_id, period_id))
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
    _report(run, "curriculum", len(section.upserts))


async def _apply_deletions(uow: UnitOfWork, run: _Run, section: str) -> None:
    deletions = run.parsed.sections[section].deletions
    if not deletions:
        return
    counts = run.counts[section]
    if section == "curriculum":
        await _delete_curriculum(uow, run, deletions)
        return
    model = MODELS[section]
    stored = await uow.journal.rows_by_external_id(
        model, run.school.id, (item.external_id for _, item in deletions)
    )
    counts.unchanged += len(deletions) - len(stored)  # deleting what is not there changes nothing
    if not stored:
        return
    # Nothing else goes with them: _refuse_orphaning_deletions saw to that.
    await uow.journal.delete_by_id(model, [row["id"] for row in stored.values()])
    counts.deleted += len(stored)
    detector = DETECTORS.get(section)
    if detector is not None:
        for external_id, row in stored.items():
            change = detector[1]("deleted", row, None, run.today)
            run.record(section, "deleted", row["id"], {**row, "external_id": external_id}, change)


def _curriculum_keys(run: _Run, deletions: list[tuple[int, Any]]) -> list[CurriculumKey]:
    """Stored keys of the curriculum rows to delete (a row naming things never sent has none)."""
    keys = []
    for _, item in deletions:
        try:
            keys.append((
                run.ids["classes"][item.class_id], run.ids["subjects"][item.subject_id],
                run.ids["teachers"][item.teacher_id], run.ids["periods"][item.period_id],
            ))  # fmt: skip
        except KeyError:
            continue
    return keys


async def _delete_curriculum(uow: UnitOfWork, run: _Run, deletions: list[tuple[int, Any]]) -> None:
    counts = run.counts["curriculum"]
    keys = _curriculum_keys(run, deletions)
    counts.unchanged += len(deletions) - len(keys)
    stored = await uow.journal.curriculum_rows(run.school.id, keys)
    counts.unchanged += len(keys) - len(stored)
    await uow.journal.delete_curriculum([row["id"] for row in stored.values()])
    counts.deleted += len(stored)
