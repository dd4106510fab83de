"""A translated sentence whose placeholders are inline parts: «Hello, {name}!» with the name
in bold. The translation decides where the part goes, so it is filled after translating,
and the sentence stays one msgid without markup in it."""

from __future__ import annotations

from string import Formatter

from bot.presentation.rendered import Inline


def fill(template: str, **values: Inline | int) -> tuple[Inline, ...]:
    """``template`` (str.format style) as inline parts: text values are written into the
    text, other parts (Bold, Code, …) stand where their placeholder was."""
    parts: list[Inline] = []
    text = ""
    for literal, name, spec, conversion in Formatter().parse(template):
        text += literal
        if name is None:
            continue
        if conversion or not name.isidentifier():
            raise ValueError(f"unsupported placeholder {{{name}}} in {template!r}")
        value = values[name]
        if isinstance(value, str | int):
            text += format(value, spec or "")
            continue
        if text:
            parts.append(text)
        parts.append(value)
        text = ""
    if text:
        parts.append(text)
    return tuple(parts)
