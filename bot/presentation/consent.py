"""The consent to the processing of personal data as a message, and the answers to the
choice under it.

The texts come filled and translated from :mod:`bot.linking.consent_text` (a gettext domain
of its own): they are plain text, and only here do they become paragraphs, so the names in
them are escaped like any other text.
"""

from __future__ import annotations

from bot.presentation.rendered import Block, Bold, Gap, Rendered, paragraph


def render_consent(title: str, text: str) -> Rendered:
    """The title in bold, then the text line by line; its empty lines stay as gaps."""
    blocks: list[Block] = [paragraph(Bold(title)), Gap()]
    blocks += [paragraph(line) if line else Gap() for line in text.split("\n")]
    return Rendered(tuple(blocks))


def render_consent_answer(answer: str, then: Rendered | None = None) -> Rendered:
    """What the bot says after the choice («consent recorded» / «refused»), and what follows
    it in the same message (the link just made)."""
    if then is None:
        return Rendered((paragraph(answer),))
    return Rendered((paragraph(answer), Gap(), *then.blocks), then.buttons)
