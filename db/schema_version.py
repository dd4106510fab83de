"""Whether the database's schema is the newest one, told without Alembic.

Every command migrates before it works, and almost always there is nothing to do; Alembic
and its migration scripts (with every model they import) are a third of the start-up of a
short command such as ``ediary status``. So the revisions are read from the scripts' own
``revision`` / ``down_revision`` lines and compared with the database's ``alembic_version``
row; only a database that is not at the newest revision (or not reachable) goes on to the
real migration, which says what is wrong in the usual way. A test checks that the heads
read here are the ones Alembic finds.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

VERSIONS_DIR = Path(__file__).parent / "migrations" / "versions"
# The assignments Alembic's script template writes, e.g. ``down_revision: ... = '0006'``.
_ASSIGNMENT = re.compile(r"^(revision|down_revision)\b[^=\n]*=(.*)$", re.MULTILINE)
_QUOTED = re.compile(r"""['"]([^'"]+)['"]""")


@cache
def newest_revisions(versions: Path = VERSIONS_DIR) -> frozenset[str]:
    """The heads: revisions that no other revision names as the one it follows."""
    revisions: set[str] = set()
    followed: set[str] = set()
    for script in versions.glob("*.py"):
        for name, value in _ASSIGNMENT.findall(script.read_text(encoding="utf-8")):
            named = _QUOTED.findall(value)
            (revisions if name == "revision" else followed).update(named)
    return frozenset(revisions - followed)


async def schema_is_newest(engine: AsyncEngine) -> bool:
    """True when the database stands at the newest revision; False when it has no version
    table yet or another revision, and the caller migrates (which brings the schema up or
    says what is wrong). A database that cannot be reached raises, as migrating would: its
    one-line explanation is the caller's, and a server that does not answer is waited for
    once, not twice."""
    async with engine.connect() as connection:
        try:
            result = await connection.execute(text("SELECT version_num FROM alembic_version"))
        except SQLAlchemyError:
            return False  # no version table: a new, empty database
        current = frozenset(str(row[0]) for row in result)
    return bool(current) and current == newest_revisions()
