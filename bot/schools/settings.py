"""A school's settings (``school.settings``): every key with its default, what it allows and
what it means, read in one place. Pure: no I/O.

Times are the school's local time (``school.timezone``); weekdays count from 0 = Monday.
The README's table of school settings is :func:`settings_table_markdown`'s output (a test
keeps the two the same).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.grading.forecast import Thresholds
from bot.presentation.translation import N_
from bot.stored_settings import describe, parse_stored, shown, with_changes

if TYPE_CHECKING:
    from db.models import School

# Strict: a JSON string "18" or a boolean is not an hour; the stored type is the contract.
Weekday = Annotated[int, Field(strict=True, ge=0, le=6)]
Hour = Annotated[int, Field(strict=True, ge=0, le=23)]
Average = Annotated[float, Field(strict=True, allow_inf_nan=False)]
Days = (
    Annotated[int, Field(strict=True, ge=0, le=30)]
    | Annotated[float, Field(strict=True, ge=0, le=30, allow_inf_nan=False)]
)

WEEKDAY = N_("an integer from 0 (Monday) to 6 (Sunday)")
HOUR = N_("an integer from 0 to 23")


def setting(default: Any, allowed: str, meaning: str) -> Any:
    """A key's default, its allowed values as the error message and README say them, and
    its meaning for a school administrator (both msgids: the office console translates
    them; the command line and the README show them as written)."""
    return Field(default, description=meaning, json_schema_extra={"allowed": allowed})


class SchoolSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    forecast_thresholds: tuple[Average, Average, Average] = setting(
        (4.5, 3.5, 2.5),
        N_("three numbers from 1 to 5, each lower than the one before"),
        N_("The lowest weighted averages that forecast a final 5, 4 and 3."),
    )
    forecast_minimum_marks: Annotated[int, Field(strict=True, ge=1, le=20)] = setting(
        3,
        N_("an integer from 1 to 20"),
        N_("How many marks a subject needs in the period before its final mark is forecast."),
    )
    digest_weekday: Weekday = setting(
        4, WEEKDAY, N_("The day of the week the forecast digest goes to families.")
    )
    digest_hour: Hour = setting(18, HOUR, N_("The hour from which the forecast digest goes out."))
    digest_weekly: Annotated[bool, Field(strict=True)] = setting(
        True,
        N_("true or false"),
        N_(
            "Send the forecast digest every week; false: only once, in the last two weeks of "
            "each period."
        ),
    )
    backfill_days: Annotated[int, Field(strict=True, ge=0, le=365)] = setting(
        7,
        N_("an integer from 0 to 365"),
        N_(
            "Marks dated more than this many days back are the journal catching up, and are not "
            "pushed to families."
        ),
    )
    daily_push_cap: Annotated[int, Field(strict=True, ge=1, le=1000)] = setting(
        10,
        N_("an integer from 1 to 1000"),
        N_(
            "Non-urgent pushes an account gets in a day before the rest wait for its daily summary."
        ),
    )
    final_ack_reminder_days: Days = setting(
        3,
        N_("a number from 0 to 30"),
        N_(
            "Days after the final grades before a family that has not acknowledged them gets "
            "one reminder."
        ),
    )
    # Weekly by default: that is what the stricter regulation demands.
    statements_every_weeks: Annotated[int, Field(strict=True, ge=1, le=2)] = setting(
        1,
        N_("1 (weekly) or 2 (fortnightly)"),
        N_(
            "How often the paper statements go to the class teacher: 1 every week, 2 every "
            "other week."
        ),
    )
    # Friday: the paper goes home for the weekend.
    statements_weekday: Weekday = setting(
        4, WEEKDAY, N_("The day of the week the paper statements go out.")
    )
    statements_hour: Hour = setting(
        14, HOUR, N_("The hour from which the paper statements go out.")
    )
    # Monday morning: the past week is complete.
    monitoring_weekday: Weekday = setting(
        0, WEEKDAY, N_("The day the class teacher gets last week's summary of parents' reading.")
    )
    monitoring_hour: Hour = setting(
        8, HOUR, N_("The hour from which the weekly summary of parents' reading goes out.")
    )

    @field_validator("forecast_thresholds")
    @classmethod
    def _thresholds_descend(cls, value: tuple[float, float, float]) -> tuple[float, ...]:
        Thresholds(*value)  # raises ValueError unless 1 <= three < four < five <= 5
        return value

    @property
    def thresholds(self) -> Thresholds:
        return Thresholds(*self.forecast_thresholds)

    @classmethod
    def from_stored(cls, raw: object, *, school_id: int | None = None) -> SchoolSettings:
        """The stored document, parsed once; a bad value falls back to its key's default
        (logged once, naming the school, the key and the value)."""
        owner = f"school {school_id}" if school_id is not None else "a new school"
        return parse_stored(cls, raw, owner)

    @classmethod
    def of(cls, school: School) -> SchoolSettings:
        return cls.from_stored(school.settings, school_id=school.id)

    @classmethod
    def updated(cls, raw: object, changes: Mapping[str, object]) -> dict[str, Any]:
        """The stored document with ``changes`` (all valid, or SettingInvalid and none)."""
        return with_changes(cls, raw, changes)


def settings_table_markdown() -> str:
    """The README's table of school settings, from the model."""
    lines = ["| key | default | allowed | meaning |", "|---|---|---|---|"]
    lines.extend(
        f"| `{info.key}` | `{shown(info.default)}` | {info.allowed} | {info.meaning} |"
        for info in describe(SchoolSettings)
    )
    return "\n".join(lines) + "\n"
