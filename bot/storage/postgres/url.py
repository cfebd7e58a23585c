"""NEWSBOT_DATABASE_URL: which URLs name a PostgreSQL database, and the URL fit for a log line."""

from __future__ import annotations

from urllib.parse import urlsplit

SCHEMES = ("postgresql", "postgres")


def is_postgres_url(url: str) -> bool:
    """True for a postgresql:// (or postgres://) URL with a host or a socket path given."""
    parts = urlsplit(url)
    return parts.scheme in SCHEMES and bool(parts.netloc or parts.query)


def redacted(url: str) -> str:
    """The URL without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()


def password(url: str) -> str:
    """The URL's password, or "" (a secret that must not appear in a log)."""
    return urlsplit(url).password or ""


def checked_url(url: str) -> str:
    """NEWSBOT_DATABASE_URL if it names a PostgreSQL database; else ValueError saying how."""
    if not is_postgres_url(url):
        raise ValueError(
            f"NEWSBOT_DATABASE_URL is {redacted(url)!r} - write a PostgreSQL URL such as"
            " postgresql://newsbot@db.example:5432/newsbot (leave it unset for the SQLite"
            " file in NEWSBOT_DATA_DIR)"
        )
    return url
