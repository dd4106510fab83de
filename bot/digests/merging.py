"""Which pushes for one chat go out together as one message (pure)."""

from __future__ import annotations

from typing import Any

from bot.presentation.text import MESSAGE_LIMIT, telegram_length

MERGE_SEPARATOR = "\n\n"


def goes_alone(payload: dict[str, Any]) -> bool:
    """Pushes never merged with others: with buttons (they belong to their text), edits of
    an earlier message, documents, and those queued as ``alone`` (to be edited later)."""
    return any(payload.get(key) for key in ("reply_markup", "edit_of", "document_id", "alone"))


def merge_for_chats(
    rows: list[tuple[int, int, str, bool]], limit: int = MESSAGE_LIMIT
) -> list[tuple[int, list[int]]]:
    """(row id, account id, text, goes alone) in due order → (account, row ids) sends.

    Plain pushes for one chat that are due together become one message, up to Telegram's
    limit; a push that goes alone (see :func:`goes_alone`) is never merged.
    """
    sends: list[tuple[int, list[int]]] = []
    open_for: dict[int, tuple[int, int]] = {}  # account → (index in sends, length so far)
    for row_id, account_id, text, has_buttons in rows:
        size = telegram_length(text)
        if not has_buttons and account_id in open_for:
            index, length = open_for[account_id]
            grown = length + telegram_length(MERGE_SEPARATOR) + size
            if grown <= limit:
                sends[index][1].append(row_id)
                open_for[account_id] = (index, grown)
                continue
        sends.append((account_id, [row_id]))
        if has_buttons:
            open_for.pop(account_id, None)
        else:
            open_for[account_id] = (len(sends) - 1, size)
    return sends
