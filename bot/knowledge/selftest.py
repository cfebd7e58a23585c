"""The batch self-test of `newsbot check`: every example question and alias finds its entry."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from bot.conversation import Conversation
from bot.engine import Engine
from bot.knowledge.parallel import run_chunks
from bot.models import Article, Location, Problem, Reply, Term
from bot.search.analysis import MAX_MESSAGE_CHARS


def _label(reply: Reply) -> str:
    if reply.kind in ("article", "term", "source"):
        return f'{reply.kind} "{reply.title}"'
    if reply.kind == "none" and reply.suggestions:
        names = ", ".join(f'"{s.title}"' for s in reply.suggestions)
        return f"no answer (it asked whether the reader meant {names})"
    if reply.kind == "none":
        return "no answer"
    return f"the {reply.kind} reply"


def _cases(engine: Engine) -> Iterator[tuple[str, str, str, Location]]:
    kb = engine.kb
    for entry in kb.entries():
        fields = {"questions": entry.questions}
        if not isinstance(entry, Article):
            fields["aliases"] = entry.aliases
        if isinstance(entry, Term):
            fields["related"] = entry.related
        for field_name, values in fields.items():
            for i, text in enumerate(values):
                where = kb.locations.get((entry.ref, field_name, i), entry.where)
                yield entry.ref, f'{entry.kind} "{entry.name}"', text, where


def _answered_from_match(engine: Engine, text: str) -> str | None:
    """The entry a question is answered with, read off the match without composing the reply
    (a third of the self-test's time at 100,000 entries: each entry's card is built once);
    None when only the composed reply tells, which is then asked for."""
    if len(text) > MAX_MESSAGE_CHARS:
        return None
    try:
        return engine.composer.answered_entry(engine.matcher.match(text))
    except Exception:  # Engine.answer turns it into its "error" reply: let it say so
        return None


def self_test(
    engine: Engine,
    keep: Callable[[Location], bool] | None = None,
    progress: Callable[[int, int], None] | None = None,
    jobs: int | None = None,
) -> list[Problem]:
    """Ask every example question and alias; each must be answered with its own entry.

    keep: only the questions standing where it says yes; progress: told (done, total);
    jobs: how many processes ask (None: one per core for many questions, else one).
    """
    cases = [case for case in _cases(engine) if keep is None or keep(case[3])]

    def chunk(start: int, stop: int) -> list[Problem]:
        problems = []
        for ref, owner, text, where in cases[start:stop]:
            if _answered_from_match(engine, text) == ref:
                continue
            reply = engine.answer(text, Conversation())
            if reply.ref == ref:
                continue
            problems.append(
                Problem(
                    where,
                    f'self-test: "{text}" should find {owner} but got {_label(reply)}'
                    " - make the question more specific, or add an alias or keyword",
                    "error",
                    "self-test",
                )
            )
        return problems

    return run_chunks(chunk, len(cases), jobs, progress)
