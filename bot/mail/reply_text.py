"""What a family wrote in a reply to a letter: the text, without what their mail program
quoted, and whether a program rather than a person sent it.

The text is the ``text/plain`` part, else the HTML one turned into plain text by a parser
that keeps only the words (scripts, styles and the quoted ``<blockquote>`` dropped, entities
decoded; nothing of it is ever shown as HTML: it is escaped again wherever it goes). Charsets
(KOI8-R, windows-1251, UTF-8…), quoted-printable and base64 bodies, and RFC 2047 headers
are decoded by the standard library's ``email`` package with its modern policy.

Below the reply, mail programs quote the letter: after an attribution line («On … wrote:»,
«… пишет:», «-----Original Message-----»…) or as lines starting with ``>``; both are cut,
and so is a signature after the ``-- `` line.
"""

from __future__ import annotations

import re
from email.message import EmailMessage, Message
from html.parser import HTMLParser

# RFC 3834 and long practice: headers that mark a message a program sent.
_BULK = {"bulk", "junk", "list", "auto_reply"}
_AUTOMATIC_HEADERS = ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress")
_ATTRIBUTION_END = re.compile(
    r"(wrote|writes|пишет|написал|написала|написал\(а\)|написали)\s*:\s*$", re.IGNORECASE
)
_ATTRIBUTION_START = re.compile(r"^(on|в|вт|ср|чт|пт|сб|вс|пн|le|am)\b|^\d{1,2}[./]", re.IGNORECASE)
_SEPARATOR = re.compile(
    r"^\s*(-{2,}\s*(original message|исходное сообщение|пересылаемое сообщение|forwarded "
    r"message)\s*-{2,}|_{10,})\s*$",
    re.IGNORECASE,
)
# "03.03.2026, 10:00, "Школа" <diary@school.ru>:" (Yandex, Mail.ru): an address, then a colon.
_ADDRESS_ATTRIBUTION = re.compile(r"@\S*>?\s*:\s*$")
# Outlook quotes with a header block: "From: …" then "Sent:"/"Отправлено:" below it.
_OUTLOOK_FROM = re.compile(r"^\s*(from|от|отправитель)\s*:", re.IGNORECASE)
_BLOCKS = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul"}
_SKIPPED = {"script", "style", "head", "title", "blockquote"}


def automatic_reason(message: Message, envelope_sender: str) -> str | None:
    """Why the message is a bounce or an auto-reply (never relayed), or None for a person's."""
    if not envelope_sender or envelope_sender == "<>":
        return "null sender (a bounce)"
    submitted = str(message.get("Auto-Submitted", "no")).strip().lower()
    if submitted and not submitted.startswith("no"):
        return f"Auto-Submitted: {submitted}"
    precedence = str(message.get("Precedence", "")).strip().lower()
    if precedence in _BULK:
        return f"Precedence: {precedence}"
    for name in _AUTOMATIC_HEADERS:
        if message.get(name) is not None:
            return name
    if message.get_content_type() == "multipart/report":
        return "a delivery report"
    return None


def reply_text(message: EmailMessage) -> str:
    """The reply's own text (may be empty: nothing written, or no text part at all)."""
    body = message.get_body(preferencelist=("plain", "html"))
    if body is None:
        return ""
    try:
        content = body.get_content()
    except (LookupError, ValueError):  # an unknown charset, a broken encoding
        payload = body.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    if not isinstance(content, str):
        return ""
    if body.get_content_subtype() == "html":
        content = html_to_text(content)
    return strip_quoted(content)


def strip_quoted(text: str) -> str:
    """The lines above the quoted letter, without quoted lines and the signature."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    for line in lines:
        if _ends_the_reply(line):
            break
        if _ATTRIBUTION_END.search(line) or _ADDRESS_ATTRIBUTION.search(line):
            # The attribution may be wrapped: its first half on the line above.
            wrapped = not _ATTRIBUTION_START.match(line.strip())
            if wrapped and kept and _ATTRIBUTION_START.match(kept[-1].strip()):
                kept.pop()
            break
        if not line.lstrip().startswith(">"):
            kept.append(line.rstrip())
    return "\n".join(kept).strip()


def _ends_the_reply(line: str) -> bool:
    """The signature's ``-- ``, a quoting separator, or Outlook's "From: … @ …" header (with
    an address only: a family may write "From:" in their own text)."""
    if line.rstrip() == "--" or _SEPARATOR.match(line):
        return True
    return bool(_OUTLOOK_FROM.match(line)) and "@" in line


class _TextOfHtml(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            self._skipping = 0  # a <head> left open hides nothing of the body
        elif tag in _SKIPPED:
            self._skipping += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:  # <br/> is one line break; a self-closed <style/> hides nothing
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    """The words of an HTML reply, a line per block; no markup survives."""
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    lines = (line.strip() for line in "".join(parser.parts).split("\n"))
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
