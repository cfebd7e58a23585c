"""A pool of psycopg 3 async connections to the server of NEWSBOT_DATABASE_URL.

Every call takes a connection from the pool, runs its statements (a write in one
transaction) and gives it back; nothing waits on the event loop, the driver is async. Every
error of the driver or the pool becomes StoreError, its message without the URL's password.
The URL may carry libpq options, e.g. `?options=-csearch_path%3Dnewsbot` for a schema of its
own: the tables live in the first schema of the search path.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import psycopg
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from bot.storage.interface import StoreError
from bot.storage.postgres.url import password, redacted

CONNECT_TIMEOUT = 10.0  # seconds to reach the server when opening, and to wait for a connection
MAX_CONNECTIONS = 10  # per process: the digest's workers and the handlers share them

T = TypeVar("T")
Conn = psycopg.AsyncConnection[tuple[object, ...]]
Work = Callable[[Conn], Awaitable[T]]


class Pool:
    """The process's connections to one database (one schema), opened by open()."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.where = redacted(url)
        self._password = password(url)
        self._pool: AsyncConnectionPool[Conn] | None = None

    async def open(self) -> None:
        """Reach the server (one connection first, for a clear error) and start the pool."""
        try:
            first = await psycopg.AsyncConnection.connect(
                self.url, connect_timeout=int(CONNECT_TIMEOUT)
            )
            await first.close()
        except psycopg.Error as exc:
            raise self._error(exc) from None
        pool: AsyncConnectionPool[Conn] = AsyncConnectionPool(
            self.url,
            min_size=1,
            max_size=MAX_CONNECTIONS,
            kwargs={"autocommit": True},
            timeout=CONNECT_TIMEOUT,
            open=False,
            name="newsbot",
        )
        try:
            await pool.open(wait=True, timeout=CONNECT_TIMEOUT)
        except (psycopg.Error, PoolTimeout) as exc:
            await pool.close()
            raise self._error(exc) from None
        self._pool = pool

    async def run(self, work: Work[T]) -> T:
        """Run work on a connection of the pool; each statement commits on its own."""
        if self._pool is None:
            raise StoreError(f"{self.where} is closed")
        try:
            async with self._pool.connection() as conn:
                return await work(conn)
        except (psycopg.Error, PoolTimeout, OSError) as exc:
            raise self._error(exc) from None

    async def write(self, work: Work[T]) -> T:
        """Run work in one transaction: committed if it returns, rolled back if it raises."""

        async def in_transaction(conn: Conn) -> T:
            async with conn.transaction():
                return await work(conn)

        return await self.run(in_transaction)

    async def close(self) -> None:
        """Let the calls in flight finish, then close every connection."""
        pool, self._pool = self._pool, None
        if pool is not None:
            await pool.close()

    def _error(self, exc: BaseException) -> StoreError:
        message = str(exc).strip() or exc.__class__.__name__
        if self._password:
            message = message.replace(self._password, "***")
        return StoreError(f"PostgreSQL {self.where}: {message}")
