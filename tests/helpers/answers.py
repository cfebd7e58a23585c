"""Looking at the engine's answers in tests: a short label of a reply for tables of expected
answers, and a question the engine answers with "Meinst du ...?"."""

from __future__ import annotations

from bot.engine import Engine
from bot.models import Reply

MEINST_DU = ["Wladimir", "Nord", "Vereinte", "krieg", "agentur", "Atom"]


def label(reply: Reply, *, which: bool = False) -> str:
    """term:<title>, source:<title>, article:<id>, or the kind of reply; with `which`, also
    which comfort or small talk it is (comfort:<id>, smalltalk:<id>)."""
    if reply.kind in ("term", "source"):
        return f"{reply.kind}:{reply.title}"
    if reply.kind == "article":
        return f"article:{reply.id}"
    if which and reply.kind in ("comfort", "smalltalk"):
        return f"{reply.kind}:{reply.id}"
    return reply.kind


def unsure_question(engine: Engine) -> str:
    """A question the engine answers with "Meinst du ...?" (the matcher may change)."""
    return next(q for q in MEINST_DU if engine.answer(q).suggestions)
