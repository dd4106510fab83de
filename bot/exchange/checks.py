"""What only the database can tell about a valid document, checked under the sync's lock
before anything is written: every reference resolves, and no deletion leaves items behind.

The checks work on the sections' digests (keys, not items). Only when a reference does not
resolve are the items read again, to name each one that uses it with its path.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import TYPE_CHECKING

from bot.exchange.document import SECTIONS
from bot.exchange.sections import (
    DEPENDENTS,
    MODELS,
    REFERENCES,
    Dependent,
    referenced_ids,
    still_has,
)
from bot.exchange.validation import Problem, SectionDigest, pointer
from db.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from bot.exchange.sync import Run

CurriculumKey = tuple[int, int, int, int]


def _unresolved(run: Run, target: str, external_id: str) -> str | None:
    digest = run.parsed.digests.get(target, SectionDigest())
    if external_id in digest.deleted:
        return f"refers to {target} {external_id!r}, which this document deletes"
    if not digest.sends(external_id) and external_id not in run.ids[target]:
        return (f"no {target} item with external_id {external_id!r} in this document or "
                "stored for this school")  # fmt: skip
    return None


async def resolve_references(uow: UnitOfWork, run: Run) -> None:
    """Every reference must name an item of this document or one stored for this school."""
    digests = run.parsed.digests
    wanted: dict[str, set[str]] = defaultdict(set)
    for name, digest in digests.items():
        for reference in REFERENCES.get(name, ()):
            wanted[reference.target].update(digest.references.get(reference.field, ()))
    # Curriculum rows to delete are found by their key: their references must be known too.
    for key in digests.get("curriculum", SectionDigest()).deleted:
        for reference, external_id in zip(REFERENCES["curriculum"], key, strict=True):
            wanted[reference.target].add(external_id)
    for target, external_ids in wanted.items():
        sent = digests.get(target, SectionDigest())
        stored = await uow.journal.ids_by_external_id(
            MODELS[target], run.school.id, (i for i in external_ids if not sent.sends(i))
        )
        run.ids[target].update(stored)
    unresolved: dict[tuple[str, str], dict[str, str]] = {}
    for name, digest in digests.items():
        for reference in REFERENCES.get(name, ()):
            messages = {}
            for external_id in digest.references.get(reference.field, ()):
                message = _unresolved(run, reference.target, external_id)
                if message is not None:
                    messages[external_id] = message
            if messages:
                unresolved[(name, reference.field)] = messages
    if unresolved:
        _name_the_items(run, unresolved)


def _name_the_items(run: Run, unresolved: dict[tuple[str, str], dict[str, str]]) -> None:
    """Each item using an unresolved reference, per section and field, in document order."""
    for name in SECTIONS:
        references = [r for r in REFERENCES.get(name, ()) if (name, r.field) in unresolved]
        if not references:
            continue
        found: dict[str, list[Problem]] = {reference.field: [] for reference in references}
        for batch in run.parsed.store.batches(name):
            for index, item in batch:
                for reference in references:
                    messages = unresolved[(name, reference.field)]
                    for path, external_id in referenced_ids(item, reference):
                        if external_id in messages:
                            run.add_problem(
                                found[reference.field],
                                Problem(pointer(name, index, *path), messages[external_id]),
                            )
        for reference in references:
            run.problems.extend(found[reference.field])


async def refuse_orphaning_deletions(uow: UnitOfWork, run: Run) -> None:
    """Refuse deleting items others still point at (the rule: DEPENDENTS) unless this
    document deletes or re-points those too; under the sync lock, before any write."""
    for section, dependents in DEPENDENTS.items():
        deletions = run.parsed.digests.get(section, SectionDigest()).deleted
        if not deletions:
            continue
        stored = await uow.journal.ids_by_external_id(MODELS[section], run.school.id, deletions)
        ids = list(stored.values())
        left: dict[int, Counter[str]] = defaultdict(Counter)
        for dependent in dependents:
            for row_id, count in (await _left_behind(uow, run, dependent, ids)).items():
                left[row_id][dependent.section] += count
        for external_id, index in deletions.items():
            deleted_id = stored.get(external_id)
            if deleted_id is not None and deleted_id in left:
                run.add_problem(
                    run.problems, Problem(pointer(section, index), still_has(left[deleted_id]))
                )


async def _left_behind(
    uow: UnitOfWork, run: Run, dependent: Dependent, ids: list[int]
) -> dict[int, int]:
    """Per item to delete, its dependents this document neither deletes nor sends again
    (one sent again still pointing at a deleted item is refused by resolve_references)."""
    digest = run.parsed.digests.get(dependent.section, SectionDigest())
    if dependent.section != "curriculum":
        return await uow.journal.count_referencing(
            dependent.model, dependent.column, ids, run.school.id, apart_from=digest.seen
        )
    counts = Counter(
        await uow.journal.count_referencing(dependent.model, dependent.column, ids, run.school.id)
    )
    deleted = await uow.journal.curriculum_rows(run.school.id, curriculum_keys(run, digest.deleted))
    counts.subtract(row[dependent.column] for row in deleted.values())
    return {row_id: count for row_id, count in counts.items() if count > 0}


def curriculum_keys(run: Run, keys: object) -> list[CurriculumKey]:
    """Stored keys of curriculum rows given by external ids (a row naming things never sent
    has none)."""
    found = []
    for class_id, subject_id, teacher_id, period_id in keys:  # type: ignore[attr-defined]
        try:
            found.append((
                run.ids["classes"][class_id], run.ids["subjects"][subject_id],
                run.ids["teachers"][teacher_id], run.ids["periods"][period_id],
            ))  # fmt: skip
        except KeyError:
            continue
    return found
