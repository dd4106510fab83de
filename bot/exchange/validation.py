"""Validation of a whole sync document before anything is written.

Every problem is reported with a JSON pointer into the document (``/grades/17/value``), so a
journal vendor can find the item; a document with any problem is refused as a whole.

Items arrive one at a time (:class:`DocumentChecker`, fed by the streaming reader or by
:func:`parse_document` for a document already in memory) and are validated in batches. What
the database checks need later — references between sections, deletions, duplicates — is
kept compact per section (:class:`SectionDigest`: keys and indices, no item bodies); the valid
items themselves go to an :class:`~bot.exchange.spool.UpsertStore` (memory or a temporary
file), so a 200,000-grade document never sits in memory as objects at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from bot.exchange.document import SECTIONS, CurriculumItem, Deletion
from bot.exchange.sections import REFERENCES, referenced_ids
from bot.exchange.spool import MemoryStore, UpsertStore

# Enough to fix a broken export; a document with a million bad rows does not need a
# million-line answer.
MAX_REPORTED_PROBLEMS = 1000
# Items validated (and stored) together: large enough for pydantic's batch speed, small
# enough that a batch of raw dicts costs a few MB at most.
BATCH = 2000


@dataclass(frozen=True)
class Problem:
    path: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message}


@dataclass
class Section:
    """A section's valid items, each with its index in the document (a view for callers that
    want them all at once; curriculum deletions are ``(index, its four external ids)``)."""

    upserts: list[tuple[int, Any]] = field(default_factory=list)
    deletions: list[tuple[int, Any]] = field(default_factory=list)


@dataclass
class SectionDigest:
    """What the checks against the database need of a section, without the items: the index
    of every natural key (external id, or curriculum's four ids), the keys it deletes, and the
    distinct external ids each reference field of its upserts names."""

    seen: dict[Any, int] = field(default_factory=dict)
    deleted: dict[Any, int] = field(default_factory=dict)
    references: dict[str, set[str]] = field(default_factory=dict)
    upserts: int = 0

    def sends(self, key: Any) -> bool:
        """Whether the document sends (creates or updates) the item with this key."""
        return key in self.seen and key not in self.deleted


class ProblemLog:
    """Problems in the order the answer lists them, whatever order the items came in:
    unknown sections first, then per section (in the sync's order) its shape, non-objects,
    invalid items, invalid deletions and duplicates. Each group keeps at most the reported
    cap, so a document of bad rows costs no memory per row; ``total`` counts them all."""

    def __init__(self) -> None:
        self._groups: dict[tuple[int, int], list[Problem]] = {}
        self.total = 0

    def add(self, group: tuple[int, int], problem: Problem) -> None:
        self.total += 1
        kept = self._groups.setdefault(group, [])
        if len(kept) < MAX_REPORTED_PROBLEMS:
            kept.append(problem)

    def listed(self) -> list[Problem]:
        ordered = [p for group in sorted(self._groups) for p in self._groups[group]]
        return ordered[:MAX_REPORTED_PROBLEMS]


UNKNOWN, SHAPE, OBJECTS, UPSERTS, DELETIONS, DUPLICATES = range(-1, 5)


@dataclass
class ParsedDocument:
    digests: dict[str, SectionDigest]
    store: UpsertStore
    problems: list[Problem]
    total: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def sections(self) -> dict[str, Section]:
        """Every valid item at once (small documents, tests); the sync reads batches."""
        return {
            name: Section(
                upserts=[entry for batch in self.store.batches(name) for entry in batch],
                deletions=[(index, _deletion(name, key)) for key, index in digest.deleted.items()],
            )
            for name, digest in self.digests.items()
        }


def _deletion(section: str, key: Any) -> Any:
    return key if section == "curriculum" else Deletion(external_id=key, deleted=True)


class DocumentInvalid(Exception):
    def __init__(self, problems: list[Problem], total: int | None = None) -> None:
        total = len(problems) if total is None else total
        super().__init__(f"{total} problem(s) in the document")
        self.problems = problems[:MAX_REPORTED_PROBLEMS]
        self.total = total


def pointer(*parts: object) -> str:
    path = "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)
    # A section's name is the sender's text: a lone surrogate in it would make the answer
    # itself unencodable as UTF-8, so it is spelt out as \udXXX instead.
    return path.encode("utf-8", "backslashreplace").decode("utf-8")


# Pydantic's own words for text that is not valid Unicode (a lone UTF-16 surrogate such as
# \ud800, which has no UTF-8 form and which no database can store) say little to a vendor.
NOT_UNICODE = "text is not valid Unicode (a lone surrogate such as \\ud800); send UTF-8 text"


_ADAPTERS: dict[type[BaseModel], TypeAdapter[list[Any]]] = {}


def adapter(model: type[BaseModel]) -> TypeAdapter[list[Any]]:
    if model not in _ADAPTERS:
        _ADAPTERS[model] = TypeAdapter(list[model])  # type: ignore[valid-type]
    return _ADAPTERS[model]


def _validate_batch(
    section: str,
    model: type[BaseModel],
    entries: list[tuple[int, Any]],
    report: Callable[[Problem], None],
) -> list[tuple[int, Any]]:
    """Validate many items in one pydantic call (fast), mapping errors back to their index."""
    if not entries:
        return []
    raw = [entry for _, entry in entries]
    try:
        items = adapter(model).validate_python(raw)
    except ValidationError as error:
        bad: set[int] = set()
        for detail in error.errors(include_url=False):
            position, *inner = detail["loc"]
            index = entries[int(position)][0]
            bad.add(int(position))
            message = detail["msg"].removeprefix("Value error, ")
            if detail["type"] == "string_unicode":
                message = NOT_UNICODE
            report(Problem(pointer(section, index, *inner), message))
        good = [entry for position, entry in enumerate(entries) if position not in bad]
        return _validate_batch(section, model, good, report) if good else []
    return [(index, item) for (index, _), item in zip(entries, items, strict=True)]


def natural_key(item: Any) -> Any:
    if isinstance(item, CurriculumItem):
        return (item.class_id, item.subject_id, item.teacher_id, item.period_id)
    return item.external_id


class DocumentChecker:
    """Validates a document item by item: ``section()`` for each top-level key, ``item()``
    for each entry of a section's list, ``finish()`` at the end."""

    def __init__(self, store: UpsertStore | None = None) -> None:
        self.store: UpsertStore = store if store is not None else MemoryStore()
        self.digests: dict[str, SectionDigest] = {}
        self.log = ProblemLog()
        self._current: str | None = None
        self._pending: list[tuple[int, Any]] = []

    def not_an_object(self) -> None:
        self.log.add((UNKNOWN, 0), Problem("", "the document must be a JSON object"))

    def section(self, name: str, is_list: bool) -> bool:
        """A top-level key; whether its items are wanted (a known section holding a list)."""
        self._flush()
        self._current = None
        if name not in SECTIONS:
            known = ", ".join(SECTIONS)
            self._problem(UNKNOWN, 0, (name,), f"unknown section; the sections are: {known}")
            return False
        rank = list(SECTIONS).index(name)
        if name in self.digests:
            # json.loads would silently keep only the last of the two: refused instead.
            self._problem(rank, SHAPE, (name,), "this section appears twice in the document")
            return False
        if not is_list:
            self._problem(rank, SHAPE, (name,), "must be a list of items")
            return False
        self.digests[name] = SectionDigest()
        self._current = name
        return True

    def item(self, index: int, entry: Any) -> None:
        assert self._current is not None
        if not isinstance(entry, dict):
            rank = list(SECTIONS).index(self._current)
            where = (self._current, index)
            self._problem(rank, OBJECTS, where, "each item must be a JSON object")
            return
        self._pending.append((index, entry))
        if len(self._pending) >= BATCH:
            self._flush()

    def _problem(self, rank: int, category: int, where: tuple[object, ...], message: str) -> None:
        self.log.add((rank, category), Problem(pointer(*where), message))

    def finish(self) -> ParsedDocument:
        self._flush()
        self._current = None
        return ParsedDocument(self.digests, self.store, self.log.listed(), self.log.total)

    def _flush(self) -> None:
        if not self._pending or self._current is None:
            return
        name, model = self._current, SECTIONS[self._current]
        rank = list(SECTIONS).index(name)
        upserts, deletions = [], []
        for index, entry in self._pending:
            if entry.get("deleted") is True and model is not CurriculumItem:
                deletions.append((index, entry))
            else:
                upserts.append((index, entry))
        self._pending = []
        valid = _validate_batch(name, model, upserts, partial(self.log.add, (rank, UPSERTS)))
        removed = _validate_batch(
            name, Deletion, deletions, partial(self.log.add, (rank, DELETIONS))
        )
        if model is CurriculumItem:
            # Curriculum rows carry their own "deleted" flag: split them after validation.
            removed = [(i, row) for i, row in valid if row.deleted]
            valid = [(i, row) for i, row in valid if not row.deleted]
        self._digest(name, rank, valid, removed)

    def _digest(
        self, name: str, rank: int, valid: list[tuple[int, Any]], removed: list[tuple[int, Any]]
    ) -> None:
        digest = self.digests[name]
        deleting = {index for index, _ in removed}
        kept: list[tuple[int, Any]] = []
        for index, item in sorted(valid + removed, key=lambda pair: pair[0]):
            key = natural_key(item)
            if key in digest.seen:
                message = (f"the same item appears twice in this document (also at "
                           f"{pointer(name, digest.seen[key])})")  # fmt: skip
                self.log.add((rank, DUPLICATES), Problem(pointer(name, index), message))
                continue
            digest.seen[key] = index
            if index in deleting:
                digest.deleted[key] = index
            else:
                kept.append((index, item))
        if self.log.total:
            return  # the document is refused anyway: nothing more to keep
        for reference in REFERENCES.get(name, ()):
            wanted = digest.references.setdefault(reference.field, set())
            for _, item in kept:
                wanted.update(external_id for _, external_id in referenced_ids(item, reference))
        digest.upserts += len(kept)
        self.store.add(name, kept)


def parse_document(raw: object) -> ParsedDocument:
    """Validate a document already in memory (a workbook, a test, the demo)."""
    checker = DocumentChecker()
    if not isinstance(raw, dict):
        checker.not_an_object()
        return checker.finish()
    for name, entries in raw.items():
        if name in SECTIONS and entries is None:
            continue  # null stands for a section left out
        if checker.section(name, isinstance(entries, list)):
            for index, entry in enumerate(entries):
                checker.item(index, entry)
    return checker.finish()
