"""The search index over the knowledge and the matcher that ranks answers for a question.

The index is built once. A question is folded and stemmed with the same normalisation as the
knowledge, each word is looked up in the vocabulary (exactly, as part of a compound, or with
one typo through a deletion index), and only the entries that share a word with the question
are scored. An entry's score says how much of the question it explains and how well: a word
found in a name counts fully only when the question names that entry whole ("U-Boot" is not
"Atom-U-Boot"), a word found only in an entry's text counts half.
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from rapidfuzz import fuzz, process
from rapidfuzz.distance import DamerauLevenshtein

from bot.knowledge.load import KnowledgeBase
from bot.search.analysis import analyze, fold, is_weak, stem

FieldKind = Literal["name", "keyword", "related", "question", "summary", "text"]

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
_QUESTION_BASE = 0.3

ANSWER_THRESHOLD = 0.65
SUGGEST_THRESHOLD = 0.45
AMBIGUITY_MARGIN = 0.06
PHRASE_RATIO = 80.0
PHRASE_WORD_RATIO = 85.0
WEAK_WEIGHT = 0.15
SHORT_UNKNOWN_WEIGHT = 0.5
TYPO_SIMILARITY = {1: 0.85, 2: 0.75}
MIN_TYPO_LENGTH = 5
LONG_TYPO_LENGTH = 8
COMFORT_PRIORITY = 0.6
TRIGGER_SCORE = 0.8
PARTICIPLE_SIMILARITY = 0.9
SUBSET_PHRASE_SCORE = 0.85
# An article that links two or more of the entities a question names is what the question
# is about ("Warum trifft Putin Kim?"); a question asking what a word means is not.
ARTICLE_LINK_BONUS = 1.15
DEFINITION_ARTICLE_FACTOR = 0.85
DEFINITION_MARKERS = frozenset({"heisst", "bedeutet", "bedeutung", "definition", "erklaer"})
MAX_JOIN = 4
# Longer "words" are keyboard mashing, not German compounds: unknown, without a typo search.
MAX_WORD = 40
COMMON_TEXT_POSTINGS = 5000

TargetKind = Literal[
    "article", "term", "source", "news", "help", "sources", "more", "comfort", "smalltalk"
]


@dataclass(frozen=True, slots=True)
class Target:
    """Something the matcher can answer with: an entry, an intent or a small-talk pattern."""

    kind: TargetKind
    key: str
    title: str


@dataclass(frozen=True, slots=True)
class Match:
    """A ranked candidate answer; score is between 0 and 1."""

    target: Target
    score: float


@dataclass(frozen=True, slots=True)
class Result:
    """The matcher's verdict on one question."""

    matches: tuple[Match, ...]
    decision: Literal["answer", "ambiguous", "unsure", "none"]

    @property
    def best(self) -> Match | None:
        """The highest-ranked candidate, if any."""
        return self.matches[0] if self.matches else None


@dataclass(slots=True)
class _Instance:
    doc: int
    kind: FieldKind
    length: int


@dataclass(slots=True)
class _QueryWord:
    alternatives: list[tuple[str, float]]
    weight: float
    names_only: bool = False


@dataclass
class Index:
    """Inverted index from stems to the entries and fields that contain them."""

    targets: list[Target] = field(default_factory=list)
    instances: list[_Instance] = field(default_factory=list)
    postings: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    text_postings: dict[str, list[tuple[int, float]]] = field(default_factory=dict)
    joined: set[str] = field(default_factory=set)
    surface: dict[str, str] = field(default_factory=dict)
    deletions: DeletionIndex = field(default_factory=lambda: DeletionIndex(()))
    phrases: list[str] = field(default_factory=list)
    phrase_targets: list[int] = field(default_factory=list)
    comfort_target: int = -1
    # Per intent: word sets that, all present in a message, always mean that intent.
    triggers: dict[int, tuple[frozenset[str], ...]] = field(default_factory=dict)
    # Per small-talk pattern: triggers that count only when no entry is named at all.
    talk_triggers: dict[int, tuple[frozenset[str], ...]] = field(default_factory=dict)
    canon: dict[str, str] = field(default_factory=dict)
    related_of: dict[int, int] = field(default_factory=dict)

    def trigger_sets(self, triggers: Iterable[str]) -> tuple[frozenset[str], ...]:
        """Each trigger as the set of index keys that must all be in a message."""
        return tuple(
            frozenset(self.key(word) for word in fold(trigger).split())
            for trigger in triggers
            if fold(trigger)
        )

    def key(self, word: str) -> str:
        """The index key of a folded word: its stem, or the stem its synonym group uses."""
        stem_ = stem(word)
        return self.canon.get(stem_, stem_)

    @classmethod
    def build(cls, kb: KnowledgeBase) -> Index:
        """Index every entry, intent and small-talk pattern of the knowledge once."""
        index = cls()
        for group in kb.texts.synonyms:
            words = [fold(word).replace(" ", "") for word in group]
            first = stem(words[0])
            for word in words:
                index.canon[stem(word)] = first
        postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        text_postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        builder = _Builder(index, postings, text_postings)
        term_names = {t.name: (t.name, *t.aliases) for t in kb.terms}
        for article in kb.articles:
            doc = builder.target("article", article.ref, article.title)
            builder.instance(doc, "question", article.title)
            builder.instances(doc, "question", article.questions)
            builder.instances(doc, "keyword", article.keywords)
            for position, name in enumerate(article.terms):
                start = len(index.instances)
                builder.instances(doc, "related", term_names.get(name, ()))
                for instance in range(start, len(index.instances)):
                    index.related_of[instance] = position
            builder.text(
                doc, {"summary": [article.summary], "text": [article.details, *article.points]}
            )
        for term in kb.terms:
            doc = builder.target("term", term.ref, term.name)
            builder.instances(doc, "name", (term.name, *term.aliases))
            builder.instances(doc, "question", term.questions)
            builder.text(doc, {"summary": [term.short], "text": [term.more or ""]})
        for source in kb.sources:
            doc = builder.target("source", source.ref, source.name)
            builder.instances(doc, "name", (source.name, source.full_name, *source.aliases))
            builder.instances(doc, "question", source.questions)
            builder.text(
                doc, {"summary": [source.short, source.source_kind], "text": [source.more or ""]}
            )
        for name, intent in kb.texts.intents.items():
            kind: TargetKind = name  # type: ignore[assignment]
            doc = builder.target(kind, name, name)
            if name != "comfort":
                # Comfort comes before every topic, so a single shared word must not trigger
                # it: worry is recognised by its triggers and by whole phrases only.
                builder.instances(doc, "question", intent.phrases)
            builder.phrases(doc, intent.phrases)
            if name == "comfort":
                index.comfort_target = doc
            index.triggers[doc] = index.trigger_sets(intent.words)
        for talk in kb.texts.smalltalk:
            # Small talk is made of the words the matcher otherwise ignores ("wie geht es"),
            # so it is recognised only by comparing whole messages.
            doc = builder.target("smalltalk", talk.name, talk.name)
            builder.phrases(doc, talk.phrases)
            index.talk_triggers[doc] = index.trigger_sets(talk.words)
        index.postings = dict(postings)
        index.text_postings = dict(text_postings)
        index._build_deletions()
        return index

    def _build_deletions(self) -> None:
        self.deletions = DeletionIndex(w for w in self.surface if len(w) >= MIN_TYPO_LENGTH)

    # ---- query side -------------------------------------------------------------------

    def known(self, stem_: str) -> bool:
        """True if the stem occurs anywhere in the knowledge."""
        return stem_ in self.postings or stem_ in self.text_postings

    def _typo(self, word: str) -> tuple[str, int] | None:
        """The closest known word one typo away (two for long words) and its distance."""
        if len(word) < MIN_TYPO_LENGTH:
            return None
        allowed = 2 if len(word) >= LONG_TYPO_LENGTH else 1
        candidates: set[str] = set()
        for variant in (word, *_deletions(word)):
            candidates.update(self.deletions.get(variant))
            if variant in self.surface:
                candidates.add(variant)
        best: str | None = None
        best_distance = allowed + 1
        for candidate in sorted(candidates):
            distance = DamerauLevenshtein.distance(word, candidate, score_cutoff=allowed)
            if distance < best_distance:
                best, best_distance = candidate, distance
        return (best, best_distance) if best is not None else None

    def _resolve(self, word: str) -> list[tuple[str, float]]:
        """The stems a question word may stand for, with how sure we are of each."""
        key = self.key(word)
        if self.known(key):
            return [(key, 1.0)]
        corrected = self._typo(word)
        if corrected is not None:
            known, distance = corrected
            return [(self.surface[known], TYPO_SIMILARITY[distance])]
        # A participle the knowledge writes in another form: gekauft -> kauft(e).
        if word.startswith("ge") and len(word) >= 6:
            key = self.key(word[2:])
            if self.known(key):
                return [(key, PARTICIPLE_SIMILARITY)]
        return []

    def _split(self, word: str) -> list[str] | None:
        """Split an unknown compound at the longest known head: atombombe -> atom + bombe."""
        for cut in range(len(word) - 3, 3, -1):
            head, rest = word[:cut], word[cut:]
            if self.known(self.key(head)) or head in self.surface:
                return [head, rest]
        return None

    def _words(self, question: str) -> list[_QueryWord]:
        content = list(analyze(question, limit=True).content)
        words: list[_QueryWord] = []
        i = 0
        while i < len(content):
            taken = 1
            for n in range(min(MAX_JOIN, len(content) - i), 1, -1):
                joined = self._join(content[i : i + n])
                if joined is not None:
                    words.append(joined)
                    taken = n
                    break
            else:
                words.extend(self._word(content[i]))
            i += taken
        return words

    def _join(self, parts: Sequence[str]) -> _QueryWord | None:
        """Words written apart that the knowledge writes as one: "getreide abkommen"."""
        text = "".join(parts)
        if len(text) > MAX_WORD:
            return None
        key = self.key(text)
        if key in self.postings:
            return _QueryWord([(key, 1.0)], 1.0)
        if len(text) < LONG_TYPO_LENGTH or all(self.known(self.key(p)) for p in parts):
            return None
        corrected = self._typo(text)
        if corrected is None or self.surface[corrected[0]] not in self.postings:
            return None
        return _QueryWord([(self.surface[corrected[0]], TYPO_SIMILARITY[corrected[1]])], 1.0)

    def _word(self, word: str) -> list[_QueryWord]:
        if len(word) > MAX_WORD:
            return [_QueryWord([], 1.0)]
        alternatives = self._resolve(word)
        if alternatives or len(word) < 7:
            return [_QueryWord(alternatives, _weight(word, bool(alternatives)))]
        parts = self._split(word)
        if parts is None:
            return [_QueryWord([], _weight(word, False))]
        # A split is a guess ("Militärzeit" is not about the military): its parts count only
        # where an entry names them, not where some text happens to use them.
        words = []
        for part in parts:
            resolved = self._resolve(part)
            words.append(_QueryWord(resolved, _weight(part, bool(resolved)), names_only=True))
        return words

    def match(self, question: str, limit: int = 5) -> Result:
        """Rank the knowledge for a question and decide whether to answer."""
        folded = fold(question[:400])
        words = self._words(question)
        scores = self._score(words)
        if DEFINITION_MARKERS & set(folded.split()):
            for doc in scores:
                if self.targets[doc].kind == "article":
                    scores[doc] *= DEFINITION_ARTICLE_FACTOR
        keys = {self.key(word) for word in folded.split()}
        triggered = [
            doc
            for doc, triggers in self.triggers.items()
            if any(trigger <= keys for trigger in triggers)
        ]
        for doc in triggered:
            # Worry always comes first; other intents compete with the entries, and a
            # triggered intent wins over intents that only share a word ("von wem ... infos").
            floor = 1.0 if doc == self.comfort_target else TRIGGER_SCORE
            scores[doc] = max(scores.get(doc, 0.0), floor)
        if triggered:
            for doc in self.triggers:
                if doc not in triggered and doc in scores:
                    scores[doc] = min(scores[doc], TRIGGER_SCORE - AMBIGUITY_MARGIN)
        named = any(
            score >= SUGGEST_THRESHOLD and _is_entry(self.targets[doc])
            for doc, score in scores.items()
        )
        for doc, triggers in self.talk_triggers.items():
            # "du bist doof und dumm" is an insult; "Ist Putin dumm?" asks about Putin.
            if not named and any(trigger <= keys for trigger in triggers):
                scores[doc] = max(scores.get(doc, 0.0), TRIGGER_SCORE)
        for doc, score in self._phrase_scores(folded).items():
            scores[doc] = max(scores.get(doc, 0.0), score)
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:limit]
        matches = tuple(Match(self.targets[doc], round(score, 4)) for doc, score in ranked)
        return Result(matches, _decide(matches, self.comfort_target, self.targets))

    def _phrase_scores(self, folded: str) -> dict[int, float]:
        """Short messages compared whole with intent and small-talk phrases ("Wer bist du?")."""
        if not folded or len(folded.split()) > 6 or not self.phrases:
            return {}
        found = process.extract(
            folded, self.phrases, scorer=fuzz.ratio, score_cutoff=PHRASE_RATIO, limit=5
        )
        content = analyze(folded).content
        result: dict[int, float] = {}
        # A phrase whose words are all in the message, when the message says nothing else
        # of substance: "hi bot", "danke fuer die erklaerung".
        message = set(folded.split())
        for phrase, doc in zip(self.phrases, self.phrase_targets, strict=True):
            words = phrase.split()
            if set(words) <= message and all(_word_in(word, words) for word in content):
                result[doc] = max(result.get(doc, 0.0), SUBSET_PHRASE_SCORE)
        for phrase, ratio, position in found:
            # Every topic word of the message must be in the phrase: "wie spaet ist es"
            # is not "wie geht es".
            phrase_words = phrase.split()
            if any(not _word_in(word, phrase_words) for word in content):
                continue
            doc = self.phrase_targets[position]
            result[doc] = max(result.get(doc, 0.0), ratio / 100.0)
        return result

    def _score(self, words: Sequence[_QueryWord]) -> dict[int, float]:
        total = sum(w.weight for w in words)
        if total == 0:
            return {}
        # Per instance: how many characters of it the question covers.
        covered: dict[int, float] = defaultdict(float)
        text_hits: dict[int, dict[int, float]] = defaultdict(dict)
        for position, word in enumerate(words):
            for stem_, similarity in word.alternatives:
                for instance, length in self.postings.get(stem_, ()):
                    covered[instance] += length
                docs = () if word.names_only else self.text_postings.get(stem_, ())
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
            info = self.instances[instance]
            coverage = min(1.0, chars / info.length)
            if info.kind == "question":
                quality = FIELD_WEIGHTS["question"] * (
                    _QUESTION_BASE + (1 - _QUESTION_BASE) * coverage
                )
            else:
                quality = FIELD_WEIGHTS[info.kind] * coverage
            instance_quality[instance] = quality
        linked: dict[int, set[int]] = defaultdict(set)
        for position, word in enumerate(words):
            for stem_, similarity in word.alternatives:
                for instance, _ in self.postings.get(stem_, ()):
                    doc = self.instances[instance].doc
                    value = instance_quality[instance] * similarity
                    slots = explained[doc]
                    if value > slots.get(position, 0.0):
                        slots[position] = value
                    if instance in self.related_of and instance_quality[instance] >= 0.5:
                        linked[doc].add(self.related_of[instance])
        scores = {}
        for doc, slots in explained.items():
            score = sum(words[p].weight * v for p, v in slots.items()) / total
            if len(linked.get(doc, ())) >= 2:
                score = min(1.0, score * ARTICLE_LINK_BONUS)
            scores[doc] = score
        return scores


def _decide(
    matches: Sequence[Match], comfort: int, targets: Sequence[Target]
) -> Literal["answer", "ambiguous", "unsure", "none"]:
    if not matches or matches[0].score < SUGGEST_THRESHOLD:
        return "none"
    best = matches[0]
    if comfort >= 0 and best.target is targets[comfort] and best.score >= COMFORT_PRIORITY:
        return "answer"
    if best.score < ANSWER_THRESHOLD:
        return "unsure"
    if len(matches) > 1 and _is_entry(best.target) and _is_entry(matches[1].target):
        second = matches[1]
        if second.score >= ANSWER_THRESHOLD and best.score - second.score < AMBIGUITY_MARGIN:
            return "ambiguous"
    return "answer"


def _is_entry(target: Target) -> bool:
    return target.kind in ("article", "term", "source")


def _word_in(word: str, words: Sequence[str]) -> bool:
    """True if word is one of words, allowing a small typo in longer words."""
    if len(word) <= 3:
        return word in words
    return (
        process.extractOne(word, words, scorer=fuzz.ratio, score_cutoff=PHRASE_WORD_RATIO)
        is not None
    )


def _weight(word: str, known: bool) -> float:
    """How much a question word counts: topic words fully, weak words and short unknowns less."""
    if is_weak(word):
        return WEAK_WEIGHT
    if not known and len(word) <= 2:
        return SHORT_UNKNOWN_WEIGHT
    return 1.0


def _deletions(word: str) -> Iterable[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _is_deletion(variant: str, word: str) -> bool:
    """True if variant is word with one letter left out."""
    if len(word) != len(variant) + 1:
        return False
    i = 0
    while i < len(variant) and variant[i] == word[i]:
        i += 1
    return variant[i:] == word[i + 1 :]


class DeletionIndex:
    """The known words by their one-letter deletions, for the typo search.

    A dict of sets took about 300 bytes per deletion, 1.2 GB at 100,000 entries. Here each
    (deletion, word) pair is one 64-bit slot of an open-addressing table: 39 bits of the
    deletion's hash above the word's number. Every hit is checked against the word, so
    get() returns exactly the words a dict of sets would.
    """

    _ID_BITS = 24
    _ID_MASK = (1 << _ID_BITS) - 1
    _TAG_MASK = (1 << 39) - 1
    _LOAD = 0.6

    def __init__(self, words: Iterable[str]) -> None:
        self.words = list(words)
        if len(self.words) > self._ID_MASK:
            raise ValueError("too many words for the typo index")
        self.size = max(8, int(sum(len(w) for w in self.words) / self._LOAD) + 1)
        table = array("q", bytes(8 * self.size))
        size, tags = self.size, self._TAG_MASK
        for number, word in enumerate(self.words, 1):
            for variant in _deletions(word):
                code = hash(variant)
                slot = code % size
                while table[slot]:
                    slot = slot + 1 if slot + 1 < size else 0
                table[slot] = ((code >> self._ID_BITS) & tags) << self._ID_BITS | number
        self.table = table

    def get(self, variant: str) -> list[str]:
        """The known words that variant is a one-letter deletion of."""
        code = hash(variant)
        tag = (code >> self._ID_BITS) & self._TAG_MASK
        size, table = self.size, self.table
        slot = code % size
        found = []
        while entry := table[slot]:
            if entry >> self._ID_BITS == tag:
                word = self.words[(entry & self._ID_MASK) - 1]
                if _is_deletion(variant, word):
                    found.append(word)
            slot = slot + 1 if slot + 1 < size else 0
        return found

    def __len__(self) -> int:
        """How many words are indexed."""
        return len(self.words)


@dataclass
class _Builder:
    index: Index
    postings: dict[str, list[tuple[int, int]]]
    text_postings: dict[str, list[tuple[int, float]]]
    names: dict[int, set[str]] = field(default_factory=dict)

    def target(self, kind: TargetKind, key: str, title: str) -> int:
        self.index.targets.append(Target(kind, key, title))
        return len(self.index.targets) - 1

    def instances(self, doc: int, kind: FieldKind, texts: Iterable[str]) -> None:
        for text in texts:
            self.instance(doc, kind, text)

    def instance(self, doc: int, kind: FieldKind, text: str) -> None:
        content = analyze(text).content
        if not content:
            return
        stems = [self.index.key(word) for word in content]
        instance = len(self.index.instances)
        self.index.instances.append(_Instance(doc, kind, sum(len(s) for s in stems)))
        seen: dict[str, int] = {}
        for word, stem_ in zip(content, stems, strict=True):
            self.index.surface.setdefault(word, stem_)
            seen[stem_] = len(stem_)
        # Names written apart or together: atom u boot, atomuboot, uboot.
        for start in range(len(content) if kind != "question" else 0):
            for end in range(start + 2, min(len(content), start + MAX_JOIN) + 1):
                joined = self.index.key("".join(content[start:end]))
                seen[joined] = sum(len(s) for s in stems[start:end])
                self.index.joined.add(joined)
                self.index.surface.setdefault("".join(content[start:end]), joined)
        for stem_, length in seen.items():
            self.postings[stem_].append((instance, length))
        if kind == "name":
            self.names.setdefault(doc, set()).update(seen)

    def text(self, doc: int, fields: dict[FieldKind, list[str]]) -> None:
        # The entry's own name in its text says nothing new: "Atom" must not find
        # "Atom-U-Boot" through its text when the name itself covers it only in part.
        own = self.names.get(doc, set())
        best: dict[str, float] = {}
        for kind, texts in fields.items():
            weight = FIELD_WEIGHTS[kind]
            for text in texts:
                for word in analyze(text).content:
                    stem_ = self.index.key(word)
                    self.index.surface.setdefault(word, stem_)
                    if stem_ not in own:
                        best[stem_] = max(best.get(stem_, 0.0), weight)
        for stem_, weight in best.items():
            self.text_postings[stem_].append((doc, weight))

    def phrases(self, doc: int, phrases: Iterable[str]) -> None:
        for phrase in phrases:
            folded = fold(phrase)
            if folded:
                self.index.phrases.append(folded)
                self.index.phrase_targets.append(doc)
