"""How much a match counts: field weights, every threshold, candidate scores and the bands.

An entry's score says how much of the question it explains and how well: a word found in a
name counts fully only when the question names that entry whole ("U-Boot" is not
"Atom-U-Boot"), a word found only in an entry's text counts about half. Intents, small talk
and whole phrases then raise their targets; the best scores fall into one of four bands.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.search.analysis import analyze, is_weak
from bot.search.index import FieldKind, Index
from bot.search.results import Decision, Match, Target

# ---- the knobs ------------------------------------------------------------------------------

# How much a word found in each kind of field counts (1.0 = the entry's own name).
FIELD_WEIGHTS: dict[FieldKind, float] = {
    "name": 1.0,
    "keyword": 0.85,
    "related": 0.75,
    "question": 0.9,
    "summary": 0.6,
    "text": 0.55,
}
# Name-like fields count by how much of them the question covers; example questions count
# mostly by coverage too, so that one shared word with a long question is not an answer.
QUESTION_BASE = 0.3

# The bands: at least ANSWER_THRESHOLD answers, at least SUGGEST_THRESHOLD offers what is near;
# two entries closer than AMBIGUITY_MARGIN above the answer threshold are asked about.
ANSWER_THRESHOLD = 0.65
SUGGEST_THRESHOLD = 0.45
AMBIGUITY_MARGIN = 0.06
# Worry is answered before any topic from this score on.
COMFORT_PRIORITY = 0.6
# What a triggered intent or small-talk pattern scores at least.
TRIGGER_SCORE = 0.8

# Short messages compared whole with phrases (rapidfuzz ratio, 0-100).
PHRASE_RATIO = 80.0
PHRASE_WORD_RATIO = 85.0
SUBSET_PHRASE_SCORE = 0.85

# How much a question word counts: weak words and short unknown words count less.
WEAK_WEIGHT = 0.15
SHORT_UNKNOWN_WEIGHT = 0.5
# How sure a corrected word is, by its distance from the word the knowledge writes.
TYPO_SIMILARITY = {1: 0.85, 2: 0.75}
MIN_TYPO_LENGTH = 5
LONG_TYPO_LENGTH = 8
PARTICIPLE_SIMILARITY = 0.9

# An article that links two or more of the entities a question names is what the question
# is about ("Warum trifft Putin Kim?"); a question asking what a word means is not.
ARTICLE_LINK_BONUS = 1.15
DEFINITION_ARTICLE_FACTOR = 0.85
DEFINITION_MARKERS = frozenset({"heisst", "bedeutet", "bedeutung", "definition", "erklaer"})

# Words written apart that are joined into one compound, at most.
MAX_JOIN = 4
# Longer "words" are keyboard mashing, not German compounds: unknown, without a typo search.
MAX_WORD = 40
# A stem in more texts than this says nothing about any of them.
COMMON_TEXT_POSTINGS = 5000


# ---- the question's words -------------------------------------------------------------------


@dataclass(slots=True)
class QueryWord:
    """A question word as scoring weighs it: the stems it may stand for, and how much it counts.

    alternatives holds (index key, similarity) pairs; names_only words (the parts of a split
    compound) count only where an entry names them, not in texts.
    """

    word: str
    alternatives: list[tuple[str, float]]
    weight: float
    names_only: bool = False


def word_weight(word: str, known: bool) -> float:
    """How much a question word counts: topic words fully, weak words and short unknowns less."""
    if is_weak(word):
        return WEAK_WEIGHT
    if not known and len(word) <= 2:
        return SHORT_UNKNOWN_WEIGHT
    return 1.0


# ---- scoring the candidates -----------------------------------------------------------------


def score_candidates(folded: str, words: Sequence[QueryWord], index: Index) -> dict[int, float]:
    """Every candidate target's score for a question, each rule applied in turn."""
    scores = entry_scores(words, index)
    keys = {index.key(word) for word in folded.split()}
    if DEFINITION_MARKERS & set(folded.split()):
        lower_articles(scores, index)
    raise_intents(scores, keys, index)
    raise_small_talk(scores, keys, index)
    for doc, phrase_score in phrase_scores(folded, index).items():
        scores[doc] = max(scores.get(doc, 0.0), phrase_score)
    return scores


def lower_articles(scores: dict[int, float], index: Index) -> None:
    """A question asking what a word means wants the glossary, not an article about it."""
    for doc in scores:
        if index.targets[doc].kind == "article":
            scores[doc] *= DEFINITION_ARTICLE_FACTOR


def raise_intents(scores: dict[int, float], keys: set[str], index: Index) -> None:
    """Intents whose trigger words are all in the message (keys) score at least TRIGGER_SCORE."""
    triggered = [
        doc for doc, triggers in index.triggers.items() if any(t <= keys for t in triggers)
    ]
    for doc in triggered:
        # Worry always comes first; other intents compete with the entries, and a
        # triggered intent wins over intents that only share a word ("von wem ... infos").
        floor = 1.0 if doc == index.comfort_target else TRIGGER_SCORE
        scores[doc] = max(scores.get(doc, 0.0), floor)
    if triggered:
        for doc in index.triggers:
            if doc not in triggered and doc in scores:
                scores[doc] = min(scores[doc], TRIGGER_SCORE - AMBIGUITY_MARGIN)


def raise_small_talk(scores: dict[int, float], keys: set[str], index: Index) -> None:
    """Small talk whose trigger words are all in the message, when it names no entry."""
    named = any(
        value >= SUGGEST_THRESHOLD and index.targets[doc].is_entry for doc, value in scores.items()
    )
    for doc, triggers in index.talk_triggers.items():
        # "du bist doof und dumm" is an insult; "Ist Putin dumm?" asks about Putin.
        if not named and any(trigger <= keys for trigger in triggers):
            scores[doc] = max(scores.get(doc, 0.0), TRIGGER_SCORE)


def field_quality(kind: FieldKind, coverage: float) -> float:
    """How well a field explains the words it shares with a question, by how much is covered."""
    if kind == "question":
        return FIELD_WEIGHTS["question"] * (QUESTION_BASE + (1 - QUESTION_BASE) * coverage)
    return FIELD_WEIGHTS[kind] * coverage


def entry_scores(words: Sequence[QueryWord], index: Index) -> dict[int, float]:
    """Per target: the weighted share of the question that its best fields explain."""
    total = sum(w.weight for w in words)
    if total == 0:
        return {}
    # Per instance: how many characters of it the question covers.
    covered: dict[int, float] = defaultdict(float)
    text_hits: dict[int, dict[int, float]] = defaultdict(dict)
    for position, word in enumerate(words):
        for stem_, similarity in word.alternatives:
            for instance, length in index.postings.get(stem_, ()):
                covered[instance] += length
            docs = () if word.names_only else index.text_postings.get(stem_, ())
            if len(docs) > COMMON_TEXT_POSTINGS:
                continue
            for doc, weight in docs:
                hits = text_hits[doc]
                hits[position] = max(hits.get(position, 0.0), similarity * weight)
    # Per document and question word: the best field that explains the word.
    explained: dict[int, dict[int, float]] = defaultdict(dict)
    for doc, hits in text_hits.items():
        explained[doc] = dict(hits)
    instance_quality: dict[int, float] = {}
    for instance, chars in covered.items():
        info = index.instances[instance]
        instance_quality[instance] = field_quality(info.kind, min(1.0, chars / info.length))
    linked: dict[int, set[int]] = defaultdict(set)
    for position, word in enumerate(words):
        for stem_, similarity in word.alternatives:
            for instance, _ in index.postings.get(stem_, ()):
                doc = index.instances[instance].doc
                value = instance_quality[instance] * similarity
                slots = explained[doc]
                if value > slots.get(position, 0.0):
                    slots[position] = value
                if instance in index.related_of and instance_quality[instance] >= 0.5:
                    linked[doc].add(index.related_of[instance])
    scores = {}
    for doc, slots in explained.items():
        value = sum(words[p].weight * v for p, v in slots.items()) / total
        if len(linked.get(doc, ())) >= 2:
            value = min(1.0, value * ARTICLE_LINK_BONUS)
        scores[doc] = value
    return scores


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
    for phrase, doc in zip(index.phrases, index.phrase_targets, strict=True):
        words = phrase.split()
        if set(words) <= message and all(_word_in(word, words) for word in content):
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


# ---- the bands ------------------------------------------------------------------------------


def decide(matches: Sequence[Match], comfort: Target | None) -> Decision:
    """The band of the ranked matches: answer, ambiguous, unsure or none."""
    if not matches or matches[0].score < SUGGEST_THRESHOLD:
        return "none"
    best = matches[0]
    if comfort is not None and best.target is comfort and best.score >= COMFORT_PRIORITY:
        return "answer"
    if best.score < ANSWER_THRESHOLD:
        return "unsure"
    if len(matches) > 1 and best.target.is_entry and matches[1].target.is_entry:
        second = matches[1]
        if second.score >= ANSWER_THRESHOLD and best.score - second.score < AMBIGUITY_MARGIN:
            return "ambiguous"
    return "answer"
