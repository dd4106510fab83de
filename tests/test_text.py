"""Escaping and splitting for HTML messages (pure rules)."""

from __future__ import annotations

import pytest

from bot.presentation.text import MESSAGE_LIMIT, escape, split_message, telegram_length


def test_escape_makes_markup_literal() -> None:
    assert escape('<b>5</b> & "4"') == "&lt;b&gt;5&lt;/b&gt; &amp; &quot;4&quot;"
    assert escape(5) == "5"


def test_short_text_is_one_message() -> None:
    assert split_message("Оценки за неделю\nМатематика 5") == ["Оценки за неделю\nМатематика 5"]


def test_long_text_splits_on_line_boundaries_within_the_limit() -> None:
    lines = [f"{n:04d} Математика: 5, 4, 5 (контрольная)" for n in range(400)]
    parts = split_message("\n".join(lines))
    assert len(parts) > 1
    assert all(telegram_length(part) <= MESSAGE_LIMIT for part in parts)
    assert "\n".join(parts).split("\n") == lines  # nothing lost, nothing cut mid-line


def test_a_single_overlong_line_is_cut_at_spaces() -> None:
    text = " ".join(["слово"] * 2000)
    parts = split_message(text, limit=100)
    assert all(telegram_length(part) <= 100 for part in parts)
    assert " ".join(parts).split() == text.split()


def test_emoji_count_double_like_telegram() -> None:
    text = "😀" * 3000  # 6000 UTF-16 units, no spaces: hard cut
    parts = split_message(text)
    assert [telegram_length(part) for part in parts] == [4096, 1904]
    assert "".join(parts) == text


def test_limit_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        split_message("x", limit=0)
