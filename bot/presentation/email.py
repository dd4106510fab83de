"""A :class:`Rendered` as an e-mail shows it: a plain-text part and an HTML part from the
same message, so both say the same.

The HTML is a fragment per message (a letter joins a family's messages of one batch) and
:func:`email_document` wraps the fragments into the letter's page. Every piece of text is
escaped; links are only ``http(s)://`` (a ``javascript:`` link from anywhere becomes
plain text). Buttons that call back into Telegram mean nothing in a letter and are left
out; buttons with a link become links.
"""

from __future__ import annotations

import html

from bot.presentation.rendered import (
    Bold,
    Bullets,
    Code,
    Inline,
    Link,
    Paragraph,
    Rendered,
    Struck,
    lines_of,
)

# Styles inline: many mail programs drop a <style> block, and none runs scripts.
_BODY = "font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.45;color:#1a1a1a"
_BUTTON = (
    "display:inline-block;padding:8px 14px;margin:4px 0;border-radius:6px;"
    "background:#2b6cb0;color:#ffffff;text-decoration:none"
)
_FOOTER = "margin-top:24px;color:#666666;font-size:12px"
SEPARATOR_TEXT = "\n\n" + "—" * 24 + "\n\n"


def _safe_url(url: str) -> bool:
    return url.startswith(("https://", "http://"))


def _escape(text: str) -> str:
    return html.escape(text, quote=True)


def email_text(rendered: Rendered) -> str:
    """The plain-text part: links written out after their text."""
    lines = lines_of(rendered, _text_inline)
    for row in rendered.buttons:
        for button in row:
            if button.url is not None and _safe_url(button.url):
                lines.append(f"{button.text}: {button.url}")
    return "\n".join(lines)


def _text_inline(part: Inline) -> str:
    if isinstance(part, Link):
        return f"{part.text} ({part.url})" if _safe_url(part.url) else part.text
    return part if isinstance(part, str) else part.text


def email_html(rendered: Rendered) -> str:
    """The HTML fragment of one message: paragraphs, lists, and link buttons."""
    out: list[str] = []
    for block in rendered.blocks:
        if isinstance(block, Paragraph):
            out.append(f'<p style="margin:0 0 6px">{_inline_html(block.parts)}</p>')
        elif isinstance(block, Bullets):
            items = "".join(f"<li>{_inline_html(item)}</li>" for item in block.items)
            out.append(f'<ul style="margin:0 0 6px">{items}</ul>')
        else:
            out.append('<div style="height:10px"></div>')
    for row in rendered.buttons:
        for button in row:
            if button.url is not None and _safe_url(button.url):
                out.append(
                    f'<p><a href="{_escape(button.url)}" style="{_BUTTON}">'
                    f"{_escape(button.text)}</a></p>"
                )
    return "\n".join(out)


def _inline_html(parts: tuple[Inline, ...]) -> str:
    return "".join(_html_inline(part) for part in parts)


def _html_inline(part: Inline) -> str:
    if isinstance(part, Bold):
        return f"<b>{_escape(part.text)}</b>"
    if isinstance(part, Struck):
        return f"<s>{_escape(part.text)}</s>"
    if isinstance(part, Link):
        if not _safe_url(part.url):
            return _escape(part.text)
        return f'<a href="{_escape(part.url)}">{_escape(part.text)}</a>'
    if isinstance(part, Code):
        return f"<code>{_escape(part.text)}</code>"
    return _escape(part)


def email_document(title: str, fragments: list[str], footer: Rendered, lang: str) -> str:
    """The letter's HTML page: the messages one under another, the footer last."""
    body = '\n<hr style="border:0;border-top:1px solid #dddddd;margin:18px 0">\n'.join(fragments)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{_escape(lang)}"><head><meta charset="utf-8">'
        f"<title>{_escape(title)}</title></head>\n"
        f'<body style="{_BODY}">\n{body}\n'
        f'<div style="{_FOOTER}">{email_html(footer)}</div>\n'
        "</body></html>\n"
    )
