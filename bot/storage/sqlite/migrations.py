"""The SQLite file's schema: one version for the whole file, and every step to it, in one place.

The version lives in our own table `meta` under the key `schema_version` (a table rather
than PRAGMA user_version: the files of earlier releases keep their version there already,
and a PostgreSQL backend can keep its own the same way). Until version 2 the digest kept a
version of its own (`subscriptions_version`) in the same table; step 2 takes the file over
into the one scheme without touching a row of data. A file of a newer version than this
code knows is refused, so an older release never writes into a schema it does not know.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.storage.interface import StoreError

SCHEMA_VERSION = 4
_SUBSCRIPTIONS_VERSION = 1  # the digest's own version before step 2, the last there was

_META = "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"

# Step n brings a file from version n-1 to n. Steps create with IF NOT EXISTS: a file of an
# earlier release may hold a table its version does not count (the digest created its own).
MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (  # the statistics: open questions, daily counts, entries shown, feedback
        """CREATE TABLE IF NOT EXISTS questions (
            day TEXT NOT NULL,
            reason TEXT NOT NULL,
            question TEXT NOT NULL,
            entry TEXT NOT NULL DEFAULT '',
            count INTEGER NOT NULL DEFAULT 1,
            PRIMARY KEY (day, reason, question, entry))""",
        """CREATE TABLE IF NOT EXISTS daily (
            day TEXT PRIMARY KEY,
            answered INTEGER NOT NULL DEFAULT 0,
            unanswered INTEGER NOT NULL DEFAULT 0)""",
        """CREATE TABLE IF NOT EXISTS entry_hits (
            day TEXT NOT NULL,
            entry TEXT NOT NULL,
            count INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (day, entry))""",
        """CREATE TABLE IF NOT EXISTS feedback (
            day TEXT NOT NULL,
            entry TEXT NOT NULL,
            up INTEGER NOT NULL DEFAULT 0,
            down INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (day, entry))""",
    ),
    2: (  # the digest's subscriptions join the file's one version
        """CREATE TABLE IF NOT EXISTS subscriptions (
            chat_id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            last_day TEXT NOT NULL DEFAULT '',
            last_key TEXT NOT NULL DEFAULT '')""",
        "DELETE FROM meta WHERE key = 'subscriptions_version'",
    ),
    3: (  # when the bot first saw each article published: the digest's order, not `date`
        """CREATE TABLE IF NOT EXISTS articles_seen (
            article_id TEXT PRIMARY KEY,
            first_seen TEXT NOT NULL)""",
        # Before this step a `date` in the future (a typo such as 2031) could move a chat's
        # last article past every later one and hold them back for good: such a chat counts as
        # having had today's articles, and gets every later one.
        """UPDATE subscriptions SET last_key = date('now') || '/~'
            WHERE last_key > date('now') || '/~'""",
    ),
    4: (  # the digest's claims: which process sends a chat's digest, and until when
        "ALTER TABLE subscriptions ADD COLUMN claim_owner TEXT",
        "ALTER TABLE subscriptions ADD COLUMN claim_until TEXT",
    ),
}


def migrate(db: sqlite3.Connection, path: Path) -> int:
    """Bring the file to SCHEMA_VERSION (call it in one transaction); the version it had."""
    db.execute(_META)
    version = _version(db, "schema_version")
    if version > SCHEMA_VERSION:
        raise StoreError(f"{path} has schema version {version}, newer than {SCHEMA_VERSION}")
    subscriptions = _version(db, "subscriptions_version")
    if subscriptions > _SUBSCRIPTIONS_VERSION:
        raise StoreError(
            f"{path} has subscriptions version {subscriptions}, newer than {_SUBSCRIPTIONS_VERSION}"
        )
    for step in range(version + 1, SCHEMA_VERSION + 1):
        for statement in MIGRATIONS[step]:
            db.execute(statement)
    if version != SCHEMA_VERSION:
        db.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)",
            (str(SCHEMA_VERSION),),
        )
    return version


def _version(db: sqlite3.Connection, key: str) -> int:
    row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return int(row[0]) if row else 0
