"""/start, /help, /language and the fallback, through the production dispatcher."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from aiogram import Dispatcher
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage
from aiogram.types import InlineKeyboardMarkup
from sqlalchemy import func, select

from bot.handlers.language import LanguageChoice
from db.database import Database
from db.models import TelegramAccount
from tests.doubles.conversation import BotConversation
from tests.doubles.recording_session import RecordingBot
from tests.doubles.telegram_updates import TelegramUser


def only_message(calls: Sequence[object]) -> SendMessage:
    messages = [call for call in calls if isinstance(call, SendMessage)]
    assert len(messages) == 1, calls
    return messages[0]


async def account_count(database: Database) -> int:
    async with database.unit_of_work() as uow:
        return (await uow.session.execute(select(func.count(TelegramAccount.id)))).scalar_one()


async def test_start_in_russian_explains_how_to_link(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database
) -> None:
    chat = BotConversation(dispatcher, bot, TelegramUser(id=1001, first_name="Анна"))
    answer = only_message(await chat.send("/start"))
    assert answer.chat_id == 1001
    assert answer.text.startswith("Здравствуйте, <b>Анна</b>!")
    assert "одноразовым кодом" in answer.text
    assert "классному руководителю" in answer.text
    # Merely talking to the bot stores nothing about the person.
    assert await account_count(database) == 0


async def test_start_in_english_for_an_english_telegram(
    dispatcher: Dispatcher, bot: RecordingBot
) -> None:
    chat = BotConversation(
        dispatcher, bot, TelegramUser(id=1002, first_name="John", language_code="en")
    )
    answer = only_message(await chat.send("/start"))
    assert answer.text.startswith("Hello, <b>John</b>!")
    assert "one-time code" in answer.text


async def test_start_with_an_unknown_code_is_not_accepted(
    dispatcher: Dispatcher, bot: RecordingBot
) -> None:
    chat = BotConversation(dispatcher, bot, TelegramUser(id=1003))
    answer = only_message(await chat.send("/start K7QFM2XD9HTB"))
    assert answer.text.startswith("Этот код не принят")


async def test_hostile_first_name_is_shown_literally(
    dispatcher: Dispatcher, bot: RecordingBot
) -> None:
    chat = BotConversation(dispatcher, bot, TelegramUser(id=1004, first_name="<b>x</b>&<script>"))
    answer = only_message(await chat.send("/start"))
    assert "<b>&lt;b&gt;x&lt;/b&gt;&amp;&lt;script&gt;</b>" in answer.text
    assert "<script>" not in answer.text


@pytest.mark.parametrize(
    ("language", "title", "line"),
    [
        ("ru", "<b>Команды</b>", "/language — Сменить язык интерфейса"),
        ("en", "<b>Commands</b>", "/language — Change the interface language"),
    ],
)
async def test_help_lists_the_commands(
    dispatcher: Dispatcher, bot: RecordingBot, language: str, title: str, line: str
) -> None:
    chat = BotConversation(dispatcher, bot, TelegramUser(id=1005, language_code=language))
    answer = only_message(await chat.send("/help"))
    assert answer.text.startswith(title)
    assert line in answer.text.split("\n")


async def test_unknown_text_gets_a_pointer_to_help(
    dispatcher: Dispatcher, bot: RecordingBot
) -> None:
    chat = BotConversation(dispatcher, bot, TelegramUser(id=1006))
    answer = only_message(await chat.send("что задали на завтра?"))
    assert "/help" in answer.text
    assert answer.text.startswith("Извините")


async def test_language_choice_is_remembered_over_telegrams_setting(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database
) -> None:
    chat = BotConversation(dispatcher, bot, TelegramUser(id=1007, language_code="ru"))
    ask = only_message(await chat.send("/language"))
    assert ask.text == "Выберите язык интерфейса:"
    assert isinstance(ask.reply_markup, InlineKeyboardMarkup)
    buttons = [button.text for row in ask.reply_markup.inline_keyboard for button in row]
    assert buttons == ["✓ Русский", "English"]

    calls = await chat.click(LanguageChoice(code="en"))
    edited = next(call for call in calls if isinstance(call, EditMessageText))
    assert (edited.text or "").startswith("The interface language is now English.")
    assert any(isinstance(call, AnswerCallbackQuery) for call in calls)
    assert await account_count(database) == 1

    # Telegram still says "ru", but the choice wins from now on.
    answer = only_message(await chat.send("/start"))
    assert answer.text.startswith("Hello")

    # The first /language message lost its buttons with the confirmation: ask again.
    await chat.send("/language")
    await chat.click(LanguageChoice(code="ru"))
    assert only_message(await chat.send("/start")).text.startswith("Здравствуйте")
    assert await account_count(database) == 1


async def test_a_forged_language_button_changes_nothing(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database
) -> None:
    chat = BotConversation(dispatcher, bot, TelegramUser(id=1008))
    await chat.send("/language")
    calls = await chat.forge("lang:xx")
    refusal = next(call for call in calls if isinstance(call, AnswerCallbackQuery))
    assert refusal.show_alert is True
    assert refusal.text == "Этот язык недоступен."
    assert not any(isinstance(call, EditMessageText) for call in calls)
    assert await account_count(database) == 0
