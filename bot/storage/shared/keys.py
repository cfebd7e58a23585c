"""Redis keys without chat ids: a deployment's prefix, the kind, and a keyed hash of the id.

HMAC-SHA256 with the deployment's secret (NEWSBOT_STATE_SECRET), cut to HASH_CHARS hex
characters (80 bits: no two of a billion chats share a key in practice). Without the
secret, a key cannot be traced back to a chat, not even by trying every possible id.
"""

from __future__ import annotations

import hashlib
import hmac

HASH_CHARS = 20


class Keys:
    """The keys of one deployment: `prefix:kind:hash`."""

    def __init__(self, prefix: str, secret: str) -> None:
        if not secret:
            raise ValueError("a secret is needed for the keyed hash")
        self.prefix = prefix
        self._secret = secret.encode("utf-8")

    def hash(self, kind: str, *parts: int | str) -> str:
        """The keyed hash of a kind and its parts (a chat id, a message id, ...)."""
        message = ":".join([kind, *map(str, parts)]).encode("utf-8")
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()[:HASH_CHARS]

    def key(self, kind: str, *parts: int | str) -> str:
        """The Redis key of a kind and its parts; no part appears in it as it is."""
        return f"{self.prefix}:{kind}:{self.hash(kind, *parts)}"

    def plain(self, kind: str, name: str) -> str:
        """A key that names no chat (the bot's overall send rate)."""
        return f"{self.prefix}:{kind}:{name}"

    @property
    def pattern(self) -> str:
        """A SCAN pattern matching every key of the deployment."""
        return f"{self.prefix}:*"
