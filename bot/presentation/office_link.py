"""The bot's answer to /office: the one-time sign-in links to the school office console."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.presentation.rendered import Block, Bold, Gap, Link, Rendered, paragraph
from bot.presentation.translation import Translator


@dataclass(frozen=True)
class OfficeLinkView:
    school: str
    url: str


def render_office_links(links: Sequence[OfficeLinkView], _: Translator) -> Rendered:
    blocks: list[Block] = [paragraph(Bold(_("School office in the browser")))]
    for link in links:
        blocks += [
            Gap(),
            paragraph(Link(_("Sign in: {school}").format(school=link.school), link.url)),
        ]
    blocks += [
        Gap(),
        paragraph(
            _(
                "The link works once and for 10 minutes, on the device where you open it. "
                "Do not forward it: it signs in as you."
            )
        ),
    ]
    return Rendered(tuple(blocks))


def render_office_refused(_: Translator) -> Rendered:
    return Rendered(
        (
            paragraph(
                _(
                    "The school office is for school administrators and class teachers linked "
                    "in the bot."
                )
            ),
        )
    )
