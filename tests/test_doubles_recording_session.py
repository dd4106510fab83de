"""The RecordingSession/RecordingBot doubles and the conversation driver behave like Telegram."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from aiogram import Dispatcher, F, Router
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageText,
    GetChat,
    GetChatMemberCount,
    GetMe,
    SendDocument,
    SendMessage,
)
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)

from tests.doubles.conversation import BotConversation
from tests.doubles.recording_session import (
    FIRST_BOT_MESSAGE_ID,
    RecordingBot,
    UnexpectedTelegramCall,
)
from tests.doubles.telegram_updates import (
    BOT_ID,
    BOT_USERNAME,
    FIXED_NOW,
    TelegramUser,
    callback_update,
    message_update,
)

PARENT = TelegramUser(id=1001, first_name="Анна", language_code="ru")


class Pick(CallbackData, prefix="pick"):
    grade_id: int


def keyboard() -> InlineKeyboardMarkup:
    button = InlineKeyboardButton(text="Оценка", callback_data=Pick(grade_id=7).pack())
    return InlineKeyboardMarkup(inline_keyboard=[[button]])


@pytest.fixture
def bot() -> RecordingBot:
    return RecordingBot()


async def test_default_send_message_result_is_a_realistic_message(bot: RecordingBot) -> None:
    first = await bot.send_message(1001, "<b>Привет</b>", reply_markup=keyboard())
    second = await bot.send_message(1001, "ещё")

    assert isinstance(first, Message)
    assert first.message_id == FIRST_BOT_MESSAGE_ID
    assert second.message_id == FIRST_BOT_MESSAGE_ID + 1
    assert first.chat.id == 1001
    assert first.chat.type == "private"
    assert first.text == "<b>Привет</b>"
    assert first.date == FIXED_NOW
    assert first.from_user is not None
    assert (first.from_user.id, first.from_user.is_bot) == (BOT_ID, True)
    # Compare dumps: pydantic equality also compares the mounted bot (a private attribute).
    assert first.reply_markup is not None
    assert first.reply_markup.model_dump() == keyboard().model_dump()
    assert second.reply_markup is None
    # The result is mounted to the bot like on the network path, so shortcuts work.
    assert first.bot is bot

    sent = bot.session.calls(SendMessage)
    assert [call.text for call in sent] == ["<b>Привет</b>", "ещё"]
    assert bot.session.last(SendMessage).chat_id == 1001
    # The HTML default is applied when the request is serialised, not stored in the method.
    assert bot.default["parse_mode"] == "HTML"


async def test_message_dates_come_from_the_injected_clock() -> None:
    moment = datetime(2027, 1, 15, 12, 30, tzinfo=UTC)
    bot = RecordingBot(now=lambda: moment)

    message = await bot.send_message(-1001234567890, "всем")

    assert message.date == moment
    assert message.chat.type == "supergroup"


async def test_me_works_without_network(bot: RecordingBot) -> None:
    me = await bot.me()

    assert me.id == bot.id == BOT_ID
    assert me.username == BOT_USERNAME
    assert me.is_bot
    assert isinstance(bot.session.last(GetMe), GetMe)


async def test_queued_answers_are_used_first_in_first_out_per_method(bot: RecordingBot) -> None:
    chat = Chat(id=1001, type="private")
    bot.session.queue(SendMessage, Message(message_id=1, date=FIXED_NOW, chat=chat, text="one"))
    bot.session.queue(
        SendMessage, {"message_id": 2, "date": 0, "chat": {"id": 1, "type": "private"}}
    )
    bot.session.queue(GetChatMemberCount, 31)

    assert (await bot.send_message(1001, "a")).message_id == 1
    assert await bot.get_chat_member_count(-1001234567890) == 31
    assert (await bot.send_message(1001, "b")).message_id == 2
    # The queue is exhausted: back to the default answer.
    assert (await bot.send_message(1001, "c")).message_id == FIRST_BOT_MESSAGE_ID
    assert bot.session.pending(SendMessage) == 0
    with pytest.raises(ValueError, match="needs a result"):
        bot.session.queue(SendMessage)


@pytest.mark.parametrize(
    ("error_code", "extra", "exception"),
    [
        (403, {}, TelegramForbiddenError),
        (400, {}, TelegramBadRequest),
        (502, {}, TelegramServerError),
        (429, {"retry_after": 17}, TelegramRetryAfter),
        (400, {"migrate_to_chat_id": -1009876543210}, TelegramMigrateToChat),
    ],
)
async def test_queued_errors_raise_aiograms_real_exceptions(
    bot: RecordingBot,
    error_code: int,
    extra: dict[str, Any],
    exception: type[TelegramAPIError],
) -> None:
    bot.session.queue_error(SendMessage, error_code, "Forbidden: bot was blocked", **extra)

    with pytest.raises(exception) as raised:
        await bot.send_message(1001, "hi")

    assert "bot was blocked" in raised.value.message
    assert len(bot.session.calls(SendMessage)) == 1
    if isinstance(raised.value, TelegramRetryAfter):
        assert raised.value.retry_after == 17
    if isinstance(raised.value, TelegramMigrateToChat):
        assert raised.value.migrate_to_chat_id == -1009876543210


async def test_unqueued_unusual_method_fails_loudly(bot: RecordingBot) -> None:
    with pytest.raises(UnexpectedTelegramCall, match="GetChat"):
        await bot.get_chat(1001)

    assert len(bot.session.unexpected) == 1
    assert isinstance(bot.session.last(GetChat), GetChat)


async def test_query_helpers(bot: RecordingBot) -> None:
    bot.session.assert_no_calls()
    with pytest.raises(AssertionError, match="no SendMessage call"):
        bot.session.last(SendMessage)

    await bot.send_message(1001, "x")
    with pytest.raises(AssertionError, match="SendMessage"):
        bot.session.assert_no_calls()

    bot.session.clear()
    bot.session.assert_no_calls()


async def test_document_upload_is_serialised_and_answered(bot: RecordingBot) -> None:
    upload = BufferedInputFile(b"%PDF-1.4", filename="report.pdf")

    message = await bot.send_document(1001, upload, caption="Табель")

    assert message.document is not None
    assert message.document.file_name == "report.pdf"
    assert message.document.mime_type == "application/pdf"
    assert message.caption == "Табель"
    assert bot.session.last(SendDocument).document is upload


def test_update_builders_produce_realistic_updates() -> None:
    first = message_update("/start", user_id=2002, first_name="Иван")
    second = callback_update("pick:1", user_id=2002, message_id=10_005, message_text="Меню")

    assert second.update_id > first.update_id
    assert first.message is not None
    assert first.message.chat.id == 2002
    assert first.message.chat.type == "private"
    assert first.message.from_user is not None
    assert first.message.from_user.language_code == "ru"
    assert first.message.entities is not None
    assert first.message.entities[0].type == "bot_command"
    assert second.callback_query is not None
    assert isinstance(second.callback_query.message, Message)
    assert second.callback_query.message.text == "Меню"
    assert second.callback_query.message.message_id == 10_005


def ping_dispatcher() -> Dispatcher:
    router = Router()

    @router.message(Command("ping"))
    async def ping(message: Message) -> None:
        await message.answer("pong")

    @router.message(Command("menu"))
    async def menu(message: Message) -> None:
        await message.answer("Выберите оценку", reply_markup=keyboard())

    @router.callback_query(Pick.filter())
    async def pick(callback: CallbackQuery, callback_data: Pick) -> None:
        assert isinstance(callback.message, Message)
        await callback.message.edit_text(f"{callback.message.text}: №{callback_data.grade_id}")
        await callback.answer("Готово")

    @router.message(F.reply_to_message)
    async def replied(message: Message) -> None:
        assert message.reply_to_message is not None
        await message.answer(f"ответ на {message.reply_to_message.message_id}")

    @router.message(Command("webhook_style"))
    async def webhook_style(message: Message) -> SendMessage:
        return message.answer("returned")

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    return dispatcher


async def test_conversation_send_returns_the_calls_made(bot: RecordingBot) -> None:
    conversation = BotConversation(ping_dispatcher(), bot, PARENT)

    calls = await conversation.send("/ping")

    assert len(calls) == 1
    assert isinstance(calls[0], SendMessage)
    assert calls[0].text == "pong"
    assert calls[0].chat_id == PARENT.id
    # Unhandled text makes no calls at all.
    assert await conversation.send("просто текст") == []


async def test_conversation_click_reaches_callback_data_handler(bot: RecordingBot) -> None:
    conversation = BotConversation(ping_dispatcher(), bot, PARENT)
    [menu] = await conversation.send("/menu")
    assert isinstance(menu, SendMessage)

    calls = await conversation.click(Pick(grade_id=7))

    edit, answer = calls
    assert isinstance(edit, EditMessageText)
    # The handler saw the text of the message the bot had really sent.
    assert edit.text == "Выберите оценку: №7"
    assert edit.message_id == FIRST_BOT_MESSAGE_ID
    assert isinstance(answer, AnswerCallbackQuery)
    assert answer.text == "Готово"


async def test_conversation_reply_and_returned_methods(bot: RecordingBot) -> None:
    conversation = BotConversation(ping_dispatcher(), bot, PARENT)

    [reply] = await conversation.reply("да", to_message_id=10_050)
    [returned] = await conversation.send("/webhook_style")

    assert isinstance(reply, SendMessage)
    assert reply.text == "ответ на 10050"
    assert isinstance(returned, SendMessage)
    assert returned.text == "returned"


async def test_conversation_click_refuses_data_no_shown_button_carries(bot: RecordingBot) -> None:
    conversation = BotConversation(ping_dispatcher(), bot, PARENT)
    with pytest.raises(AssertionError, match="has sent no message"):
        await conversation.click(Pick(grade_id=7))
    await conversation.send("/menu")
    menu_update = conversation.last_update

    with pytest.raises(AssertionError) as raised:
        await conversation.click(Pick(grade_id=8))

    assert "'pick:8'" in str(raised.value)
    assert "'Оценка' (callback_data='pick:7')" in str(raised.value)  # what is shown
    # Nothing was fed: the handler never saw the made-up data.
    assert conversation.last_update is menu_update
    assert bot.session.calls(AnswerCallbackQuery) == []
    # A message the bot never sent shows no buttons either.
    with pytest.raises(AssertionError, match="sent no message 10050"):
        await conversation.click(Pick(grade_id=7), message_id=10_050)


async def test_conversation_press_finds_the_button_by_its_text(bot: RecordingBot) -> None:
    conversation = BotConversation(ping_dispatcher(), bot, PARENT)
    await conversation.send("/menu")

    edit, _answer = await conversation.press("Оценка")

    assert isinstance(edit, EditMessageText)
    assert edit.text == "Выберите оценку: №7"
    # The edit came without a keyboard, so the button is gone.
    with pytest.raises(AssertionError, match=r"no button labelled 'Оценка'.*no buttons"):
        await conversation.press("Оценка")


async def test_conversation_press_needs_exactly_one_callback_button(bot: RecordingBot) -> None:
    conversation = BotConversation(ping_dispatcher(), bot, PARENT)
    twice = [
        InlineKeyboardButton(text="Оценка", callback_data=Pick(grade_id=1).pack()),
        InlineKeyboardButton(text="Оценка", callback_data=Pick(grade_id=2).pack()),
    ]
    link = InlineKeyboardButton(text="Сайт школы", url="https://school.example/")
    markup = InlineKeyboardMarkup(inline_keyboard=[twice, [link]])
    await bot.send_message(PARENT.id, "Меню", reply_markup=markup)

    with pytest.raises(AssertionError, match="2 buttons labelled 'Оценка'"):
        await conversation.press("Оценка")
    with pytest.raises(AssertionError, match="no callback button labelled 'Сайт школы'"):
        await conversation.press("Сайт школы")


def swapping_dispatcher() -> Dispatcher:
    """/menu shows «Оценка» and «Другие»; «Другие» replaces the keyboard with «Другая»."""
    router = Router()

    @router.message(Command("menu"))
    async def menu(message: Message) -> None:
        other = InlineKeyboardButton(text="Другие", callback_data="swap")
        markup = InlineKeyboardMarkup(inline_keyboard=[*keyboard().inline_keyboard, [other]])
        await message.answer("Выберите оценку", reply_markup=markup)

    @router.callback_query(F.data == "swap")
    async def swap(callback: CallbackQuery) -> None:
        assert isinstance(callback.message, Message)
        button = InlineKeyboardButton(text="Другая", callback_data=Pick(grade_id=8).pack())
        markup = InlineKeyboardMarkup(inline_keyboard=[[button]])
        await callback.message.edit_reply_markup(reply_markup=markup)
        await callback.answer()

    @router.callback_query(Pick.filter())
    async def pick(callback: CallbackQuery, callback_data: Pick) -> None:
        await callback.answer(f"№{callback_data.grade_id}")

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    return dispatcher


async def test_conversation_buttons_are_those_of_the_edited_message(bot: RecordingBot) -> None:
    conversation = BotConversation(swapping_dispatcher(), bot, PARENT)
    await conversation.send("/menu")
    menu_id = bot.session.last_message_id(PARENT.id)
    await conversation.press("Другие")
    await bot.send_message(PARENT.id, "позже")  # the menu is no longer the latest message

    with pytest.raises(AssertionError, match="'Другая' \\(callback_data='pick:8'\\)"):
        await conversation.click(Pick(grade_id=7), message_id=menu_id)
    [answer] = await conversation.click(Pick(grade_id=8), message_id=menu_id)
    assert isinstance(answer, AnswerCallbackQuery)
    assert answer.text == "№8"
    [answer] = await conversation.press("Другая", message_id=menu_id)
    assert isinstance(answer, AnswerCallbackQuery)
    assert answer.text == "№8"


async def test_conversation_forge_sends_data_no_button_carries(bot: RecordingBot) -> None:
    conversation = BotConversation(ping_dispatcher(), bot, PARENT)
    await conversation.send("/menu")

    edit, _answer = await conversation.forge(Pick(grade_id=9))
    assert isinstance(edit, EditMessageText)
    assert edit.text == "Выберите оценку: №9"
    assert edit.message_id == FIRST_BOT_MESSAGE_ID
    # Even under a message the bot never sent: the handler sees a placeholder message.
    edit, _answer = await conversation.forge("pick:1", message_id=10_050)
    assert isinstance(edit, EditMessageText)
    assert edit.text == "…: №1"
    assert edit.message_id == 10_050
