"""How much a match counts: field weights, every threshold, candidate scores and the bands.

An entry's score says how much of the question it explains and how well: a word found in a
name counts fully only when the question names that entry whole ("U-Boot" is not
"Atom-U-Boot"), a word found only in an entry's text counts about half. Intents, small talk
and whole phrases then raise their targets (bot/search/rules.py); the best scores fall into one of
four bands.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from bot.search.analysis import is_weak
from bot.search.index import LENGTH_BITS, LENGTH_MASK, WEIGHT_BITS, WEIGHT_MASK, FieldKind, Index
from bot.search.results import Decision, Match

# ---- the knobs ------------------------------------------------------------------------------

# How much a word found in each kind of field counts (1.0 = the entry's own name).
FIELD_WEIGHTS: dict[FieldKind, float] = {
    "name": 1.0,
    "describer": 1.0,
    # A related word leads to an entry, a little below its own names.
    "pointer": 0.9,
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
# A word at least this common in German is taken as written, never as a typo of another.
COMMON_WORD_ZIPF = 3.0

# An article that links two or more of the entities a question names is what the question
# is about ("Warum trifft Putin Kim?"); a question asking what a word means is not.
ARTICLE_LINK_BONUS = 1.15
DEFINITION_ARTICLE_FACTOR = 0.85
# Stems of the words that ask what something means ("Was heißt ...", "erklär mir ...").
DEFINITION_MARKERS = frozenset({"heisst", "bedeut", "definition", "definier", "erklar"})

# A term or source the question names whole (all of a name or alias) is its subject: the
# other words ask about an aspect of it ("Wie gefährlich ist Kim Jong-un?"). It is answered
# with at least this score, unless another entry is named too, or a word next to the name
# that the knowledge does not know looks like a name of its own ("Kim Kardashian"): then the
# entry is only offered ("Meinst du ...?"), never answered.
SUBJECT_SCORE = 0.7
NAMED_WHOLE = 0.999
# An article that explains the subject's name only through its keywords or its list of
# terms stays this far below the subject.
ARTICLE_BELOW_SUBJECT = 0.05
# Fields that name an entry, and how much of one a word must cover to name another entry
# (a common word that is part of a longer alias, "Menschen" in "arme Menschen", does not).
NAME_FIELDS = frozenset({"name", "keyword", "related"})
NAMES_ANOTHER = 0.9
# A field explains a question word when it gives it at least this much (any text does).
EXPLAINS = 0.5

# Words written apart that are joined into one compound, at most.
MAX_JOIN = 4
# Longer "words" are keyboard mashing, not German compounds: unknown, without a typo search.
MAX_WORD = 40
# A stem in more texts than this says nothing about any of them.
COMMON_TEXT_POSTINGS = 5000


# Words that speak to the bot: an insult among them is aimed at it.
ADDRESS_THE_BOT = frozenset({"du", "dich", "dir", "dein", "deine", "bot", "newsbot", "you"})

# Says whether a question word the knowledge does not know looks like a name of its own.
NameTest = Callable[[str], bool]


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
    how: str = "known"


def word_weight(word: str, known: bool) -> float:
    """How much a question word counts: topic words fully, weak words and short unknowns less."""
    if is_weak(word):
        return WEAK_WEIGHT
    if not known and len(word) <= 2:
        return SHORT_UNKNOWN_WEIGHT
    return 1.0


# ---- scoring the candidates -----------------------------------------------------------------


@dataclass
class Candidates:
    """The scores of every candidate target for one question, and what they rest on.

    explained holds per target and question word the best value a field gave it and the
    kind of that field; named holds, per term or source, the question words that name it
    whole; subject is the one entry the question is about when it names exactly one, with
    its aspect words (the rest of the question); rules says which rule last set a score.
    """

    scores: dict[int, float]
    explained: dict[int, dict[int, tuple[float, str]]]
    named: dict[int, frozenset[int]]
    # Entries an adjective or verb of theirs describes ("russisch"), or a related word of
    # theirs points to ("Parlament"): a subject only when no entry is named.
    described: dict[int, frozenset[int]] = field(default_factory=dict)
    # Per entry reached through a related word named whole: that word, as written.
    pointers: dict[int, str] = field(default_factory=dict)
    subject: int = -1
    aspect: tuple[int, ...] = ()
    blocked: bool = False
    rules: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Question:
    """One question as every rule sees it: the folded words, the query words, and what the
    text says of itself (that it is addressed to a person, "Was tun Sie ...?")."""

    folded: tuple[str, ...]
    content: tuple[str, ...]
    words: Sequence[QueryWord]
    # Every folded word of the whole message (not cut after MAX_TOKENS): worry at the end of
    # a long message counts ("... Ich habe im Moment echt Angst").
    whole: tuple[str, ...] = ()
    personal: bool = False
    name_like: NameTest | None = None


def lower_articles(scores: dict[int, float], index: Index) -> None:
    """A question asking what a word means wants the glossary, not an article about it."""
    for doc in scores:
        if index.targets[doc].kind == "article":
            scores[doc] *= DEFINITION_ARTICLE_FACTOR


def field_quality(kind: FieldKind, coverage: float) -> float:
    """How well a field explains the words it shares with a question, by how much is covered."""
    if kind == "question":
        return FIELD_WEIGHTS["question"] * (QUESTION_BASE + (1 - QUESTION_BASE) * coverage)
    return FIELD_WEIGHTS[kind] * coverage


def entry_scores(words: Sequence[QueryWord], index: Index) -> Candidates:
    """Per target: the weighted share of the question that its best fields explain."""
    total = sum(w.weight for w in words)
    if total == 0:
        return Candidates({}, {}, {}, {}, {})
    # Per instance: how many characters of it the question covers, and by which words.
    covered: dict[int, float] = defaultdict(float)
    covering: dict[int, set[int]] = defaultdict(set)
    # Per document and question word: the best field that explains the word, and its kind.
    explained: dict[int, dict[int, tuple[float, str]]] = defaultdict(dict)
    # Postings are packed integers (bot/search/index.py): decoded here with shifts and masks.
    weights = index.weights
    for position, word in enumerate(words):
        for stem_, similarity in word.alternatives:
            for packed in index.postings.get(stem_, ()):
                instance = packed >> LENGTH_BITS
                covered[instance] += packed & LENGTH_MASK
                covering[instance].add(position)
            docs = () if word.names_only else index.text_postings.get(stem_, ())
            if not docs or len(docs) > COMMON_TEXT_POSTINGS:
                continue
            for packed in docs:
                slots = explained[packed >> WEIGHT_BITS]
                weight = weights[packed & WEIGHT_MASK]
                value = similarity * weight
                if value > slots.get(position, (0.0, ""))[0]:
                    slots[position] = (
                        value,
                        "summary" if weight >= FIELD_WEIGHTS["summary"] else "text",
                    )
    instance_quality: dict[int, float] = {}
    named: dict[int, frozenset[int]] = {}
    described: dict[int, frozenset[int]] = {}
    pointers: dict[int, str] = {}
    for instance, chars in covered.items():
        info = index.instances[instance]
        coverage = min(1.0, chars / info.length)
        instance_quality[instance] = field_quality(info.kind, coverage)
        if info.kind == "pointer" and coverage >= NAMED_WHOLE:
            pointers[info.doc] = index.pointer_words[instance]
        if info.kind in ("name", "describer", "pointer") and coverage >= NAMED_WHOLE:
            group = named if info.kind == "name" else described
            spots = frozenset(covering[instance])
            if all(s in spots for s in group.get(info.doc, frozenset())):
                group[info.doc] = spots
    linked: dict[int, set[int]] = defaultdict(set)
    for position, word in enumerate(words):
        for stem_, similarity in word.alternatives:
            for packed in index.postings.get(stem_, ()):
                instance = packed >> LENGTH_BITS
                info = index.instances[instance]
                value = instance_quality[instance] * similarity
                slots = explained[info.doc]
                if value > slots.get(position, (0.0, ""))[0]:
                    slots[position] = (value, info.kind)
                # Only names the question holds whole link an article's entities.
                if instance in index.related_of and instance_quality[instance] >= 0.7:
                    linked[info.doc].add(index.related_of[instance])
    scores = {}
    for doc, slots in explained.items():
        value = sum(words[p].weight * v for p, (v, _) in slots.items()) / total
        if len(linked.get(doc, ())) >= 2:
            value = min(1.0, value * ARTICLE_LINK_BONUS)
        scores[doc] = value
    return Candidates(scores, dict(explained), named, described, pointers)


# ---- the bands ------------------------------------------------------------------------------


def decide(matches: Sequence[Match]) -> tuple[Decision, str]:
    """The band of the ranked matches (answer, ambiguous, unsure or none) and why."""
    if not matches or matches[0].score < SUGGEST_THRESHOLD:
        return "none", f"nothing scores {SUGGEST_THRESHOLD} or more"
    best = matches[0]
    if best.target.kind == "comfort" and best.score >= COMFORT_PRIORITY:
        return "answer", "worry comes before every answer"
    if best.score < ANSWER_THRESHOLD:
        return "unsure", f"the best scores below {ANSWER_THRESHOLD}: offered, not answered"
    if len(matches) > 1 and best.target.is_entry and matches[1].target.is_entry:
        second = matches[1]
        if second.score >= ANSWER_THRESHOLD and best.score - second.score < AMBIGUITY_MARGIN:
            return "ambiguous", f"two entries within {AMBIGUITY_MARGIN} of each other"
    return "answer", f"the best scores {ANSWER_THRESHOLD} or more"
