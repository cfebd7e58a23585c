"""How much a match counts: field weights, every threshold, candidate scores and the bands.

An entry's score says how much of the question it explains and how well: a word found in a
name counts fully only when the question names that entry whole ("U-Boot" is not
"Atom-U-Boot"), a word found only in an entry's text counts about half. Intents, small talk
and whole phrases then raise their targets; the best scores fall into one of four bands.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from bot.search.analysis import analyze, is_weak, stem
from bot.search.index import FieldKind, Index
from bot.search.results import Decision, Match
from bot.search.worry import WorryFinder

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
# A word at least this common in German is taken as written, never as a typo of another.
COMMON_WORD_ZIPF = 4.0

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
    personal: bool = False
    name_like: NameTest | None = None


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
    names_an_entry = any(
        value >= SUGGEST_THRESHOLD and index.targets[doc].is_entry
        for doc, value in found.scores.items()
    )
    kind = worries.find(question.folded, len(question.content), names_an_entry)
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
    named = found.named
    widest = [
        doc for doc, spots in named.items() if not any(spots < other for other in named.values())
    ]
    if len({named[doc] for doc in widest}) != 1:
        return
    doc = min(widest)
    spots = named[doc]
    rest = tuple(p for p in range(len(words)) if p not in spots)
    if _names_more(found, doc, rest, index) or _explained_better(found, doc, words, index):
        return
    for position in rest:
        word = words[position]
        # Known words and the parts of a split compound are never names of their own.
        if word.alternatives or word.names_only or name_like is None:
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


def lower_articles(scores: dict[int, float], index: Index) -> None:
    """A question asking what a word means wants the glossary, not an article about it."""
    for doc in scores:
        if index.targets[doc].kind == "article":
            scores[doc] *= DEFINITION_ARTICLE_FACTOR


def _names_more(found: Candidates, subject: int, rest: Sequence[int], index: Index) -> bool:
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


def _explained_better(
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
    return any(
        other != subject
        and index.targets[other].is_entry
        and value >= SUGGEST_THRESHOLD
        and explained(other) > own
        for other, value in found.scores.items()
    )


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


def field_quality(kind: FieldKind, coverage: float) -> float:
    """How well a field explains the words it shares with a question, by how much is covered."""
    if kind == "question":
        return FIELD_WEIGHTS["question"] * (QUESTION_BASE + (1 - QUESTION_BASE) * coverage)
    return FIELD_WEIGHTS[kind] * coverage


def entry_scores(words: Sequence[QueryWord], index: Index) -> Candidates:
    """Per target: the weighted share of the question that its best fields explain."""
    total = sum(w.weight for w in words)
    if total == 0:
        return Candidates({}, {}, {})
    # Per instance: how many characters of it the question covers, and by which words.
    covered: dict[int, float] = defaultdict(float)
    covering: dict[int, set[int]] = defaultdict(set)
    # Per document and question word: the best field that explains the word, and its kind.
    explained: dict[int, dict[int, tuple[float, str]]] = defaultdict(dict)
    for position, word in enumerate(words):
        for stem_, similarity in word.alternatives:
            for instance, length in index.postings.get(stem_, ()):
                covered[instance] += length
                covering[instance].add(position)
            docs = () if word.names_only else index.text_postings.get(stem_, ())
            if len(docs) > COMMON_TEXT_POSTINGS:
                continue
            for doc, weight in docs:
                slots = explained[doc]
                value = similarity * weight
                if value > slots.get(position, (0.0, ""))[0]:
                    slots[position] = (
                        value,
                        "summary" if weight >= FIELD_WEIGHTS["summary"] else "text",
                    )
    instance_quality: dict[int, float] = {}
    named: dict[int, frozenset[int]] = {}
    for instance, chars in covered.items():
        info = index.instances[instance]
        coverage = min(1.0, chars / info.length)
        instance_quality[instance] = field_quality(info.kind, coverage)
        if info.kind == "name" and coverage >= NAMED_WHOLE:
            spots = frozenset(covering[instance])
            if all(s in spots for s in named.get(info.doc, frozenset())):
                named[info.doc] = spots
    linked: dict[int, set[int]] = defaultdict(set)
    for position, word in enumerate(words):
        for stem_, similarity in word.alternatives:
            for instance, _ in index.postings.get(stem_, ()):
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
    return Candidates(scores, dict(explained), named)


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
