"""What the school's admins read when a crowd of wrong codes pauses code entry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.presentation.rendered import Bold, Paragraph, Rendered, paragraph
from bot.presentation.translation import Translator


@dataclass(frozen=True)
class EntryLockAlert:
    failures: int
    until: datetime  # in the school's zone
    everywhere: bool  # every school's codes, or only this school's


def render_entry_lock_alert(view: EntryLockAlert, _: Translator) -> Rendered:
    scope = (
        _("Entering link codes is paused for everyone until {time}.")
        if view.everywhere
        else _("Entering this school's link codes is paused until {time}.")
    )
    lines = (
        _("{count} wrong codes were entered in the last 10 minutes.").format(count=view.failures),
        scope.format(time=f"{view.until:%H:%M}"),
        _(
            "Someone may be guessing codes. Issued codes stay valid; families can enter them "
            "again after the pause."
        ),
    )
    return Rendered(
        (
            paragraph("🚨 ", Bold(_("Many wrong link codes"))),
            *(Paragraph((line,)) for line in lines),
        )
    )
