"""``ediary consent``, ``ediary codes issue`` (with printable letters) and ``ediary admin add``."""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path

import pytest
import zxingcpp
from click.testing import CliRunner, Result
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.engine import URL

from bot.cli import main
from bot.linking.service import hash_code
from db.database import Database
from db.models import AccountLink, AccountRole, AuditEvent, ConsentRecord, LinkCode
from tests.conftest import SECRET_KEY
from tests.doubles.clock import FakeClock
from tests.linking_fixtures import school_with_families


@pytest.fixture
def runner(cli_runner: CliRunner) -> CliRunner:
    return cli_runner


async def ediary(runner: CliRunner, url: URL, *args: str) -> Result:
    env = {
        "DATABASE_URL": url.render_as_string(hide_password=False),
        "SECRET_KEY": SECRET_KEY,
        "BOT_USERNAME": "school7_diary_bot",
    }
    return await asyncio.to_thread(runner.invoke, main, list(args), env=env)


async def test_codes_for_a_class_with_printable_letters(
    runner: CliRunner, database_url: URL, database: Database, clock: FakeClock, tmp_path: Path
) -> None:
    await school_with_families(database, clock)
    pdf = tmp_path / "letters.pdf"
    result = await ediary(
        runner,
        database_url,
        "codes",
        "issue",
        "--school",
        "1",
        "--class",
        "5а",
        "--pdf",
        str(pdf),
        "--json",
    )
    assert result.exit_code == 0, result.output
    issued = json.loads(result.stdout)["issued"]
    # g1 has two children in 5А, g2 one: a letter per guardian and child.
    assert len(issued) == 3
    first = issued[0]
    assert first["link"] == f"https://t.me/school7_diary_bot?start={first['code'].replace('-', '')}"

    async with database.unit_of_work() as uow:
        hashes = set((await uow.session.execute(select(LinkCode.code_hash))).scalars())
    assert hash_code(SECRET_KEY, first["code"].replace("-", "")) in hashes
    assert all(code["code"] not in str(hashes) for code in issued)  # never stored in clear

    reader = PdfReader(io.BytesIO(pdf.read_bytes()))
    assert len(reader.pages) == 3
    page = reader.pages[0]
    text = page.extract_text()
    assert first["code"] in text
    assert first["child"] in text
    assert "Подключение к электронному дневнику в Telegram" in text
    decoded = zxingcpp.read_barcodes(page.images[0].image)
    assert [barcode.text for barcode in decoded] == [first["link"]]


async def test_reissuing_revokes_the_earlier_code(
    runner: CliRunner, database_url: URL, database: Database, clock: FakeClock
) -> None:
    await school_with_families(database, clock)
    for _ in range(2):
        result = await ediary(
            runner, database_url, "codes", "issue", "--school", "1", "--teacher", "t1", "--json"
        )
        assert result.exit_code == 0, result.output
    async with database.unit_of_work() as uow:
        codes = (await uow.session.execute(select(LinkCode).order_by(LinkCode.id))).scalars().all()
    assert [code.revoked_at is not None for code in codes] == [True, False]


async def test_consent_on_paper_then_refusal_blocks_codes(
    runner: CliRunner, database_url: URL, database: Database, clock: FakeClock
) -> None:
    await school_with_families(database, clock)
    granted = await ediary(
        runner,
        database_url,
        "consent",
        "grant",
        "--school",
        "1",
        "--guardian",
        "g2",
        "--document",
        "№ 12 от 01.09.2026",
        "--json",
    )
    assert granted.exit_code == 0, granted.output
    assert json.loads(granted.stdout)["state"] == "granted"
    refused = await ediary(
        runner, database_url, "consent", "refuse", "--school", "1", "--guardian", "g2"
    )
    assert refused.exit_code == 0, refused.output
    blocked = await ediary(
        runner, database_url, "codes", "issue", "--school", "1", "--guardian", "g2"
    )
    assert blocked.exit_code == 1
    assert "refused consent: no code issued" in blocked.stderr
    # The class run skips that family and says why.
    in_class = await ediary(
        runner, database_url, "codes", "issue", "--school", "1", "--class", "5А", "--json"
    )
    skipped = json.loads(in_class.stdout)["skipped"]
    assert skipped == [{"who": "Иванов Сергей Петрович", "reason": "consent refused"}]

    listed = await ediary(runner, database_url, "consent", "list", "--school", "1", "--json")
    rows = {(row["guardian"], row["student"]): row for row in json.loads(listed.stdout)}
    assert rows[("g2", "Иванов Пётр Сергеевич")]["state"] == "refused"
    assert rows[("g1", "Иванов Пётр Сергеевич")]["state"] is None
    async with database.unit_of_work() as uow:
        history = (await uow.session.execute(select(ConsentRecord.state))).scalars().all()
    assert [state.value for state in history] == ["granted", "refused"]  # append-only


async def test_consent_names_one_person_and_records_nothing_otherwise(
    runner: CliRunner, database_url: URL, database: Database, clock: FakeClock
) -> None:
    await school_with_families(database, clock)
    both = await ediary(
        runner, database_url, "consent", "grant", "--school", "1",
        "--guardian", "g2", "--student", "s1",
    )  # fmt: skip
    assert both.exit_code == 1
    assert "not both" in both.stderr
    neither = await ediary(runner, database_url, "consent", "grant", "--school", "1")
    assert neither.exit_code == 1
    assert "name the person" in neither.stderr
    async with database.unit_of_work() as uow:
        assert (await uow.session.execute(select(ConsentRecord.id))).first() is None


async def test_codes_need_exactly_one_target(runner: CliRunner, database_url: URL) -> None:
    result = await ediary(runner, database_url, "codes", "issue", "--school", "1")
    assert result.exit_code == 2
    assert "exactly one of --class" in result.output


async def test_admin_add(
    runner: CliRunner, database_url: URL, database: Database, clock: FakeClock
) -> None:
    await school_with_families(database, clock)
    first = await ediary(
        runner, database_url, "admin", "add", "--school", "1", "--telegram-id", "777"
    )
    again = await ediary(
        runner, database_url, "admin", "add", "--school", "1", "--telegram-id", "777"
    )
    assert first.stdout == "administrator added\n"
    assert again.stdout == "already an administrator of this school\n"
    async with database.unit_of_work() as uow:
        roles = (await uow.session.execute(select(AccountLink.role))).scalars().all()
    assert roles == [AccountRole.ADMIN]


async def test_admins_are_listed_and_removed_with_the_audit_kept(
    runner: CliRunner, database_url: URL, database: Database, clock: FakeClock
) -> None:
    await school_with_families(database, clock)
    for telegram_id in ("777", "888"):
        added = await ediary(
            runner, database_url, "admin", "add", "--school", "1", "--telegram-id", telegram_id
        )
        assert added.exit_code == 0, added.output
    listed = await ediary(runner, database_url, "admin", "list", "--school", "1", "--json")
    assert [a["telegram_id"] for a in json.loads(listed.stdout)] == [777, 888]

    removed = await ediary(
        runner, database_url, "admin", "remove", "--school", "1", "--telegram-id", "777"
    )
    assert removed.stdout == "administrator removed\n"
    stranger = await ediary(
        runner, database_url, "admin", "remove", "--school", "1", "--telegram-id", "999"
    )
    assert stranger.exit_code == 1
    assert "999 is not an administrator of this school" in stranger.stderr
    after = await ediary(runner, database_url, "admin", "list", "--school", "1")
    assert after.stdout.split()[0] == "888"
    assert "777" not in after.stdout
    async with database.unit_of_work() as uow:
        ended = (
            (await uow.session.execute(select(AccountLink.end_reason).order_by(AccountLink.id)))
            .scalars()
            .all()
        )
        actions = (await uow.session.execute(select(AuditEvent.action))).scalars().all()
    assert ended == ["admin_removed", None]  # ended, not deleted
    assert actions.count("admin.removed") == 1


async def test_periods_are_listed_for_the_report_commands(
    runner: CliRunner, database_url: URL, database: Database, clock: FakeClock
) -> None:
    await school_with_families(database, clock)
    listed = await ediary(runner, database_url, "periods", "list", "--school", "1", "--json")
    assert listed.exit_code == 0, listed.output
    periods = json.loads(listed.stdout)
    assert periods
    assert [p["starts_on"] for p in periods] == sorted(p["starts_on"] for p in periods)
    assert set(periods[0]) == {"id", "name", "kind", "starts_on", "ends_on"}
    unknown = await ediary(runner, database_url, "periods", "list", "--school", "nowhere")
    assert unknown.exit_code == 1


async def test_letters_that_cannot_be_written_issue_no_codes(
    runner: CliRunner, database_url: URL, database: Database, clock: FakeClock, tmp_path: Path
) -> None:
    await school_with_families(database, clock)
    first = await ediary(runner, database_url, "codes", "issue", "--school", "1", "--class", "5а",
                         "--json")  # fmt: skip
    assert first.exit_code == 0, first.output
    before = await code_rows(database)

    missing = tmp_path / "no-such-directory" / "letters.pdf"
    result = await ediary(runner, database_url, "codes", "issue", "--school", "1", "--class", "5а",
                          "--pdf", str(missing))  # fmt: skip
    assert result.exit_code == 1
    assert f"cannot write {missing}" in result.stderr
    assert "no codes were issued and the earlier ones still work" in result.stderr
    assert await code_rows(database) == before  # nothing revoked, nothing new
    assert partial_files(tmp_path) == []

    written = tmp_path / "letters.pdf"
    again = await ediary(runner, database_url, "codes", "issue", "--school", "1", "--class", "5а",
                         "--pdf", str(written))  # fmt: skip
    assert again.exit_code == 0, again.output
    assert written.read_bytes().startswith(b"%PDF")
    assert partial_files(tmp_path) == []  # the temporary file became the letters


async def code_rows(database: Database) -> list[tuple[int, bool]]:
    async with database.unit_of_work() as uow:
        rows = await uow.session.execute(
            select(LinkCode.id, LinkCode.revoked_at.is_(None)).order_by(LinkCode.id)
        )
        return [(int(row[0]), bool(row[1])) for row in rows.all()]


def partial_files(directory: Path) -> list[Path]:
    return list(directory.glob("**/*.part"))
