"""/broadcast: class → audience → text (or a forwarded message) → preview → confirm;
/broadcasts with delivery and read figures; the «👍 Read» button of an announcement."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.clock import Clock
from bot.presentation.text import escape
from bot.teachers.broadcasts import (
    WHOLE_SCHOOL,
    Audience,
    BroadcastRefused,
    announcement_text,
    check_text,
    mark_read,
    recent_broadcasts,
    recipients,
    send_broadcast,
    sender_of,
)
from bot.teachers.buttons import BroadcastRead
from db.unit_of_work import UnitOfWork


class Broadcasting(StatesGroup):
    text = State()
    confirm = State()


class BroadcastClass(CallbackData, prefix="bcls"):
    class_id: int


class BroadcastAudience(CallbackData, prefix="baud"):
    audience: str


class BroadcastConfirm(CallbackData, prefix="bok"):
    go: bool


def audience_label(audience: Audience) -> str:
    return {
        Audience.GUARDIANS: _("Parents"),
        Audience.STUDENTS: _("Students"),
        Audience.BOTH: _("Parents and students"),
    }[audience]


async def start_broadcast(message: Message, uow: UnitOfWork, state: FSMContext) -> None:
    if message.from_user is None:
        return
    sender = await sender_of(uow, message.from_user.id)
    if sender is None:
        await message.answer(_("Only class teachers and administrators can send announcements."))
        return
    await state.clear()
    builder = InlineKeyboardBuilder()
    for school_class in sender.classes:
        builder.button(
            text=school_class.name, callback_data=BroadcastClass(class_id=school_class.id)
        )
    if sender.is_admin:
        builder.button(
            text=_("The whole school"), callback_data=BroadcastClass(class_id=WHOLE_SCHOOL)
        )
    builder.adjust(3)
    await message.answer(
        _("Whom is the announcement for? Choose the class:"), reply_markup=builder.as_markup()
    )


async def class_chosen(
    query: CallbackQuery, callback_data: BroadcastClass, uow: UnitOfWork, state: FSMContext
) -> None:
    sender = await sender_of(uow, query.from_user.id)
    if sender is None or not sender.may_address(callback_data.class_id):
        await query.answer(_("You cannot address this class."), show_alert=True)
        return
    await state.set_state(None)
    await state.set_data({"class_id": callback_data.class_id})
    builder = InlineKeyboardBuilder()
    for audience in Audience:
        builder.button(
            text=audience_label(audience), callback_data=BroadcastAudience(audience=audience.value)
        )
    builder.adjust(1)
    await query.answer()
    if query.message is not None:
        await query.bot.edit_message_text(  # type: ignore[union-attr]
            text=_("Who should receive it?"),
            chat_id=query.message.chat.id,
            message_id=query.message.message_id,
            reply_markup=builder.as_markup(),
        )


async def audience_chosen(
    query: CallbackQuery, callback_data: BroadcastAudience, uow: UnitOfWork, state: FSMContext
) -> None:
    data = await state.get_data()
    sender = await sender_of(uow, query.from_user.id)
    if (
        sender is None
        or "class_id" not in data
        or callback_data.audience not in {a.value for a in Audience}
        or not sender.may_address(int(data["class_id"]))
    ):
        await query.answer(_("This button is not available to you."), show_alert=True)
        return
    await state.update_data(audience=callback_data.audience)
    await state.set_state(Broadcasting.text)
    await query.answer()
    if query.message is not None:
        await query.bot.edit_message_text(  # type: ignore[union-attr]
            text=_(
                "Write the announcement in one message, or forward one here. You will see a "
                "preview before it is sent. /cancel — do not send."
            ),
            chat_id=query.message.chat.id,
            message_id=query.message.message_id,
        )


async def text_written(message: Message, uow: UnitOfWork, i18n: I18n, state: FSMContext) -> None:
    if message.from_user is None:
        return
    data = await state.get_data()
    sender = await sender_of(uow, message.from_user.id)
    if sender is None:
        await state.clear()
        await message.answer(_("Only class teachers and administrators can send announcements."))
        return
    class_id, audience = int(data["class_id"]), Audience(data["audience"])
    try:
        body = check_text(message.text or message.caption)
        found = await recipients(uow, sender, class_id, audience)
    except BroadcastRefused as refusal:
        await message.answer(_(refusal.reason))
        return  # still waiting for a better text
    if not found:
        await state.clear()
        await message.answer(_("Nobody would receive it: no linked families there yet."))
        return
    await state.update_data(text=body)
    await state.set_state(Broadcasting.confirm)
    builder = InlineKeyboardBuilder()
    builder.button(text="✅ " + _("Send"), callback_data=BroadcastConfirm(go=True))
    builder.button(text="✖️ " + _("Cancel"), callback_data=BroadcastConfirm(go=False))
    preview = announcement_text(i18n, i18n.current_locale, sender, class_id, body)
    count = _("Recipients: {count} ({audience})").format(
        count=len(found), audience=audience_label(audience)
    )
    title = _("Preview")
    await message.answer(
        f"<b>{escape(title)}</b>\n\n{preview}\n\n{escape(count)}",
        reply_markup=builder.as_markup(),
    )


async def confirmed(
    query: CallbackQuery,
    callback_data: BroadcastConfirm,
    uow: UnitOfWork,
    clock: Clock,
    i18n: I18n,
    state: FSMContext,
) -> None:
    data = await state.get_data()
    await state.clear()
    if not callback_data.go:
        await query.answer(_("Cancelled; nothing was sent."))
        await _close(query, _("Cancelled; nothing was sent."))
        return
    sender = await sender_of(uow, query.from_user.id)
    if sender is None or "text" not in data:
        await query.answer(_("This button is not available to you."), show_alert=True)
        return
    try:
        broadcast = await send_broadcast(
            uow,
            clock,
            i18n,
            sender,
            class_id=int(data["class_id"]),
            audience=Audience(data["audience"]),
            text=data["text"],
        )
    except BroadcastRefused as refusal:
        await query.answer(_(refusal.reason), show_alert=True)
        return
    done = _("Sent to {count} recipients. /broadcasts shows delivery and reads.").format(
        count=broadcast.recipients
    )
    await query.answer()
    await _close(query, done)


async def _close(query: CallbackQuery, text: str) -> None:
    if query.message is not None:
        await query.bot.edit_message_text(  # type: ignore[union-attr]
            text=escape(text), chat_id=query.message.chat.id, message_id=query.message.message_id
        )


async def list_broadcasts(message: Message, uow: UnitOfWork) -> None:
    if message.from_user is None:
        return
    sender = await sender_of(uow, message.from_user.id)
    if sender is None:
        await message.answer(_("Only class teachers and administrators can send announcements."))
        return
    figures = await recent_broadcasts(uow, sender)
    if not figures:
        await message.answer(_("No announcements yet. /broadcast — write one."))
        return
    title = _("Recent announcements")
    lines = [f"<b>{escape(title)}</b>"]
    for item in figures:
        where = item.class_name or _("The whole school")
        snippet = (
            item.broadcast.text
            if len(item.broadcast.text) <= 60
            else item.broadcast.text[:59] + "…"
        )
        figures_line = _(
            "recipients {total} · delivered {delivered} · failed {failed} · "
            "waiting {waiting} · read {read}"
        ).format(
            total=item.broadcast.recipients,
            delivered=item.delivered,
            failed=item.failed,
            waiting=item.waiting,
            read=item.read,
        )
        lines += [
            "",
            f"<b>{item.broadcast.created_at:%d.%m %H:%M} UTC · {escape(where)}</b>",
            escape(snippet),
            escape(figures_line),
        ]
    await message.answer("\n".join(lines))


async def read_pressed(
    query: CallbackQuery, callback_data: BroadcastRead, uow: UnitOfWork, clock: Clock
) -> None:
    if not await mark_read(uow, clock, query.from_user.id, callback_data.broadcast):
        await query.answer(_("This button is not available to you."), show_alert=True)
        return
    await query.answer(_("Thank you! The teacher will see that you have read it."))
    if query.message is not None:
        builder = InlineKeyboardBuilder()
        builder.button(text="👍 " + _("Read") + " ✓", callback_data=callback_data)
        done = builder.as_markup()
        await query.bot.edit_message_reply_markup(  # type: ignore[union-attr]
            chat_id=query.message.chat.id, message_id=query.message.message_id, reply_markup=done
        )


def build_router() -> Router:
    router = Router(name="broadcast")
    router.message.register(start_broadcast, Command("broadcast"))
    router.message.register(list_broadcasts, Command("broadcasts"))
    # A command while writing is a command (/help, /cancel), not the announcement's text.
    router.message.register(
        text_written,
        StateFilter(Broadcasting.text),
        F.chat.type == "private",
        F.func(lambda message: not (message.text or "").startswith("/")),
    )
    router.callback_query.register(class_chosen, BroadcastClass.filter())
    router.callback_query.register(audience_chosen, BroadcastAudience.filter())
    router.callback_query.register(
        confirmed, BroadcastConfirm.filter(), StateFilter(Broadcasting.confirm)
    )
    router.callback_query.register(read_pressed, BroadcastRead.filter())
    return router
