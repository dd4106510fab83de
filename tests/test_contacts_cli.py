"""``ediary contacts set|list|remove``: the register from the command line, one-line failures."""

from __future__ import annotations

import asyncio
import json
from datetime import date

import pytest
from aiogram import Dispatcher
from click.testing import CliRunner, Result
from sqlalchemy import func, select
from sqlalchemy.engine import URL

from bot.cli import main
from bot.handlers.linking import ConsentChoice
from db.database import Database
from db.models import AuditEvent, ContactRecord
from tests.conftest import SECRET_KEY
from tests.doubles.clock import FakeClock
from tests.doubles.conversation import BotConversation
from tests.doubles.recording_session import RecordingBot
from tests.doubles.telegram_updates import TelegramUser
from tests.linking_fixtures import born, issue, school_with_families

MOTHER = TelegramUser(id=5001, first_name="Мария")


@pytest.fixture
def runner(cli_runner: CliRunner) -> CliRunner:
    return cli_runner


async def ediary(runner: CliRunner, url: URL, *args: str) -> Result:
    env = {"DATABASE_URL": url.render_as_string(hide_password=False), "SECRET_KEY": SECRET_KEY}
    return await asyncio.to_thread(runner.invoke, main, list(args), env=env)


async def granted(runner: CliRunner, url: URL, *person: str) -> None:
    result = await ediary(runner, url, "consent", "grant", "--school", "1", *person)
    assert result.exit_code == 0, result.output


async def rows(database: Database) -> int:
    async with database.unit_of_work() as uow:
        count = await uow.session.execute(select(func.count(ContactRecord.id)))
        return int(count.scalar_one())


async def test_set_list_and_remove(
    runner: CliRunner, database_url: URL, database: Database, clock: FakeClock
) -> None:
    await school_with_families(database, clock)
    await granted(runner, database_url, "--guardian", "g2")
    recorded = await ediary(
        runner, database_url, "contacts", "set", "--school", "1", "--guardian", "g2",
        "--email", "Sergey@Mail.RU", "--document", "№ 14 от 02.09.2026", "--json",
    )  # fmt: skip
    assert recorded.exit_code == 0, recorded.output
    assert json.loads(recorded.stdout) == {
        "who": "Иванов Сергей Петрович",
        "email": "Sergey@mail.ru",
        "channel": None,
        "form": "paper",
        "document": "№ 14 от 02.09.2026",
        "recorded_at": clock.now().isoformat(),
        "evening_brief": False,
    }
    listed = await ediary(runner, database_url, "contacts", "list", "--school", "1", "--json")
    by_guardian = {row["external_id"]: row for row in json.loads(listed.stdout)}
    assert by_guardian["g2"]["email"] == "Sergey@mail.ru"
    assert by_guardian["g2"]["effective"] == "email"  # not linked, an address, consent
    assert by_guardian["g2"]["recorded_by"].startswith("cli:")
    assert by_guardian["g1"]["email"] is None
    assert by_guardian["g1"]["effective"] == "paper"  # no consent on record

    chosen = await ediary(
        runner, database_url, "contacts", "set", "--school", "1", "--guardian", "g2",
        "--channel", "paper",
    )  # fmt: skip
    assert chosen.stdout == (
        "Иванов Сергей Петрович: Sergey@mail.ru, form of delivery paper, "
        "evening brief by letter no\n"
    )
    text = await ediary(runner, database_url, "contacts", "list", "--school", "1", "--class", "5а")
    line = next(line for line in text.stdout.splitlines() if "Иванов Сергей" in line)
    assert line.split()[-4:] == ["Sergey@mail.ru", "paper", "paper", "—"]

    removed = await ediary(
        runner, database_url, "contacts", "remove", "--school", "1", "--guardian", "g2",
        "--document", "№ 20 от 01.10.2026", "--json",
    )  # fmt: skip
    assert removed.exit_code == 0, removed.output
    assert json.loads(removed.stdout)["email"] is None
    assert await rows(database) == 3  # append-only


async def test_a_linked_family_gets_telegram_and_an_adult_student_is_listed(
    runner: CliRunner,
    database_url: URL,
    database: Database,
    clock: FakeClock,
    dispatcher: Dispatcher,
    bot: RecordingBot,
) -> None:
    school = await school_with_families(database, clock)
    code = (await issue(database, clock, school, "guardian", "g1"))[0]
    mother = BotConversation(dispatcher, bot, MOTHER)
    await mother.send(code.compact)
    await mother.click(ConsentChoice(agree=True))
    await born(database, school, "s2", date(2008, 9, 1))  # 18 today
    await granted(runner, database_url, "--student", "s2")
    await granted(runner, database_url, "--student", "s1")  # born 2015: a minor
    given = [
        (("--guardian", "g1"), "maria@mail.ru"),
        (("--student", "s2"), "a@b.ru"),
        (("--student", "s1"), "petr@b.ru"),
    ]
    for person, email in given:
        result = await ediary(runner, database_url, "contacts", "set", "--school", "1",
                              *person, "--email", email)  # fmt: skip
        assert result.exit_code == 0, result.output

    listed = await ediary(runner, database_url, "contacts", "list", "--school", "1", "--json")
    found = {(row["role"], row["external_id"], row["student"]): row
             for row in json.loads(listed.stdout)}  # fmt: skip
    mother_row = found[("guardian", "g1", "Иванов Пётр Сергеевич")]
    assert (mother_row["telegram"], mother_row["effective"]) == (True, "telegram")
    adult = found[("student", "s2", "Петрова Анна Игоревна")]
    assert (adult["email"], adult["consent"], adult["effective"]) == ("a@b.ru", "granted", "email")
    # A minor's own address, recorded by mistake, is listed but never used: the letters go
    # to the parents, and the minor's own form stays the default (not linked: paper).
    minor = found[("student", "s1", "Иванов Пётр Сергеевич")]
    assert (minor["email"], minor["effective"]) == ("petr@b.ru", "paper")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--guardian", "g2", "--student", "s1", "--email", "a@b.ru"), "not both"),
        (("--email", "a@b.ru"), "name the person"),
        (("--guardian", "g2", "--email", "a@b.ru\r\nBcc: x@y.ru"), "control character"),
        (("--guardian", "g2", "--email", "sergey"), "exactly one @"),
        (("--guardian", "g2", "--channel", "email"), "no e-mail address on record"),
        (("--guardian", "g1", "--email", "a@b.ru"), "no consent on record"),
        (("--guardian", "g2"), "give the address (--email), the form of delivery (--channel) or"),
    ],
)
async def test_a_refused_set_is_one_line_and_changes_nothing(
    runner: CliRunner,
    database_url: URL,
    database: Database,
    clock: FakeClock,
    args: tuple[str, ...],
    message: str,
) -> None:
    await school_with_families(database, clock)
    await granted(runner, database_url, "--guardian", "g2")
    result = await ediary(runner, database_url, "contacts", "set", "--school", "1", *args)
    assert result.exit_code == 1
    assert message in result.stderr
    assert result.stderr.startswith("ediary: ")
    assert result.stderr.count("\n") == 1
    assert await rows(database) == 0
    async with database.unit_of_work() as uow:
        actions = list((await uow.session.execute(select(AuditEvent.action))).scalars())
    assert not [action for action in actions if action.startswith("contact")]


async def test_other_refusals(
    runner: CliRunner, database_url: URL, database: Database, clock: FakeClock
) -> None:
    await school_with_families(database, clock)
    await granted(runner, database_url, "--guardian", "g2")
    nowhere = await ediary(runner, database_url, "contacts", "list", "--school", "nowhere")
    assert nowhere.exit_code == 1
    no_class = await ediary(runner, database_url, "contacts", "list", "--school", "1",
                            "--class", "9Я")  # fmt: skip
    assert (no_class.exit_code, no_class.stderr) == (1, "ediary: no class '9Я' in this school\n")
    nothing = await ediary(runner, database_url, "contacts", "remove", "--school", "1",
                           "--guardian", "g2")  # fmt: skip
    assert (nothing.exit_code, nothing.stderr) == (
        1, "ediary: Иванов Сергей Петрович has no e-mail address on record\n"
    )  # fmt: skip
    both = await ediary(runner, database_url, "contacts", "remove", "--school", "1",
                        "--guardian", "g2", "--student", "s1")  # fmt: skip
    assert both.exit_code == 1
    assert "not both" in both.stderr
    channel = await ediary(runner, database_url, "contacts", "set", "--school", "1",
                           "--guardian", "g2", "--channel", "pigeon")  # fmt: skip
    assert channel.exit_code == 2  # click's usage error names the choices
    assert "telegram" in channel.output
    assert await rows(database) == 0
