"""The rules applied once the entries are scored: the subject a question names, personal
questions, worry, intents, small talk and whole phrases; score_candidates runs them in turn.

Each rule raises or caps some targets' scores and notes its name (Candidates.rules), so that
`ask --explain` can say which rule put a target where it is.
"""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz import fuzz, process

from bot.search.analysis import analyze, stem
from bot.search.index import Index
from bot.search.scoring import (
    ADDRESS_THE_BOT,
    AMBIGUITY_MARGIN,
    ANSWER_THRESHOLD,
    ARTICLE_BELOW_SUBJECT,
    DEFINITION_MARKERS,
    EXPLAINS,
    FIELD_WEIGHTS,
    NAME_FIELDS,
    NAMES_ANOTHER,
    PHRASE_RATIO,
    PHRASE_WORD_RATIO,
    SUBJECT_SCORE,
    SUBSET_PHRASE_SCORE,
    SUGGEST_THRESHOLD,
    TRIGGER_SCORE,
    Candidates,
    NameTest,
    QueryWord,
    Question,
    entry_scores,
    lower_articles,
)
from bot.search.worry import WorryFinder


def score_candidates(question: Question, index: Index, worries: WorryFinder | None) -> Candidates:
    """Every candidate target's score for a question, each rule applied in turn."""
    words = question.words
    found = entry_scores(words, index)
    scores = found.scores
    keys = {index.key(word) for word in question.folded}
    if any(stem(word) in DEFINITION_MARKERS for word in question.folded):
        lower_articles(scores, index)
    if question.personal:
        keep_personal_questions_open(found, index)
    else:
        find_subject(found, words, index, question.name_like)
    if worries is not None:
        raise_worry(found, question, index, worries)
    raise_intents(found, keys, index)
    raise_small_talk(found, question, keys, index)
    for doc, phrase_score in phrase_scores(" ".join(question.folded), index).items():
        if phrase_score > scores.get(doc, 0.0):
            scores[doc] = phrase_score
            found.rules[doc] = "phrase"
    return found


def keep_personal_questions_open(found: Candidates, index: Index) -> None:
    """A question put to a person ("Von welcher Partei sind Sie?") is not one the knowledge
    answers: what it names is at most offered, never answered."""
    for doc, value in found.scores.items():
        if index.targets[doc].is_entry and value >= ANSWER_THRESHOLD:
            found.scores[doc] = ANSWER_THRESHOLD - 0.01
            found.rules[doc] = "personal"


def raise_worry(found: Candidates, question: Question, index: Index, worries: WorryFinder) -> None:
    """A worry in the right company comes before every answer (bot.yaml, worries)."""
    # A worry coming to us ("Kann das auch bei uns passieren?") counts when the message names
    # no entry; a word it only shares with some entry's text does not name one.
    names_an_entry = bool(found.named or found.described)
    # A question put to a person ("Was werden Sie vermissen?") is not the reader's worry.
    kind = worries.find(question.whole, question.content, names_an_entry, question.personal)
    if kind is not None:
        doc = index.worry_targets[kind.name]
        found.scores[doc] = 1.0
        found.rules[doc] = "worry"


def find_subject(
    found: Candidates, words: Sequence[QueryWord], index: Index, name_like: NameTest | None
) -> None:
    """The one term or source the question names whole, answered whatever aspect it asks.

    Nothing happens when no entry or several are named. A word next to the name that the
    knowledge does not know and that looks like a name itself keeps the entry from being
    answered ("Kim Kardashian", "Hunter Biden"): it is only offered.
    """
    named = found.named or found.described
    widest = [
        doc for doc, spots in named.items() if not any(spots < other for other in named.values())
    ]
    if len({named[doc] for doc in widest}) != 1:
        return
    doc = min(widest)
    spots = named[doc]
    rest = tuple(p for p in range(len(words)) if p not in spots)
    if names_more(found, doc, rest, index) or explained_better(found, doc, words, index):
        return
    for position in rest:
        word = words[position]
        # Known words and the parts of a split compound are never names of their own; a
        # word the knowledge holds only as a typo of another may be one ("Hunter", "hunger").
        known = word.alternatives and not word.how.startswith("typo")
        if known or word.names_only or name_like is None:
            continue
        beside = position - 1 in spots or position + 1 in spots
        if beside and name_like(word.word):
            found.subject, found.blocked = doc, True
            capped = min(found.scores.get(doc, 0.0), ANSWER_THRESHOLD - 0.01)
            found.scores[doc] = max(capped, SUGGEST_THRESHOLD)
            found.rules[doc] = "subject-blocked"
            return
    found.subject, found.aspect = doc, rest
    if found.scores.get(doc, 0.0) < SUBJECT_SCORE:
        found.scores[doc] = SUBJECT_SCORE
        found.rules[doc] = "subject"
    # An article does not win over the entry the question names through its keywords or
    # its list of terms; it still can through its own title and example questions.
    ceiling = found.scores[doc] - ARTICLE_BELOW_SUBJECT
    for other, slots in found.explained.items():
        if index.targets[other].kind != "article" or found.scores.get(other, 0.0) <= ceiling:
            continue
        if all(slots.get(p, (0.0, ""))[1] in ("keyword", "related", "") for p in spots):
            found.scores[other] = ceiling
            found.rules[other] = "below-subject"


def names_more(found: Candidates, subject: int, rest: Sequence[int], index: Index) -> bool:
    """True if another entry names one of the other words (by a name, keyword or its list of
    terms): then the question is about more than one thing ("Was wollen Russland und Kim?")."""
    for doc, slots in found.explained.items():
        if doc == subject or not index.targets[doc].is_entry:
            continue
        for position in rest:
            value, kind = slots.get(position, (0.0, ""))
            if kind in NAME_FIELDS and value >= NAMES_ANOTHER * FIELD_WEIGHTS[kind]:  # type: ignore[index]
                return True
    return False


def explained_better(
    found: Candidates, subject: int, words: Sequence[QueryWord], index: Index
) -> bool:
    """True if another entry explains every topic word the subject explains, and more: it
    answers the question at least as well ("ab wie viel jahren darf man wählen": Wahlrecht,
    not Wahl)."""

    def explained(doc: int) -> set[int]:
        slots = found.explained.get(doc, {})
        return {
            p for p, (value, _) in slots.items() if value >= EXPLAINS and words[p].weight >= 1.0
        }

    own = explained(subject)
    topic = {p for p, word in enumerate(words) if word.weight >= 1.0}
    # Two or more aspect words that one entry explains together with the subject name that
    # entry as well: "warum kann die ukraine kein getreide mit schiffen verkaufen".
    several = len(topic - own) >= 2
    for other, value in found.scores.items():
        if other == subject or not index.targets[other].is_entry:
            continue
        theirs = explained(other)
        if value >= SUBJECT_SCORE - AMBIGUITY_MARGIN and theirs > own:
            return True
        if several and value >= SUGGEST_THRESHOLD and theirs >= topic:
            return True
    return False


def raise_intents(found: Candidates, keys: set[str], index: Index) -> None:
    """Intents whose trigger words are all in the message (keys) score at least TRIGGER_SCORE."""
    scores = found.scores
    triggered = [
        doc for doc, triggers in index.triggers.items() if any(t <= keys for t in triggers)
    ]
    for doc in triggered:
        # Intents compete with the entries, and a triggered intent wins over intents that
        # only share a word ("von wem ... infos").
        if scores.get(doc, 0.0) < TRIGGER_SCORE:
            scores[doc] = TRIGGER_SCORE
            found.rules[doc] = "trigger"
    if triggered:
        for doc in index.triggers:
            if doc not in triggered and doc in scores:
                scores[doc] = min(scores[doc], TRIGGER_SCORE - AMBIGUITY_MARGIN)


def raise_small_talk(found: Candidates, question: Question, keys: set[str], index: Index) -> None:
    """Small talk whose trigger words are all in the message, when it names no entry and is
    aimed at the bot: it speaks to the bot ("du bist doof") or says nothing else ("idiot").
    "Warum muss man diesen blöden Beitrag zahlen?" is no insult."""
    scores = found.scores
    named = any(
        value >= SUGGEST_THRESHOLD and index.targets[doc].is_entry for doc, value in scores.items()
    )
    if named:
        return
    to_the_bot = bool(ADDRESS_THE_BOT & set(question.folded))
    content = {index.key(word) for word in question.content}
    for doc, triggers in index.talk_triggers.items():
        hits = [trigger for trigger in triggers if trigger <= keys]
        if not hits:
            continue
        nothing_else = content <= set().union(*triggers)
        if (to_the_bot or nothing_else) and scores.get(doc, 0.0) < TRIGGER_SCORE:
            scores[doc] = TRIGGER_SCORE
            found.rules[doc] = "trigger"


def phrase_scores(folded: str, index: Index) -> dict[int, float]:
    """Short messages compared whole with intent and small-talk phrases ("Wer bist du?")."""
    if not folded or len(folded.split()) > 6 or not index.phrases:
        return {}
    found = process.extract(
        folded, index.phrases, scorer=fuzz.ratio, score_cutoff=PHRASE_RATIO, limit=5
    )
    content = analyze(folded).content
    result: dict[int, float] = {}
    # A phrase whose words are all in the message, when the message says nothing else
    # of substance: "hi bot", "danke fuer die erklaerung".
    message = set(folded.split())
    # "was bedeutet lol" asks what a word means: no small talk.
    asks_meaning = any(stem(word) in DEFINITION_MARKERS for word in message)
    candidates = {p for word in message for p in index.phrases_with.get(word, ())}
    for position in sorted(candidates):
        words = index.phrase_words[position]
        if asks_meaning and not any(stem(word) in DEFINITION_MARKERS for word in words):
            continue
        if message.issuperset(words) and all(_word_in(word, words) for word in content):
            doc = index.phrase_targets[position]
            result[doc] = max(result.get(doc, 0.0), SUBSET_PHRASE_SCORE)
    for phrase, ratio, position in found:
        # Every topic word of the message must be in the phrase: "wie spaet ist es"
        # is not "wie geht es".
        phrase_words = phrase.split()
        if any(not _word_in(word, phrase_words) for word in content):
            continue
        doc = index.phrase_targets[position]
        result[doc] = max(result.get(doc, 0.0), ratio / 100.0)
    return result


def _word_in(word: str, words: Sequence[str]) -> bool:
    """True if word is one of words, allowing a small typo in longer words."""
    if len(word) <= 3:
        return word in words
    return (
        process.extractOne(word, words, scorer=fuzz.ratio, score_cutoff=PHRASE_WORD_RATIO)
        is not None
    )
