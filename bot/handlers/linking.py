"""Linking in the bot: codes by deep link or typed, the consent buttons, /children, /privacy."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import (
    CallbackQuery,
    ForceReply,
    InlineKeyboardMarkup,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from aiogram.utils.i18n import I18n
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.clock import Clock
from bot.handlers.loop_filters import PRIVATE, OnLoop
from bot.handlers.menu import menu_keyboard
from bot.handlers.teacher_menu import teacher_keyboard
from bot.linking.access import linked_roles, privacy_report, unlink, withdraw_consent
from bot.linking.codes import looks_like_code
from bot.linking.consent_text import consent_labels
from bot.linking.service import (
    ConsentDeclined,
    ConsentNeeded,
    ConsentRefusedBefore,
    Linked,
    LinkSummary,
    Locked,
    RedeemOutcome,
    Rejected,
    answer_consent,
    redeem_code,
)
from bot.presentation.consent import render_consent, render_consent_answer
from bot.presentation.linking import (
    LinkView,
    not_your_link,
    render_children,
    render_code_entry_paused,
    render_code_rejected,
    render_consent_refused_before,
    render_linked,
    render_request_expired,
    render_unlinked,
    request_expired,
    unlink_label,
    unlinked,
)
from bot.presentation.privacy import (
    ConsentLine,
    ContactLine,
    PendingLine,
    PrivacyView,
    nothing_changed,
    render_nothing_stored,
    render_nothing_to_withdraw,
    render_privacy,
    render_withdraw_question,
    render_withdrawn,
    withdraw_answers,
    withdraw_label,
)
from bot.presentation.rendered import Rendered
from bot.presentation.telegram import telegram_html, telegram_messages
from bot.presentation.translation import update_translator
from db.unit_of_work import UnitOfWork

ReplyMarkup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | ForceReply

PENDING_CODE = "pending_code_id"


class ConsentChoice(CallbackData, prefix="consent"):
    agree: bool


class UnlinkChoice(CallbackData, prefix="unlink"):
    link_id: int


class WithdrawStep(CallbackData, prefix="withdraw"):
    step: str  # "ask", "confirm" or "cancel"


def link_view(summary: LinkSummary) -> LinkView:
    return LinkView(
        role=summary.role.value,
        person=summary.person,
        school=summary.school,
        class_name=summary.class_name,
        teacher_classes=summary.teacher_classes,
    )


async def answer_rendered(
    message: Message, rendered: Rendered, reply_markup: ReplyMarkup | None = None
) -> None:
    """Sent in as many messages as it takes; the keyboard goes under the last one."""
    parts = telegram_messages(rendered)
    for part in parts[:-1]:
        await message.answer(part)
    await message.answer(parts[-1], reply_markup=reply_markup)


async def show_outcome(
    message: Message, outcome: RedeemOutcome, state: FSMContext, i18n: I18n, clock: Clock
) -> None:
    _ = update_translator()
    if isinstance(outcome, Locked):
        paused = render_code_entry_paused(
            _, until=outcome.until, now=clock.now(), everyone=outcome.everyone
        )
        await answer_rendered(message, paused)
    elif isinstance(outcome, Rejected):
        await answer_rendered(message, render_code_rejected(outcome.attempts_left, _))
    elif isinstance(outcome, ConsentRefusedBefore):
        await answer_rendered(message, render_consent_refused_before(_))
    elif isinstance(outcome, ConsentNeeded):
        await state.update_data({PENDING_CODE: outcome.code_id})
        # The labels are the consent's own, from its catalog: part of the legal text.
        labels = consent_labels(i18n.current_locale)
        builder = InlineKeyboardBuilder()
        builder.button(text=labels.agree, callback_data=ConsentChoice(agree=True))
        builder.button(text=labels.refuse, callback_data=ConsentChoice(agree=False))
        document = render_consent(outcome.document.title, outcome.document.text)
        await answer_rendered(message, document, builder.as_markup())
    else:
        # A class teacher gets the teacher's menu; families the diary's.
        keyboard = teacher_keyboard(_) if outcome.summary.role == "teacher" else menu_keyboard(_)
        linked = render_linked(link_view(outcome.summary), _, already=outcome.already)
        await answer_rendered(message, linked, keyboard)


async def redeem_and_answer(
    message: Message,
    text: str,
    uow: UnitOfWork,
    clock: Clock,
    secret_key: str,
    state: FSMContext,
    i18n: I18n,
) -> None:
    assert message.from_user is not None
    outcome = await redeem_code(
        uow,
        clock,
        i18n,
        secret_key,
        telegram_user_id=message.from_user.id,
        chat_id=message.chat.id,
        text=text,
        locale=i18n.current_locale,
    )
    await show_outcome(message, outcome, state, i18n, clock)


async def start_with_code(
    message: Message,
    command: CommandObject,
    uow: UnitOfWork,
    clock: Clock,
    secret_key: str,
    state: FSMContext,
    i18n: I18n,
) -> None:
    await redeem_and_answer(message, command.args or "", uow, clock, secret_key, state, i18n)


async def typed_code(
    message: Message,
    uow: UnitOfWork,
    clock: Clock,
    secret_key: str,
    state: FSMContext,
    i18n: I18n,
) -> None:
    await redeem_and_answer(message, message.text or "", uow, clock, secret_key, state, i18n)


async def consent_chosen(
    query: CallbackQuery,
    callback_data: ConsentChoice,
    uow: UnitOfWork,
    clock: Clock,
    state: FSMContext,
    i18n: I18n,
) -> None:
    _ = update_translator()
    data = await state.get_data()
    code_id = data.get(PENDING_CODE)
    if not isinstance(code_id, int) or query.message is None:
        await query.answer(request_expired(_), show_alert=True)
        return
    outcome = await answer_consent(
        uow,
        clock,
        i18n,
        telegram_user_id=query.from_user.id,
        chat_id=query.message.chat.id,
        code_id=code_id,
        locale=i18n.current_locale,
        agree=callback_data.agree,
    )
    await state.update_data({PENDING_CODE: None})
    labels = consent_labels(i18n.current_locale)
    bot = query.bot
    assert bot is not None
    await query.answer()
    # The buttons go away: the choice is recorded and cannot be pressed twice.
    await bot.edit_message_reply_markup(
        chat_id=query.message.chat.id, message_id=query.message.message_id, reply_markup=None
    )
    chat_id = query.message.chat.id
    if isinstance(outcome, Linked):
        linked = render_linked(link_view(outcome.summary), _, already=outcome.already)
        answer = render_consent_answer(labels.agreed, linked)
        await bot.send_message(chat_id, text=telegram_html(answer), reply_markup=menu_keyboard(_))
    elif isinstance(outcome, ConsentDeclined):
        await bot.send_message(chat_id, telegram_html(render_consent_answer(labels.refused)))
    else:
        await bot.send_message(chat_id, telegram_html(render_request_expired(_)))


async def show_children(message: Message, uow: UnitOfWork) -> None:
    assert message.from_user is not None
    _ = update_translator()
    roles = await linked_roles(uow, message.from_user.id)
    links = [link_view(role.summary) for role in roles]
    if not roles:
        await answer_rendered(message, render_children(links, _))
        return
    builder = InlineKeyboardBuilder()
    for role, link in zip(roles, links, strict=True):
        builder.button(text=unlink_label(link, _), callback_data=UnlinkChoice(link_id=role.link_id))
    builder.adjust(1)
    await answer_rendered(message, render_children(links, _), builder.as_markup())


async def unlink_chosen(
    query: CallbackQuery, callback_data: UnlinkChoice, uow: UnitOfWork, clock: Clock
) -> None:
    _ = update_translator()
    if not await unlink(uow, clock, query.from_user.id, callback_data.link_id):
        # Someone else's link, or a forged or stale button: nothing is changed.
        await query.answer(not_your_link(_), show_alert=True)
        return
    await query.answer(unlinked(_))
    bot = query.bot
    if query.message is not None and bot is not None:
        await bot.send_message(query.message.chat.id, telegram_html(render_unlinked(_)))


def withdraw_keyboard(*steps: tuple[str, str]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for text, step in steps:
        builder.button(text=text, callback_data=WithdrawStep(step=step))
    return builder.as_markup()


async def show_privacy(message: Message, uow: UnitOfWork, clock: Clock) -> None:
    assert message.from_user is not None
    _ = update_translator()
    report = await privacy_report(uow, message.from_user.id, clock.now())
    if report.account is None:
        await answer_rendered(message, render_nothing_stored(_))
        return
    account = report.account
    view = PrivacyView(
        telegram_user_id=account.telegram_user_id,
        since=account.created_at.date(),
        language=account.language or _.locale,
        links=tuple(link_view(role.summary) for role in report.roles),
        consents=tuple(
            ConsentLine(record.state.value, record.form.value, record.recorded_at.date())
            for record in report.consents
        ),
        contacts=tuple(
            ContactLine(
                stored.address,
                stored.recorded_at.date(),
                stored.current,
                stored.channel.value if stored.channel else None,
                stored.evening_brief,
            )
            for stored in report.contacts
        ),
        pending=tuple(PendingLine(pending.address, pending.until) for pending in report.pending),
    )
    markup = withdraw_keyboard((withdraw_label(_), "ask")) if report.consents else None
    await answer_rendered(message, render_privacy(view, _), markup)


async def withdraw_step(
    query: CallbackQuery, callback_data: WithdrawStep, uow: UnitOfWork, clock: Clock
) -> None:
    message = query.message
    if message is None:
        await query.answer()
        return
    bot = query.bot
    assert bot is not None
    _ = update_translator()
    if callback_data.step == "ask":
        await query.answer()
        confirm, cancel = withdraw_answers(_)
        await bot.send_message(
            message.chat.id,
            telegram_html(render_withdraw_question(_)),
            reply_markup=withdraw_keyboard((confirm, "confirm"), (cancel, "cancel")),
        )
    elif callback_data.step == "confirm":
        result = await withdraw_consent(uow, clock, query.from_user.id)
        await query.answer()
        await bot.edit_message_reply_markup(
            chat_id=message.chat.id, message_id=message.message_id, reply_markup=None
        )
        done = render_withdrawn(_) if result.consents else render_nothing_to_withdraw(_)
        await bot.send_message(message.chat.id, telegram_html(done))
    else:
        await query.answer(nothing_changed(_))
        await bot.edit_message_reply_markup(
            chat_id=message.chat.id, message_id=message.message_id, reply_markup=None
        )


def build_router() -> Router:
    router = Router(name="linking")
    router.message.register(start_with_code, CommandStart(deep_link=True))
    router.message.register(typed_code, PRIVATE, OnLoop(F.text.func(looks_like_code)))
    router.callback_query.register(consent_chosen, ConsentChoice.filter())
    router.message.register(show_children, Command("children"))
    router.callback_query.register(unlink_chosen, UnlinkChoice.filter())
    router.message.register(show_privacy, Command("privacy"))
    router.callback_query.register(withdraw_step, WithdrawStep.filter())
    return router
