"""The answering engine: knowledge, index and composer, built once and used by every front end."""

from __future__ import annotations

import datetime as dt
import gc
import logging
from dataclasses import dataclass, field
from pathlib import Path

from bot.answers import Composer
from bot.conversation import Conversation
from bot.gcpause import gc_paused
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.filecache import FileCache
from bot.knowledge.load import load_knowledge
from bot.language import warm as warm_word_lists
from bot.lists import DEFAULT_FRESH_DAYS
from bot.models import Reply
from bot.search.analysis import MAX_MESSAGE_CHARS, fold
from bot.search.matcher import Matcher

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Engine:
    """Everything needed to answer: swap a whole Engine to reload knowledge."""

    kb: KnowledgeBase
    matcher: Matcher
    composer: Composer
    # Each file's reading, for a reload that reads only what changed (None: not kept).
    files: FileCache | None = field(default=None, compare=False, repr=False)

    @classmethod
    def load(
        cls,
        root: Path,
        today: dt.date | None = None,
        fresh_days: int = DEFAULT_FRESH_DAYS,
        drafts: bool = False,
        files: FileCache | None = None,
    ) -> Engine:
        """Load, validate and index a knowledge directory (raises KnowledgeError).

        drafts: answer with draft articles too (`newsbot check` tests their questions).
        files: keep each file's reading there (see Engine.files).
        """
        kb = load_knowledge(root, drafts=drafts, cache=files)
        return cls.build(kb, today, fresh_days, files=files)

    @classmethod
    def build(
        cls,
        kb: KnowledgeBase,
        today: dt.date | None = None,
        fresh_days: int = DEFAULT_FRESH_DAYS,
        matcher: Matcher | None = None,
        files: FileCache | None = None,
    ) -> Engine:
        """Index already loaded knowledge; /news calls articles up to fresh_days old new.

        matcher: the index of this knowledge, built already (read from a snapshot, or
        updated from the last one); files: the readings kb was loaded from.
        """
        with gc_paused():
            warm_word_lists()
            matcher = matcher or Matcher.build(kb)
            folding = files.fold if files is not None else fold
            composer = Composer(kb, matcher, today, fresh_days, folding)
            engine = cls(kb, matcher, composer, files)
        # The index lives as long as the engine: move it out of the collector's way, so that
        # a full collection during a question does not walk millions of its objects (a
        # 40 ms pause in the fuzzer). Reference counting still frees it after a reload.
        gc.freeze()
        return engine

    def answer(self, question: str, conversation: Conversation | None = None) -> Reply:
        """Answer one question; never raises, whatever the reader typed."""
        try:
            if len(question) > MAX_MESSAGE_CHARS:
                return Reply(kind="none", text=self.kb.texts.text("too_long"))
            return self.composer.answer(question, conversation)
        except Exception:
            logger.exception("answering a question failed")
            return Reply(kind="none", text=self.kb.texts.text("error"))

    def press(self, action: str, conversation: Conversation | None = None) -> Reply:
        """Follow a button; never raises, old or unknown buttons included."""
        try:
            return self.composer.press(
                action, conversation if conversation is not None else Conversation()
            )
        except Exception:
            logger.exception("following a button failed")
            return Reply(kind="none", text=self.kb.texts.text("error"))

    def search(self, query: str) -> tuple[Reply, ...]:
        """The best entries for a search (inline mode); never raises."""
        try:
            return self.composer.search(query[:MAX_MESSAGE_CHARS])
        except Exception:
            logger.exception("searching failed")
            return ()
