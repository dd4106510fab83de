"""Linking in the bot: codes by deep link or typed, the consent buttons, /children, /privacy."""

from __future__ import annotations

from datetime import datetime

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n, ngettext
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.clock import Clock
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
from bot.presentation.text import escape, split_message
from db.models import AccountRole
from db.unit_of_work import UnitOfWork

PENDING_CODE = "pending_code_id"


class ConsentChoice(CallbackData, prefix="consent"):
    agree: bool


class UnlinkChoice(CallbackData, prefix="unlink"):
    link_id: int


class WithdrawStep(CallbackData, prefix="withdraw"):
    step: str  # "ask", "confirm" or "cancel"


def linked_text(outcome: Linked) -> str:
    summary = outcome.summary
    if outcome.already:
        return _("{person} is already linked to your account.").format(
            person=f"<b>{escape(summary.person)}</b>"
        )
    names = {
        "person": f"<b>{escape(summary.person)}</b>",
        "class_name": escape(summary.class_name or ""),
        "school": escape(summary.school),
        "classes": escape(", ".join(summary.teacher_classes)),
    }
    if summary.role == AccountRole.GUARDIAN:
        text = _("Done! You are linked to the diary of {person}, class {class_name}, {school}.")
    elif summary.role == AccountRole.STUDENT:
        text = _("Done! You are linked to your diary: {person}, class {class_name}, {school}.")
    elif summary.teacher_classes:
        text = _(
            "Done! You are linked as a teacher: {person}, {school}. Class teacher of: {classes}."
        )
    else:
        text = _("Done! You are linked as a teacher: {person}, {school}.")
    return text.format(**names) + "\n\n" + _("Send /help to see what I can do.")


def minutes_until(until: datetime, now: datetime) -> int:
    return max(1, int((until - now).total_seconds() + 59) // 60)


async def show_outcome(
    message: Message, outcome: RedeemOutcome, state: FSMContext, i18n: I18n, clock: Clock
) -> None:
    if isinstance(outcome, Locked) and outcome.everyone:
        minutes = minutes_until(outcome.until, clock.now())
        await message.answer(
            ngettext(
                "Too many wrong codes have been entered recently, so entering codes is paused "
                "for a while. Please try again in {minutes} minute.",
                "Too many wrong codes have been entered recently, so entering codes is paused "
                "for a while. Please try again in {minutes} minutes.",
                minutes,
            ).format(minutes=minutes)
        )
    elif isinstance(outcome, Locked):
        minutes = minutes_until(outcome.until, clock.now())
        await message.answer(
            ngettext(
                "Too many wrong codes. Please try again in {minutes} minute.",
                "Too many wrong codes. Please try again in {minutes} minutes.",
                minutes,
            ).format(minutes=minutes)
        )
    elif isinstance(outcome, Rejected):
        left = ngettext(
            "{count} attempt left.", "{count} attempts left.", outcome.attempts_left
        ).format(count=outcome.attempts_left)
        await message.answer(
            _(
                "This code was not accepted. Check it and try again, or ask the class teacher "
                "for a new one: a code works once and for a limited time."
            )
            + " "
            + left
        )
    elif isinstance(outcome, ConsentRefusedBefore):
        await message.answer(
            _(
                "Consent to the processing of personal data was refused or withdrawn, so the "
                "diary cannot be shown here. To change that, contact the school; until then the "
                "school gives you paper statements."
            )
        )
    elif isinstance(outcome, ConsentNeeded):
        await state.update_data({PENDING_CODE: outcome.code_id})
        labels = consent_labels(i18n.current_locale)
        builder = InlineKeyboardBuilder()
        builder.button(text=labels.agree, callback_data=ConsentChoice(agree=True))
        builder.button(text=labels.refuse, callback_data=ConsentChoice(agree=False))
        document = outcome.document
        parts = split_message(f"<b>{escape(document.title)}</b>\n\n{escape(document.text)}")
        for part in parts[:-1]:
            await message.answer(part)
        await message.answer(parts[-1], reply_markup=builder.as_markup())
    else:
        # A class teacher gets the teacher's menu; families the diary's.
        keyboard = teacher_keyboard() if outcome.summary.role == "teacher" else menu_keyboard()
        await message.answer(linked_text(outcome), reply_markup=keyboard)


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
    data = await state.get_data()
    code_id = data.get(PENDING_CODE)
    if not isinstance(code_id, int) or query.message is None:
        await query.answer(_("This request has expired. Send the code again."), show_alert=True)
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
    if isinstance(outcome, Linked):
        await bot.send_message(
            query.message.chat.id,
            reply_markup=menu_keyboard(),
            text=escape(labels.agreed) + "\n\n" + linked_text(outcome),
        )
    elif isinstance(outcome, ConsentDeclined):
        await bot.send_message(query.message.chat.id, escape(labels.refused))
    else:
        await bot.send_message(
            query.message.chat.id, _("This request has expired. Send the code again.")
        )


def describe_role(summary: LinkSummary) -> str:
    person = escape(summary.person)
    if summary.role == AccountRole.TEACHER:
        return _("{person} (teacher), {school}").format(
            person=person, school=escape(summary.school)
        )
    if summary.role == AccountRole.ADMIN:
        return _("administrator of {school}").format(school=escape(summary.school))
    return _("{person}, class {class_name}, {school}").format(
        person=person, class_name=escape(summary.class_name or ""), school=escape(summary.school)
    )


async def show_children(message: Message, uow: UnitOfWork) -> None:
    assert message.from_user is not None
    roles = await linked_roles(uow, message.from_user.id)
    if not roles:
        await message.answer(
            _("Nobody is linked yet. Send me the code from the school's letter to link a child.")
        )
        return
    lines = [_("<b>Linked to your account</b>")]
    builder = InlineKeyboardBuilder()
    for role in roles:
        lines.append("• " + describe_role(role.summary))
        builder.button(
            text=_("Unlink: {person}").format(person=role.summary.person),
            callback_data=UnlinkChoice(link_id=role.link_id),
        )
    builder.adjust(1)
    await message.answer("\n".join(lines), reply_markup=builder.as_markup())


async def unlink_chosen(
    query: CallbackQuery, callback_data: UnlinkChoice, uow: UnitOfWork, clock: Clock
) -> None:
    if not await unlink(uow, clock, query.from_user.id, callback_data.link_id):
        # Someone else's link, or a forged or stale button: nothing is changed.
        await query.answer(_("This link is not yours or has already ended."), show_alert=True)
        return
    await query.answer(_("Unlinked."))
    bot = query.bot
    if query.message is not None and bot is not None:
        await bot.send_message(
            query.message.chat.id,
            _("Unlinked. You can link again with a new code from the school."),
        )


def withdraw_keyboard(*steps: tuple[str, str]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for text, step in steps:
        builder.button(text=text, callback_data=WithdrawStep(step=step))
    return builder.as_markup()


def consent_state_name(state: str) -> str:
    names = {
        "granted": _("granted"),
        "refused": _("refused"),
        "withdrawn": _("withdrawn"),
    }
    return names.get(state, state)


def consent_form_name(form: str) -> str:
    return _("on paper") if form == "paper" else _("electronically")


async def show_privacy(message: Message, uow: UnitOfWork, i18n: I18n) -> None:
    assert message.from_user is not None
    report = await privacy_report(uow, message.from_user.id)
    if report.account is None:
        await message.answer(
            _("Nothing is stored about you: you have not linked anyone or changed settings.")
        )
        return
    account = report.account
    lines = [
        _("<b>What is stored about you</b>"),
        _("Telegram id {id}, with the bot since {date}.").format(
            id=account.telegram_user_id, date=account.created_at.date().strftime("%d.%m.%Y")
        ),
        _("Interface language: {language}.").format(
            language=account.language or i18n.current_locale
        ),
    ]
    lines += ["• " + describe_role(role.summary) for role in report.roles]
    for record in report.consents:
        lines.append(
            _("Consent: {state}, {form}, {date}.").format(
                state=consent_state_name(record.state.value),
                form=consent_form_name(record.form.value),
                date=record.recorded_at.date().strftime("%d.%m.%Y"),
            )
        )
    lines.append("")
    lines.append(
        _(
            "You may withdraw your consent at any time. Deliveries stop at once; the data kept "
            "only for this channel (Telegram ids, the reading log) is erased within 30 days; the "
            "consent history stays with the school, as the law requires."
        )
    )
    markup = withdraw_keyboard((_("Withdraw consent"), "ask")) if report.consents else None
    await message.answer("\n".join(lines), reply_markup=markup)


async def withdraw_step(
    query: CallbackQuery, callback_data: WithdrawStep, uow: UnitOfWork, clock: Clock
) -> None:
    message = query.message
    if message is None:
        await query.answer()
        return
    bot = query.bot
    assert bot is not None
    if callback_data.step == "ask":
        await query.answer()
        await bot.send_message(
            message.chat.id,
            _(
                "Withdraw your consent? Nothing more will be sent here and your links end. "
                "The school will give you paper statements instead."
            ),
            reply_markup=withdraw_keyboard(
                (_("Yes, withdraw"), "confirm"), (_("Cancel"), "cancel")
            ),
        )
    elif callback_data.step == "confirm":
        result = await withdraw_consent(uow, clock, query.from_user.id)
        await query.answer()
        await bot.edit_message_reply_markup(
            chat_id=message.chat.id, message_id=message.message_id, reply_markup=None
        )
        if result.consents == 0:
            await bot.send_message(message.chat.id, _("There is no consent to withdraw."))
            return
        await bot.send_message(
            message.chat.id,
            _(
                "Consent withdrawn. Nothing more will be sent here and your links have ended. "
                "Ask the class teacher for paper statements of the grades."
            ),
        )
    else:
        await query.answer(_("Nothing changed."))
        await bot.edit_message_reply_markup(
            chat_id=message.chat.id, message_id=message.message_id, reply_markup=None
        )


def build_router() -> Router:
    router = Router(name="linking")
    router.message.register(start_with_code, CommandStart(deep_link=True))
    router.message.register(typed_code, F.chat.type == "private", F.text.func(looks_like_code))
    router.callback_query.register(consent_chosen, ConsentChoice.filter())
    router.message.register(show_children, Command("children"))
    router.callback_query.register(unlink_chosen, UnlinkChoice.filter())
    router.message.register(show_privacy, Command("privacy"))
    router.callback_query.register(withdraw_step, WithdrawStep.filter())
    return router
