"""The evening brief: tomorrow for each child — lessons with their changes, homework due,
tests coming."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from bot.diary.views import LessonLine
from bot.presentation.lessons import lesson_parts
from bot.presentation.numbers_and_days import day_name
from bot.presentation.rendered import Block, Bold, Bullets, Gap, Paragraph, Rendered, paragraph
from bot.presentation.translation import Translator


@dataclass(frozen=True)
class TestLine:
    day: dt.date
    subject: str
    kind: str | None
    topic: str | None


@dataclass(frozen=True)
class ChildBrief:
    name: str  # "Иванов Пётр, 5А"
    lessons: tuple[LessonLine, ...]
    homework: tuple[tuple[str, str], ...]  # (subject, task)
    tests: tuple[TestLine, ...]


def render_brief(tomorrow: dt.date, children: Sequence[ChildBrief], _: Translator) -> Rendered:
    title = _("Tomorrow, {day}").format(day=day_name(tomorrow, _.locale))
    blocks: list[Block] = [paragraph("🌙 ", Bold(title))]
    for child in children:
        blocks += [Gap(), *_child(child, _)]
    return Rendered(tuple(blocks))


def _child(child: ChildBrief, _: Translator) -> list[Block]:
    blocks: list[Block] = [paragraph(Bold(child.name))]
    blocks += [Paragraph(lesson_parts(lesson, _)) for lesson in child.lessons]
    if child.homework:
        blocks += [Gap(), paragraph("📚 " + _("Homework for tomorrow:"))]
        blocks.append(Bullets(tuple((f"{subject}: {task}",) for subject, task in child.homework)))
    if child.tests:
        blocks += [Gap(), paragraph("📝 " + _("Tests:"))]
        blocks.append(Bullets(tuple((_test_line(test, _),) for test in child.tests)))
    return blocks


def _test_line(test: TestLine, _: Translator) -> str:
    topic = f" — {test.topic}" if test.topic else ""
    kind = f" ({test.kind})" if test.kind else ""
    return f"{day_name(test.day, _.locale)}: {test.subject}{kind}{topic}"
