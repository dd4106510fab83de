"""The risk alert a family reads when a child is slipping in a subject."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from bot.grading.forecast import rounded_average
from bot.grading.risk import Recovery, RecoveryKind, RiskState
from bot.presentation.rendered import Bold, Paragraph, Rendered, paragraph
from bot.presentation.translation import Translator


@dataclass(frozen=True)
class RiskAlertView:
    child: str
    subject: str
    state: RiskState
    average: float | None
    marks: tuple[str, ...]  # as written in the journal, oldest first
    threshold: Fraction | None  # the reader's own, for BELOW_THRESHOLD
    recovery: Recovery


def render_risk_alert(view: RiskAlertView, _: Translator) -> Rendered:
    title = _("{subject}: {child} is slipping").format(subject=view.subject, child=view.child)
    lines = [_state_line(view, _)]
    if view.average is not None:
        lines.append(_("Average: {average}").format(average=rounded_average(view.average)))
    shown = ", ".join(view.marks)
    lines.append(_("Marks: {marks}").format(marks=shown) if view.marks else _("No marks yet."))
    lines.append(_recovery_line(view, _))
    return Rendered((paragraph("⚠️ ", Bold(title)), *(Paragraph((line,)) for line in lines)))


def _state_line(view: RiskAlertView, _: Translator) -> str:
    if view.state is RiskState.FAILING:
        return _("Predicted final mark: 2.")
    if view.state is RiskState.NOT_ASSESSED:
        return _("Too few marks to be assessed, and the period ends soon.")
    return _("The average is under your threshold of {threshold}.").format(
        threshold=f"{float(view.threshold or 0):.1f}"
    )


def _recovery_line(view: RiskAlertView, _: Translator) -> str:
    kind, count = view.recovery.kind, view.recovery.count
    if kind is RecoveryKind.MORE_MARKS:
        return _("To be assessed: {count} more mark(s) needed.").format(count=count)
    if kind is RecoveryKind.FIVES_TO_THREE:
        return _("To reach a 3: {count} more five(s).").format(count=count)
    if kind is RecoveryKind.FIVES_TO_THRESHOLD:
        return _("To get back over {threshold}: {count} more five(s).").format(
            threshold=f"{float(view.threshold or 0):.1f}", count=count
        )
    return _("Please talk to the teacher about how to catch up.")
