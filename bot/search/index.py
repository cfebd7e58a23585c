"""The inverted index over the knowledge: targets, their fields, postings, compounds, surfaces.

Built once from a KnowledgeBase. Every entry, intent and small-talk pattern becomes a target;
each name, alias, keyword and example question of a target becomes an instance (a field)
whose words, stemmed with the one analysis, point back to it in the postings. Names are also
indexed with their words joined ("atom u boot", "atomuboot", "uboot"). An entry's summary
and text go into separate text postings that carry the weight of the best field a word is
in. The surface forms (folded words as written) feed the typo table.

Postings are stored as one typed array of packed integers per stem (8 bytes a posting
instead of a tuple of two objects, about 64): a name posting is
`instance << LENGTH_BITS | length`, a text posting `doc << WEIGHT_BITS | code`, where code
is the weight's position in `Index.weights`. The hot loops of scoring decode them with these
shifts and masks; pack_postings and the other three methods convert to and from pairs.
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal, TypeAlias

from bot.knowledge.base import KnowledgeBase
from bot.models import Article, Entry, Term
from bot.search.analysis import INFLECTIONS, analyze, fold, stem
from bot.search.results import Target, TargetKind

FieldKind = Literal[
    "name", "describer", "pointer", "keyword", "related", "question", "summary", "text"
]

# One stem's postings: packed integers in an array("q") (signed 64 bits).
Postings: TypeAlias = "array[int]"
TYPECODE = "q"
# A name posting: instance << LENGTH_BITS | stem chars covered.
LENGTH_BITS = 16
LENGTH_MASK = (1 << LENGTH_BITS) - 1
MAX_INSTANCE = (1 << (63 - LENGTH_BITS)) - 1
# A text posting: doc << WEIGHT_BITS | the weight's position in Index.weights.
WEIGHT_BITS = 3
WEIGHT_MASK = (1 << WEIGHT_BITS) - 1
MAX_DOC = (1 << (63 - WEIGHT_BITS)) - 1


def describes(name: str) -> bool:
    """True for a name written as one lowercase word: an adjective or a verb ("russisch",
    "wählen") that describes its entry rather than naming it."""
    return " " not in name.strip() and name[:1].islower()


@dataclass(slots=True)
class Instance:
    """One field of a target (a name, an alias, an example question): its length in stem chars."""

    doc: int
    kind: FieldKind
    length: int


@dataclass
class Index:
    """Inverted index from stems to the entries and fields that contain them."""

    targets: list[Target] = field(default_factory=list)
    instances: list[Instance] = field(default_factory=list)
    # Per stem: the instances that hold it, each with how many stem characters it covers
    # (packed: see pack_postings).
    postings: dict[str, Postings] = field(default_factory=dict)
    # Per stem: the targets whose summary or text holds it, with that field's weight
    # (packed: see pack_text_postings).
    text_postings: dict[str, Postings] = field(default_factory=dict)
    # The distinct field weights in ascending order; a text posting holds a position here.
    weights: tuple[float, ...] = ()
    joined: set[str] = field(default_factory=set)
    # Every folded word of the knowledge as written, with its index key.
    surface: dict[str, str] = field(default_factory=dict)
    phrases: list[str] = field(default_factory=list)
    phrase_targets: list[int] = field(default_factory=list)
    # Per phrase its words; per word the phrases that hold it (for the subset test).
    phrase_words: list[tuple[str, ...]] = field(default_factory=list)
    phrases_with: dict[str, list[int]] = field(default_factory=dict)
    # Per kind of worry (bot.yaml, worries): its comfort target.
    worry_targets: dict[str, int] = field(default_factory=dict)
    # Per intent: word sets that, all present in a message, always mean that intent.
    triggers: dict[int, tuple[frozenset[str], ...]] = field(default_factory=dict)
    # Per small-talk pattern: triggers that count only when no entry is named at all.
    talk_triggers: dict[int, tuple[frozenset[str], ...]] = field(default_factory=dict)
    # Synonyms: every listed form (and its regular inflections) -> the key of its group.
    canon: dict[str, str] = field(default_factory=dict)
    related_of: dict[int, int] = field(default_factory=dict)
    # Per pointer instance (a term's related word): the word as the moderator wrote it.
    pointer_words: dict[int, str] = field(default_factory=dict)

    def trigger_sets(self, triggers: Iterable[str]) -> tuple[frozenset[str], ...]:
        """Each trigger as the set of index keys that must all be in a message."""
        return tuple(
            frozenset(self.key(word) for word in fold(trigger).split())
            for trigger in triggers
            if fold(trigger)
        )

    def key(self, word: str) -> str:
        """The index key of a folded word: its synonym group's key if a moderator listed this
        form, else its stem ("gefährlich" is not "gefahren", though the two share a stem)."""
        return self.canon.get(word) or stem(word)

    def known(self, stem_: str) -> bool:
        """True if the stem occurs anywhere in the knowledge."""
        return stem_ in self.postings or stem_ in self.text_postings

    @staticmethod
    def pack_postings(pairs: Iterable[tuple[int, int]]) -> Postings:
        """One stem's (instance, stem chars covered) pairs as stored in postings."""
        return array(TYPECODE, [posting(instance, length) for instance, length in pairs])

    @staticmethod
    def unpack_postings(stored: Postings) -> list[tuple[int, int]]:
        """The (instance, stem chars covered) pairs of one stem's stored postings."""
        return [(packed >> LENGTH_BITS, packed & LENGTH_MASK) for packed in stored]

    def pack_text_postings(self, pairs: Iterable[tuple[int, float]]) -> Postings:
        """One stem's (target, field weight) pairs as stored in text_postings; the weight
        must be one of the field weights the index was built with."""
        codes = {weight: code for code, weight in enumerate(self.weights)}
        packed = []
        for doc, weight in pairs:
            if weight not in codes:
                raise ValueError(
                    f"text posting ({doc}, {weight}) does not fit: the weight must be one"
                    f" of {self.weights}"
                )
            packed.append(text_posting(doc, codes[weight]))
        return array(TYPECODE, packed)

    def unpack_text_postings(self, stored: Postings) -> list[tuple[int, float]]:
        """The (target, field weight) pairs of one stem's stored text postings."""
        weights = self.weights
        return [(packed >> WEIGHT_BITS, weights[packed & WEIGHT_MASK]) for packed in stored]

    @classmethod
    def build(
        cls, kb: KnowledgeBase, field_weights: Mapping[FieldKind, float], max_join: int
    ) -> Index:
        """Index every entry, intent and small-talk pattern of the knowledge once.

        field_weights gives the text postings their weight; names are joined up to max_join
        words. The matcher passes scoring's values, so that index and query agree.
        """
        index = cls(weights=weight_table(field_weights))
        for group in kb.texts.synonyms:
            words = [fold(word).replace(" ", "") for word in group]
            first = stem(words[0])
            for word in words:
                for ending in INFLECTIONS:
                    index.canon.setdefault(word + ending, first)
            for word in words:  # a listed form wins over another word's inflection
                index.canon[word] = first
        # Packed as they come: lists of pairs for the whole knowledge would set the peak.
        postings: dict[str, Postings] = defaultdict(new_postings)
        text_postings: dict[str, Postings] = defaultdict(new_postings)
        builder = Builder(index, postings, text_postings, field_weights, max_join)
        names = term_names(kb.terms)
        for entry in kb.entries():
            builder.entry(entry, names)
        for name, intent in kb.texts.intents.items():
            kind: TargetKind = name  # type: ignore[assignment]
            doc = builder.target(kind, name, name)
            builder.instances(doc, "question", intent.phrases)
            builder.phrases(doc, intent.phrases)
            index.triggers[doc] = index.trigger_sets(intent.words)
        for worry in kb.texts.worries.kinds:
            # Comfort comes before every topic, so a single shared word must not trigger it:
            # worry is recognised by its words in the right company and by whole phrases.
            doc = builder.target("comfort", worry.name, worry.name)
            builder.phrases(doc, worry.phrases)
            index.worry_targets[worry.name] = doc
        for talk in kb.texts.smalltalk:
            # Small talk is made of the words the matcher otherwise ignores ("wie geht es"),
            # so it is recognised only by comparing whole messages.
            doc = builder.target("smalltalk", talk.name, talk.name)
            builder.phrases(doc, talk.phrases)
            index.talk_triggers[doc] = index.trigger_sets(talk.words)
        index.postings = dict(postings)
        index.text_postings = dict(text_postings)
        return index


def term_names(terms: Iterable[Term]) -> dict[str, tuple[str, ...]]:
    """Per term, the names an article's list of terms links it by: its name and aliases, not
    the adjectives or verbs that describe it ("russisch" is not Russland)."""
    return {t.name: tuple(n for n in (t.name, *t.aliases) if not describes(n)) for t in terms}


def posting(instance: int, length: int) -> int:
    """One name posting as stored: instance << LENGTH_BITS | length; ValueError if either
    does not fit."""
    if not (0 <= instance <= MAX_INSTANCE and 0 <= length <= LENGTH_MASK):
        raise ValueError(
            f"posting ({instance}, {length}) does not fit: the instance must be"
            f" 0..{MAX_INSTANCE}, the length 0..{LENGTH_MASK}"
        )
    return instance << LENGTH_BITS | length


def text_posting(doc: int, code: int) -> int:
    """One text posting as stored: doc << WEIGHT_BITS | code, code being the weight's
    position in Index.weights; ValueError if either does not fit."""
    if not (0 <= doc <= MAX_DOC and 0 <= code <= WEIGHT_MASK):
        raise ValueError(
            f"text posting ({doc}, weight code {code}) does not fit: the target must be"
            f" 0..{MAX_DOC}, the code 0..{WEIGHT_MASK}"
        )
    return doc << WEIGHT_BITS | code


def new_postings() -> Postings:
    """An empty stem's postings."""
    return array(TYPECODE)


def weight_table(field_weights: Mapping[FieldKind, float]) -> tuple[float, ...]:
    """The distinct field weights in ascending order, as many as a text posting can name."""
    weights = tuple(sorted(set(field_weights.values())))
    if len(weights) > WEIGHT_MASK + 1:
        raise ValueError(
            f"{len(weights)} distinct field weights: a text posting can name {WEIGHT_MASK + 1}"
        )
    return weights


@dataclass
class Builder:
    """Adds targets and their fields to an index (Index.build, and bot/search/update.py)."""

    index: Index
    postings: dict[str, Postings]
    text_postings: dict[str, Postings]
    field_weights: Mapping[FieldKind, float]
    max_join: int
    own: dict[int, set[str]] = field(default_factory=dict)
    codes: dict[float, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.codes = {weight: code for code, weight in enumerate(self.index.weights)}

    def target(self, kind: TargetKind, key: str, title: str) -> int:
        self.index.targets.append(Target(kind, key, title))
        return len(self.index.targets) - 1

    def entry(self, entry: Entry, term_names: Mapping[str, tuple[str, ...]]) -> int:
        """Index an article, a term or a source; term_names: see term_names()."""
        index = self.index
        if isinstance(entry, Article):
            doc = self.target("article", entry.ref, entry.title)
            self.instance(doc, "question", entry.title)
            self.instances(doc, "question", entry.questions)
            self.instances(doc, "keyword", entry.keywords)
            for position, name in enumerate(entry.terms):
                start = len(index.instances)
                self.instances(doc, "related", term_names.get(name, ()))
                for instance in range(start, len(index.instances)):
                    index.related_of[instance] = position
            self.text(doc, {"summary": [entry.summary], "text": [entry.details, *entry.points]})
        elif isinstance(entry, Term):
            doc = self.target("term", entry.ref, entry.name)
            self.names(doc, (entry.name, *entry.aliases))
            for word in entry.related:
                index.pointer_words[len(index.instances)] = word
                self.instance(doc, "pointer", word)
            self.instances(doc, "question", entry.questions)
            self.text(doc, {"summary": [entry.short], "text": [entry.more or ""]})
        else:
            doc = self.target("source", entry.ref, entry.name)
            self.names(doc, (entry.name, entry.full_name, *entry.aliases))
            self.instances(doc, "question", entry.questions)
            self.text(
                doc, {"summary": [entry.short, entry.source_kind], "text": [entry.more or ""]}
            )
        return doc

    def instances(self, doc: int, kind: FieldKind, texts: Iterable[str]) -> None:
        for text in texts:
            self.instance(doc, kind, text)

    def names(self, doc: int, names: Iterable[str]) -> None:
        # A name written as one lowercase word is an adjective or a verb ("russisch",
        # "wählen"): it describes its entry rather than naming it.
        for name in names:
            self.instance(doc, "describer" if describes(name) else "name", name)

    def instance(self, doc: int, kind: FieldKind, text: str) -> None:
        content = analyze(text).content
        if not content:
            return
        stems = [self.index.key(word) for word in content]
        instance = len(self.index.instances)
        self.index.instances.append(Instance(doc, kind, sum(len(s) for s in stems)))
        seen: dict[str, int] = {}
        for word, stem_ in zip(content, stems, strict=True):
            self.index.surface.setdefault(word, stem_)
            seen[stem_] = len(stem_)
        # Names written apart or together: atom u boot, atomuboot, uboot.
        for start in range(len(content) if kind != "question" else 0):
            for end in range(start + 2, min(len(content), start + self.max_join) + 1):
                joined = self.index.key("".join(content[start:end]))
                seen[joined] = sum(len(s) for s in stems[start:end])
                self.index.joined.add(joined)
                self.index.surface.setdefault("".join(content[start:end]), joined)
        for stem_, length in seen.items():
            self.postings[stem_].append(posting(instance, length))
        if kind in ("name", "describer"):
            self.own.setdefault(doc, set()).update(seen)

    def text(self, doc: int, fields: dict[FieldKind, list[str]]) -> None:
        # The entry's own name in its text says nothing new: "Atom" must not find
        # "Atom-U-Boot" through its text when the name itself covers it only in part.
        own = self.own.get(doc, set())
        best: dict[str, float] = {}
        for kind, texts in fields.items():
            weight = self.field_weights[kind]
            for text in texts:
                for word in analyze(text).content:
                    stem_ = self.index.key(word)
                    self.index.surface.setdefault(word, stem_)
                    if stem_ not in own:
                        best[stem_] = max(best.get(stem_, 0.0), weight)
        for stem_, weight in best.items():
            self.text_postings[stem_].append(text_posting(doc, self.codes[weight]))

    def phrases(self, doc: int, phrases: Iterable[str]) -> None:
        for phrase in phrases:
            folded = fold(phrase)
            if folded:
                position = len(self.index.phrases)
                self.index.phrases.append(folded)
                self.index.phrase_targets.append(doc)
                self.index.phrase_words.append(tuple(folded.split()))
                for word in set(folded.split()):
                    self.index.phrases_with.setdefault(word, []).append(position)
