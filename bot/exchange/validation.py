"""Validation of a whole sync document before anything is written.

Every problem is reported with a JSON pointer into the document (``/grades/17/value``), so a
journal vendor can find the item; a document with any problem is refused as a whole.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from bot.exchange.document import SECTIONS, CurriculumItem, Deletion

# Enough to fix a broken export; a document with a million bad rows does not need a
# million-line answer.
MAX_REPORTED_PROBLEMS = 1000


@dataclass(frozen=True)
class Problem:
    path: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message}


@dataclass
class Section:
    """A section's valid items, each with its index in the document for error paths."""

    upserts: list[tuple[int, Any]] = field(default_factory=list)
    deletions: list[tuple[int, Any]] = field(default_factory=list)


@dataclass
class ParsedDocument:
    sections: dict[str, Section]
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems


class DocumentInvalid(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the document")
        self.problems = problems[:MAX_REPORTED_PROBLEMS]
        self.total = len(problems)


def pointer(*parts: object) -> str:
    path = "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)
    # A section's name is the sender's text: a lone surrogate in it would make the answer
    # itself unencodable as UTF-8, so it is spelt out as \udXXX instead.
    return path.encode("utf-8", "backslashreplace").decode("utf-8")


# Pydantic's own words for text that is not valid Unicode (a lone UTF-16 surrogate such as
# \ud800, which has no UTF-8 form and which no database can store) say little to a vendor.
NOT_UNICODE = "text is not valid Unicode (a lone surrogate such as \\ud800); send UTF-8 text"


_ADAPTERS: dict[type[BaseModel], TypeAdapter[list[Any]]] = {}


def _adapter(model: type[BaseModel]) -> TypeAdapter[list[Any]]:
    if model not in _ADAPTERS:
        _ADAPTERS[model] = TypeAdapter(list[model])  # type: ignore[valid-type]
    return _ADAPTERS[model]


def _validate_batch(
    section: str, model: type[BaseModel], entries: list[tuple[int, Any]], problems: list[Problem]
) -> list[tuple[int, Any]]:
    """Validate many items in one pydantic call (fast), mapping errors back to their index."""
    if not entries:
        return []
    raw = [entry for _, entry in entries]
    try:
        items = _adapter(model).validate_python(raw)
    except ValidationError as error:
        bad: set[int] = set()
        for detail in error.errors(include_url=False):
            position, *inner = detail["loc"]
            index = entries[int(position)][0]
            bad.add(int(position))
            message = detail["msg"].removeprefix("Value error, ")
            if detail["type"] == "string_unicode":
                message = NOT_UNICODE
            problems.append(Problem(pointer(section, index, *inner), message))
        good = [entry for position, entry in enumerate(entries) if position not in bad]
        return _validate_batch(section, model, good, problems) if good else []
    return [(index, item) for (index, _), item in zip(entries, items, strict=True)]


def _natural_key(section: str, item: Any) -> tuple[Any, ...]:
    if isinstance(item, CurriculumItem):
        return (item.class_id, item.subject_id, item.teacher_id, item.period_id)
    return (item.external_id,)


def _check_duplicates(section: str, parsed: Section, problems: list[Problem]) -> None:
    seen: dict[tuple[Any, ...], int] = {}
    for index, item in sorted(parsed.upserts + parsed.deletions, key=lambda pair: pair[0]):
        key = _natural_key(section, item)
        if key in seen:
            problems.append(
                Problem(
                    pointer(section, index),
                    f"the same item appears twice in this document (also at "
                    f"{pointer(section, seen[key])})",
                )
            )
        else:
            seen[key] = index


def parse_document(raw: object) -> ParsedDocument:
    problems: list[Problem] = []
    sections: dict[str, Section] = {}
    if not isinstance(raw, dict):
        return ParsedDocument({}, [Problem("", "the document must be a JSON object")])
    for name in raw:
        if name not in SECTIONS:
            known = ", ".join(SECTIONS)
            problems.append(Problem(pointer(name), f"unknown section; the sections are: {known}"))
    for name, model in SECTIONS.items():
        entries = raw.get(name)
        if entries is None:
            continue
        if not isinstance(entries, list):
            problems.append(Problem(pointer(name), "must be a list of items"))
            continue
        sections[name] = _parse_section(name, model, entries, problems)
    return ParsedDocument(sections, problems)


def _parse_section(
    name: str, model: type[BaseModel], entries: Iterable[Any], problems: list[Problem]
) -> Section:
    upserts: list[tuple[int, Any]] = []
    deletions: list[tuple[int, Any]] = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            problems.append(Problem(pointer(name, index), "each item must be a JSON object"))
        elif entry.get("deleted") is True and model is not CurriculumItem:
            deletions.append((index, entry))
        else:
            upserts.append((index, entry))
    parsed = Section(
        upserts=_validate_batch(name, model, upserts, problems),
        deletions=_validate_batch(name, Deletion, deletions, problems),
    )
    if model is CurriculumItem:
        # Curriculum rows carry their own "deleted" flag: split them after validation.
        rows = parsed.upserts
        parsed.upserts = [(i, row) for i, row in rows if not row.deleted]
        parsed.deletions = [(i, row) for i, row in rows if row.deleted]
    _check_duplicates(name, parsed, problems)
    return parsed
