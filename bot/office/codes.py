"""Codes and letters from the console: the same codes and the same PDF as
``ediary codes issue --pdf``, for a class or one family, handed to the browser.

The letters are rendered before the codes are committed (``before_commit``): if the PDF
cannot be made, no code changes and the earlier ones keep working."""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.linking.issuing import IssueResult, LinkingError, issue_codes
from bot.office.register import Family, class_families
from bot.office.staff import Staff, class_of_staff, guardian_of_staff
from bot.presentation.translation import N_
from bot.services import Services
from db.models import SchoolClass
from db.unit_of_work import UnitOfWork

NO_USERNAME = N_(
    "The letters need the bot's username: set BOT_USERNAME (or BOT_TOKEN) on the server."
)


NOTHING_ISSUED = N_(
    "No code was issued: the family refused or withdrew consent (they get paper statements), "
    "or the class has no families in the journal data."
)


CONFIRM_FIRST = N_(
    "Some of these families hold a code that still works: tick that the earlier codes stop "
    "working, then issue again."
)


class CodesRefused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # a msgid


@dataclass(frozen=True)
class CodeFamily:
    family: Family
    open_code: bool  # a code that still works: re-issuing revokes it


async def families_for_codes(
    uow: UnitOfWork, clock: Clock, school_class: SchoolClass
) -> list[CodeFamily]:
    families = await class_families(uow, school_class)
    open_codes = await uow.office.guardians_with_open_codes(
        [family.guardian_id for family in families], clock.now()
    )
    return [CodeFamily(family, family.guardian_id in open_codes) for family in families]


async def reissue_needs_confirming(
    uow: UnitOfWork, clock: Clock, staff: Staff, *, class_id: int | None, guardian_id: int | None
) -> bool:
    """Whether issuing would revoke a code that still works (the page asks first)."""
    if guardian_id is not None:
        guardian = await guardian_of_staff(uow, staff, guardian_id)
        return bool(await uow.office.guardians_with_open_codes([guardian.id], clock.now()))
    if class_id is None:
        return False
    school_class = await class_of_staff(uow, staff, class_id)
    return any(item.open_code for item in await families_for_codes(uow, clock, school_class))


@dataclass(frozen=True)
class IssuedLetters:
    result: IssueResult
    pdf: bytes | None  # None: nobody got a code (every family refused or withdrew)
    filename: str


async def bot_username(services: Services) -> str | None:
    """BOT_USERNAME, else asked of Telegram; None when neither can say."""
    if services.settings.bot_username:
        return services.settings.bot_username
    if services.bot is None:
        return None
    try:
        me = await services.bot.get_me()
    except Exception:  # any failure means the same: no username to print
        return None
    return me.username


async def issue_letters(
    uow: UnitOfWork,
    services: Services,
    staff: Staff,
    *,
    class_id: int | None,
    guardian_id: int | None,
    language: str,
) -> IssuedLetters:
    """Codes for the class (or the one family) and their letters; the target is checked to
    be the staff member's first (NotFound/Forbidden)."""
    target, reference = await _target(uow, staff, class_id, guardian_id)
    username = await bot_username(services)
    if username is None:
        raise CodesRefused(NO_USERNAME)
    rendered: list[bytes] = []

    def render(result: IssueResult) -> None:
        if not result.issued:
            return
        # The PDF, QR and font libraries load only when letters are made.
        from bot.linking.letter_texts import letter_for
        from bot.linking.letters import render_letters

        letters = [
            letter_for(services.i18n, language, staff.school.name, issued, username)
            for issued in result.issued
        ]
        rendered.append(render_letters(letters))

    try:
        result = await issue_codes(
            uow,
            services.clock,
            services.secret_key,
            staff.school,
            target,  # type: ignore[arg-type]
            reference,
            actor=staff.actor,
            before_commit=render,
        )
    except LinkingError as error:
        # A refused or withdrawn consent, or a class without families: nothing issued.
        raise CodesRefused(NOTHING_ISSUED) from error
    return IssuedLetters(result, rendered[0] if rendered else None, f"letters-{reference}.pdf")


async def _target(
    uow: UnitOfWork, staff: Staff, class_id: int | None, guardian_id: int | None
) -> tuple[str, str]:
    """What ``issue_codes`` is asked for: one family by its external id, or a class by name."""
    if guardian_id is not None:
        guardian = await guardian_of_staff(uow, staff, guardian_id)
        return "guardian", guardian.external_id
    if class_id is not None:
        school_class = await class_of_staff(uow, staff, class_id)
        return "class", school_class.name
    raise CodesRefused(N_("Choose a class or a family."))
