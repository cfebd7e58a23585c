"""The PostgreSQL schema, by the same one scheme as the SQLite file's (sqlite/migrations.py).

One version for the whole schema in the table `meta` under `schema_version`, and step n
brings it from version n-1 to n, with the same numbers as SQLite's steps, so that both
backends hold the same tables at the same version. Days, times and marks are kept as the
same sortable text as in SQLite, in the "C" collation: compared and ordered byte by byte as
SQLite does, whatever the server's locale. A schema of a newer version than this code knows is
refused. Replicas starting at once migrate one after another (a transaction-scoped advisory
lock per schema), and the steps run in the schema first in the URL's search path.
"""

from __future__ import annotations

from bot.storage.interface import StoreError
from bot.storage.postgres.connection import Conn

SCHEMA_VERSION = 4

_META = "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
# One lock per schema: replicas of one bot wait for each other, other schemas do not.
_LOCK = "SELECT pg_advisory_xact_lock(hashtext('newsbot-migrate:' || current_schema()))"

MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (  # the statistics: open questions, daily counts, entries shown, feedback
        """CREATE TABLE IF NOT EXISTS questions (
            day TEXT COLLATE "C" NOT NULL,
            reason TEXT COLLATE "C" NOT NULL,
            question TEXT COLLATE "C" NOT NULL,
            entry TEXT COLLATE "C" NOT NULL DEFAULT '',
            count BIGINT NOT NULL DEFAULT 1,
            PRIMARY KEY (day, reason, question, entry))""",
        """CREATE TABLE IF NOT EXISTS daily (
            day TEXT COLLATE "C" PRIMARY KEY,
            answered BIGINT NOT NULL DEFAULT 0,
            unanswered BIGINT NOT NULL DEFAULT 0)""",
        """CREATE TABLE IF NOT EXISTS entry_hits (
            day TEXT COLLATE "C" NOT NULL,
            entry TEXT COLLATE "C" NOT NULL,
            count BIGINT NOT NULL DEFAULT 0,
            PRIMARY KEY (day, entry))""",
        """CREATE TABLE IF NOT EXISTS feedback (
            day TEXT COLLATE "C" NOT NULL,
            entry TEXT COLLATE "C" NOT NULL,
            up BIGINT NOT NULL DEFAULT 0,
            down BIGINT NOT NULL DEFAULT 0,
            PRIMARY KEY (day, entry))""",
    ),
    2: (  # the digest's subscriptions
        """CREATE TABLE IF NOT EXISTS subscriptions (
            chat_id BIGINT PRIMARY KEY,
            at TEXT COLLATE "C" NOT NULL,
            last_day TEXT COLLATE "C" NOT NULL DEFAULT '',
            last_key TEXT COLLATE "C" NOT NULL DEFAULT '')""",
    ),
    3: (  # when the bot first saw each article published: the digest's order, not `date`
        """CREATE TABLE IF NOT EXISTS articles_seen (
            article_id TEXT COLLATE "C" PRIMARY KEY,
            first_seen TEXT COLLATE "C" NOT NULL)""",
    ),
    4: (  # the digest's claims: which process sends a chat's digest, and until when
        "ALTER TABLE subscriptions ADD COLUMN IF NOT EXISTS claim_owner TEXT",
        "ALTER TABLE subscriptions ADD COLUMN IF NOT EXISTS claim_until TIMESTAMPTZ",
    ),
}


async def migrate(conn: Conn, where: str) -> int:
    """Bring the schema to SCHEMA_VERSION (call it in one transaction); the version it had."""
    await conn.execute(_LOCK)
    await conn.execute(_META)
    row = await (
        await conn.execute("SELECT value FROM meta WHERE key = 'schema_version'")
    ).fetchone()
    version = int(str(row[0])) if row else 0
    if version > SCHEMA_VERSION:
        raise StoreError(f"{where} has schema version {version}, newer than {SCHEMA_VERSION}")
    for step in range(version + 1, SCHEMA_VERSION + 1):
        for statement in MIGRATIONS[step]:
            await conn.execute(statement)
    if version != SCHEMA_VERSION:
        await conn.execute(
            "INSERT INTO meta (key, value) VALUES ('schema_version', %s)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (str(SCHEMA_VERSION),),
        )
    return version
