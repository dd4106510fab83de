"""School and account settings: defaults, allowed values, a bad stored value costing only
its own key (logged once), unknown keys kept, and the README's table (pure tests)."""

from __future__ import annotations

import datetime as dt
import logging
from itertools import count
from pathlib import Path
from typing import Any

import pytest

from bot.accounts.settings import AccountSettings
from bot.digests.forecast_digest import digest_due
from bot.digests.preferences import PushKind, PushMode, PushPreferences
from bot.grading.forecast import Thresholds
from bot.reports.rules import monitoring_week_due, statement_schedule
from bot.schools.settings import SchoolSettings, settings_table_markdown
from bot.stored_settings import SettingInvalid
from db.models import School

README = Path(__file__).resolve().parents[1] / "README.md"
# Warnings are once per process per (owner, key, value): each test reads as its own owner.
OWNERS = count(900_001)


@pytest.fixture
def warnings(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.WARNING, logger="bot.stored_settings")
    return caplog


def test_the_defaults() -> None:
    settings = SchoolSettings()
    assert settings.model_dump(mode="json") == {
        "forecast_thresholds": [4.5, 3.5, 2.5],
        "forecast_minimum_marks": 3,
        "digest_weekday": 4,
        "digest_hour": 18,
        "digest_weekly": True,
        "backfill_days": 7,
        "daily_push_cap": 10,
        "final_ack_reminder_days": 3,
        "statements_every_weeks": 1,
        "statements_weekday": 4,
        "statements_hour": 14,
        "monitoring_weekday": 0,
        "monitoring_hour": 8,
    }
    assert settings.thresholds == Thresholds(4.5, 3.5, 2.5)
    assert SchoolSettings.from_stored({}) == settings
    assert SchoolSettings.from_stored(None) == settings
    assert AccountSettings().model_dump(mode="json") == {
        "pushes": PushPreferences().to_stored(),
        "monitoring_summary": True,
    }


@pytest.mark.parametrize(
    ("key", "good", "bad"),
    [
        ("forecast_thresholds", [[5, 4, 3], [4.6, 3.6, 2.6], [5.0, 4.0, 1.0]],
         [[4.5, 4.5, 2.5], [3.5, 4.5, 2.5], [6, 4, 3], [4.5, 3.5], [4.5, 3.5, 0.5], "4.5/3.5/2.5",
          [4.5, 3.5, True], [4.5, 3.5, "2.5"], [float("nan"), 3.5, 2.5]]),
        ("forecast_minimum_marks", [1, 20], [0, 21, 2.0, "3", True]),
        ("digest_weekday", [0, 6], [-1, 7, "4", 4.0, True]),
        ("digest_hour", [0, 23], [-1, 24, "18", 18.5, None]),
        ("digest_weekly", [True, False], ["false", 0, 1, None]),
        ("backfill_days", [0, 365], [-1, 366, "7", 7.5]),
        ("daily_push_cap", [1, 1000], [0, 1001, "10", True]),
        ("final_ack_reminder_days", [0, 2, 2.5, 30], [-1, 30.5, "3", True, float("inf")]),
        ("statements_every_weeks", [1, 2], [0, 3, "2", True, 2.5]),
        ("statements_weekday", [0, 6], [7, -1, "4"]),
        ("statements_hour", [0, 23], [24, -1, "14"]),
        ("monitoring_weekday", [0, 6], [7, "0"]),
        ("monitoring_hour", [0, 23], [24, False]),
    ],
)  # fmt: skip
def test_allowed_and_refused_values(key: str, good: list[Any], bad: list[Any]) -> None:
    for value in good:
        assert SchoolSettings.updated({}, {key: value})[key] == value
    for value in bad:
        with pytest.raises(SettingInvalid) as refused:
            SchoolSettings.updated({}, {key: value})
        assert str(refused.value).startswith(f"{key}: must be ")


def test_the_error_names_the_key_and_what_it_allows() -> None:
    with pytest.raises(SettingInvalid, match=r"^digest_hour: must be an integer from 0 to 23$"):
        SchoolSettings.updated({}, {"digest_hour": 24})
    with pytest.raises(SettingInvalid, match=r"^colour: no such setting; the settings are "):
        SchoolSettings.updated({}, {"colour": "red"})


def test_a_bad_stored_value_falls_back_for_its_key_only_and_is_logged_once(
    warnings: pytest.LogCaptureFixture,
) -> None:
    school_id = next(OWNERS)
    stored = {"digest_hour": "evening", "digest_weekday": 0, "forecast_thresholds": [3, 4, 5]}
    for _ in range(3):
        settings = SchoolSettings.from_stored(stored, school_id=school_id)
        assert settings.digest_hour == 18  # the default, for this key only …
        assert settings.digest_weekday == 0  # … the others are kept
        assert settings.forecast_thresholds == (4.5, 3.5, 2.5)
    assert [r.getMessage() for r in warnings.records] == [
        f'settings of school {school_id}: digest_hour is "evening", not an integer from 0 to '
        "23; using the default 18",
        f"settings of school {school_id}: forecast_thresholds is [3, 4, 5], not three numbers "
        "from 1 to 5, each lower than the one before; using the default [4.5, 3.5, 2.5]",
    ]
    warnings.clear()
    SchoolSettings.from_stored({"digest_hour": "night"}, school_id=school_id)  # a new value
    SchoolSettings.from_stored({"digest_hour": "evening"}, school_id=next(OWNERS))  # a new school
    assert len(warnings.records) == 2


def test_a_document_that_is_no_object_is_all_defaults(warnings: pytest.LogCaptureFixture) -> None:
    school_id = next(OWNERS)
    assert SchoolSettings.from_stored(["digest_hour", 9], school_id=school_id) == SchoolSettings()
    assert f"settings of school {school_id}: the document is" in warnings.text


def test_unknown_keys_are_ignored_when_reading_and_kept_when_writing() -> None:
    stored = {"legacy_option": {"a": 1}, "digest_hour": 9}
    assert SchoolSettings.from_stored(stored).digest_hour == 9
    written = SchoolSettings.updated(stored, {"digest_weekly": False})
    assert written == {"legacy_option": {"a": 1}, "digest_hour": 9, "digest_weekly": False}
    assert stored == {"legacy_option": {"a": 1}, "digest_hour": 9}  # a new dict, not changed


def test_changes_are_all_or_nothing() -> None:
    with pytest.raises(SettingInvalid, match=r"^digest_weekday: "):
        SchoolSettings.updated({}, {"digest_hour": 20, "digest_weekday": 9})


def test_the_pure_rules_take_the_typed_settings_and_bad_stored_values_no_longer_crash() -> None:
    local = dt.datetime(2026, 9, 14, 9, tzinfo=dt.timezone(dt.timedelta(hours=3)))  # Monday
    broken = {"monitoring_weekday": "monday", "monitoring_hour": "9", "statements_hour": "2pm"}
    assert monitoring_week_due(SchoolSettings.from_stored(broken), local) == dt.date(2026, 9, 7)
    schedule = statement_schedule(SchoolSettings.from_stored(broken))
    assert (schedule.every_weeks, schedule.weekday, schedule.hour) == (1, 4, 14)
    # digest_due once raised ValueError on int("friday").
    school = School(name="x", timezone="Europe/Moscow", settings={"digest_weekday": "friday"})
    friday_evening = dt.datetime(2026, 10, 2, 18, 30, tzinfo=dt.UTC)  # as the school's time
    assert digest_due(school, friday_evening, dt.date(2026, 10, 24)) == "week-2026-40"


def test_account_settings_fall_back_per_choice(warnings: pytest.LogCaptureFixture) -> None:
    account_id = next(OWNERS)
    stored = {
        "pushes": {
            "modes": {"grades": ["off"], "lesson": "off"},
            "quiet": [],  # unhashable: once a TypeError at every push to this account
            "summary_hour": 8,
        },
        "monitoring_summary": "no",
        "something_else": 1,
    }
    for _ in range(2):
        settings = AccountSettings.from_stored(stored, account_id=account_id)
        assert settings.pushes.mode(PushKind.GRADES) is PushMode.INSTANT
        assert settings.pushes.mode(PushKind.LESSONS) is PushMode.OFF
        assert (settings.pushes.quiet, settings.pushes.summary_hour) == ("21-8", 8)
        assert settings.monitoring_summary is True
    logged = [r.getMessage() for r in warnings.records]
    assert len(logged) == 3
    assert all(f"settings of account {account_id}: " in line for line in logged)
    assert any("pushes.modes.grades is" in line for line in logged)
    written = AccountSettings.updated(stored, {"monitoring_summary": False})
    assert written["pushes"] == stored["pushes"]  # untouched: the bad parts stay as stored
    assert (written["monitoring_summary"], written["something_else"]) == (False, 1)
    chosen = PushPreferences().with_quiet("off")
    assert AccountSettings.updated({}, {"pushes": chosen})["pushes"]["quiet"] == "off"


def readme_table() -> str:
    lines = README.read_text(encoding="utf-8").splitlines()
    start = lines.index("### School settings")
    first = next(i for i in range(start, len(lines)) if lines[i].startswith("| key |"))
    end = next(i for i in range(first, len(lines)) if not lines[i].startswith("|"))
    return "\n".join(lines[first:end]) + "\n"


def test_the_readme_has_exactly_the_models_table() -> None:
    assert readme_table() == settings_table_markdown()
    assert settings_table_markdown().count("\n") == 2 + len(SchoolSettings.model_fields)
