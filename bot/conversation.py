"""What one conversation has shown last, so that "mehr" and "Woher?" know what they refer to."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Conversation:
    """What a conversation has shown last; nothing about the reader."""

    last_ref: str | None = None
