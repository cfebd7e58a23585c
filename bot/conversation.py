"""What one conversation has shown last, so that "mehr" and "Woher?" know what they refer to."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Conversation:
    """What a conversation has shown last, and which kinds of worry it has been comforted
    for (the second time, the reply is shorter); nothing about the reader."""

    last_ref: str | None = None
    comforted: set[str] = field(default_factory=set)
    # The entry whose "mehr" was shown since it was last opened: asked again, there is no more.
    more_of: str | None = None
