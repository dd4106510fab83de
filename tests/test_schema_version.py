"""Telling a database at the newest schema without Alembic, and migrating any other."""

from __future__ import annotations

from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import URL

from db.database import Database
from db.migrate import alembic_config, current_revisions, head_revisions, upgrade
from db.schema_version import newest_revisions, schema_is_newest


def test_the_newest_revisions_are_alembics_heads() -> None:
    assert newest_revisions() == frozenset(head_revisions())


def script(directory: Path, revision: str, follows: str) -> None:
    (directory / f"{revision}_step.py").write_text(
        f'"""A step."""\n\nrevision: str = {revision!r}\n'
        f"down_revision: Union[str, Sequence[str], None] = {follows}\n"
        "branch_labels: Union[str, Sequence[str], None] = None\n"
    )


def test_branches_and_merges_are_read_as_alembic_writes_them(tmp_path: Path) -> None:
    branches, merged = tmp_path / "branches", tmp_path / "merged"
    for directory in (branches, merged):
        directory.mkdir()
        script(directory, "0001", "None")
        script(directory, "0002a", "'0001'")
        script(directory, "0002b", '"0001"')
    script(merged, "0003", "('0002a', '0002b')")
    assert newest_revisions(branches) == {"0002a", "0002b"}
    assert newest_revisions(merged) == {"0003"}


async def test_a_migrated_database_is_at_the_newest_revision(database: Database) -> None:
    assert await schema_is_newest(database.engine)


async def test_an_empty_or_older_database_is_not_and_migrating_brings_it_up(
    empty_database_url: URL,
) -> None:
    database = Database(empty_database_url)
    try:
        assert not await schema_is_newest(database.engine)  # no version table at all
        (head,) = head_revisions()
        previous = ScriptDirectory.from_config(alembic_config()).get_revision(head).down_revision
        assert isinstance(previous, str)
        await upgrade(database.engine, previous)
        assert not await schema_is_newest(database.engine)
        await database.migrate()
        assert await current_revisions(database.engine) == head_revisions()
        assert await schema_is_newest(database.engine)
    finally:
        await database.dispose()


async def test_an_unknown_revision_is_not_the_newest(database: Database) -> None:
    async with database.engine.begin() as connection:
        await connection.execute(text("UPDATE alembic_version SET version_num = 'elsewhere'"))
    assert not await schema_is_newest(database.engine)
