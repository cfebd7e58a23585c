"""Write synthetic knowledge of N entries in the real YAML format, and questions about it.

    python benchmarks/make_kb.py --entries N --out DIR [--seed S] [--questions Q]

DIR/knowledge/ is a knowledge folder that `newsbot check --kb DIR/knowledge` accepts: the
shipped knowledge (copied unchanged; its sources.yaml gets the synthetic sources appended),
glossary terms in glossary/*.yaml (500 per file), one file per article in articles/, all
named from German words of the wordfreq word list. N counts every entry, the shipped ones
included. DIR/questions.yaml holds questions drawn from the entries, with typos, inflection
and dropped umlauts injected, plus out-of-scope questions, in the format of
../shared/eval/questions.yaml (each item also says which `kind` of question it is).

The same seed and the same wordfreq version give the same files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import shutil
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import process
from rapidfuzz.distance import OSA
from wordfreq import top_n_list

from bot.knowledge.readers import slugify
from bot.search.analysis import STOPWORDS, WEAK_WORDS, fold, stem

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "knowledge"
SHARED_EVAL = ROOT.parent / "shared" / "eval" / "questions.yaml"

TERMS_PER_FILE = 500
WORDLIST_SIZE = 150_000
OUT_OF_SCOPE_SHARE = 0.2
MAX_TRIES = 50

_WORD = re.compile(r"[a-zäöüß]{4,14}")
_NOUN_SUFFIXES = (
    "ung",
    "heit",
    "keit",
    "schaft",
    "tion",
    "tät",
    "ismus",
    "nis",
    "tum",
    "ling",
    "ik",
    "ment",
    "enz",
    "anz",
    "ur",
)
# Endings of verbs, adjectives and inflected forms: such words make poor first halves of
# compound nouns ("Plaudernnylon").
_NOT_MODIFIER = (
    *("en", "ern", "eln", "isch", "lich", "ig", "ige", "ische", "liche", "st", "te"),
    *("gt", "ert", "iert", "zt"),
)
_ADJECTIVE_SUFFIXES = ("isch", "lich", "ig")
_TOPIC_HEADS = (
    "abkommen",
    "streit",
    "gipfel",
    "reform",
    "projekt",
    "skandal",
    "festival",
    "prozess",
    "verbot",
    "turnier",
    "urteil",
    "bündnis",
)
_SOURCE_FORMS = (
    ("{M}-Kurier", "{M}er Kurier", "Zeitung", "{M}kurier"),
    ("Radio {M}", "Radiosender {M}", "Sender", "{M}radio"),
    ("{M}-Bote", "Der {M}-Bote", "Zeitung", "{M}bote"),
    ("{M} TV", "Fernsehsender {M}", "Sender", "{M}-Fernsehen"),
    ("{M}presse", "{M}presse Agentur", "Nachrichtenagentur", "{M}-Presse"),
)

TERM_QUESTIONS = ("Was ist {n}?", "Was bedeutet {n}?", "Erklär mir {n}")
SOURCE_QUESTIONS = ("Was ist {n}?", "Wer steckt hinter {n}?")
ARTICLE_QUESTIONS = (
    "Was ist beim {t} passiert?",
    "Worum geht es beim {t}?",
    "Warum reden alle über das {t}?",
    "Wer macht beim {t} mit?",
    "Wie geht es mit dem {t} weiter?",
    "Was gibt es Neues zum {t}?",
)
ARTICLE_TITLES = (
    "Was ist beim {t} los?",
    "Streit um das {t}",
    "Alles Wichtige zum {t}",
    "Wie geht es weiter mit dem {t}?",
)
# Test questions: phrasings that differ from the example questions in the knowledge.
ASK_TERM = (
    "{x}",
    "{x}?",
    "was sind {x}",
    "Was heißt {x}?",
    "wer oder was ist {x}",
    "{x} einfach erklärt",
    "was genau ist {x}",
    "Was ist eigentlich {x}?",
    "kannst du mir {x} erklären",
    "Was versteht man unter {x}?",
    "ich verstehe {x} nicht",
    "Was hat es mit {x} auf sich?",
)
ASK_SOURCE = ("{x}", "was ist {x}", "Wer ist {x}?", "Was für ein Sender ist {x}?", "kennst du {x}")
ASK_ARTICLE = (
    "{x}",
    "was ist mit dem {x}",
    "was gibts neues beim {x}",
    "{x} was ist da los",
    "Was passiert beim {x}?",
)
ASK_UNKNOWN = (
    "Was ist {x}?",
    "Was sind {x}?",
    "Was bedeutet {x}?",
    "{x}",
    "Wer ist {x}?",
    "Was heißt {x}?",
    "erklär mir {x}",
)

SENTENCES = (
    "{N} ist ein Begriff aus dem Bereich {A}.",
    "Man spricht von {N}, wenn {A} und {B} zusammenkommen.",
    "Oft geht es dabei um {A}, {B} oder {C}.",
    "Viele Menschen kennen {N} aus dem Alltag, zum Beispiel bei der {A}.",
    "Fachleute verbinden {N} vor allem mit {A}.",
    "{N} hat viel mit {A} zu tun, aber wenig mit {B}.",
    "Seit {Y} wird in den Nachrichten immer wieder über {N} berichtet.",
    "Wichtig ist dabei die {A}.",
    "In Deutschland gibt es dafür eigene Regeln zur {A}.",
    "Kinder merken davon meist bei der {A} etwas.",
    "Ohne {A} gäbe es {N} so nicht.",
    "Manche finden {N} gut, andere sehen darin ein Problem für die {A}.",
)


def key(text: str) -> str:
    """How the matcher keys a name: folded, written together, stemmed."""
    return stem(fold(text).replace(" ", ""))


def plural(noun: str) -> str | None:
    """A plausible German plural of a noun, or None when it is the same word."""
    lower = noun.lower()
    if lower.endswith(("ung", "heit", "keit", "schaft", "tion", "tät", "enz", "anz", "ur", "ik")):
        return noun + "en"
    if lower.endswith("nis"):
        return noun + "se"
    if lower.endswith("ismus"):
        return noun[:-2] + "en"
    if lower.endswith("tum"):
        return noun[:-2] + "ümer"
    if lower.endswith("e"):
        return noun + "n"
    if lower.endswith(("er", "el", "en", "chen", "lein")):
        return None
    return noun + "e"


@dataclass
class Vocabulary:
    """German words from wordfreq, sorted into the roles they play in synthetic names."""

    modifiers: list[str]
    heads: list[str]
    adjectives: list[str]
    held_out: list[str]


def _read(path: Path) -> Any:
    with path.open(encoding="utf-8") as f:
        return yaml.load(f, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _strings(data: object) -> Iterator[str]:
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for k, v in data.items():
            yield str(k)
            yield from _strings(v)
    elif isinstance(data, list):
        for item in data:
            yield from _strings(item)


def reserved_stems() -> set[str]:
    """Stems no synthetic name may use: every word of the shipped knowledge and shared eval.

    Names built from them would change what the real questions mean ("Was ist Schnee?" is
    out of scope only while nothing is called "Schnee"); texts may still use them.
    """
    texts: list[str] = []
    for path in sorted(SHIPPED.rglob("*.yaml")):
        texts += _strings(_read(path))
    if SHARED_EVAL.exists():
        texts += _strings(_read(SHARED_EVAL))
    words = {w for text in texts for w in fold(text).split()}
    words |= STOPWORDS | WEAK_WORDS
    return {stem(w) for w in words} | words


def load_vocabulary(rng: random.Random, reserved: set[str]) -> Vocabulary:
    """Split the wordfreq German list into name parts and words kept out of the knowledge."""
    words = [w for w in top_n_list("de", WORDLIST_SIZE)[300:] if _WORD.fullmatch(w)]
    words = [w for w in words if fold(w) not in reserved and stem(fold(w)) not in reserved]
    rng.shuffle(words)
    cut = len(words) // 10
    held_out, known = words[:cut], words[cut:]
    modifiers = [w for w in known if 4 <= len(w) <= 9 and not w.endswith(_NOT_MODIFIER)]
    heads = [w for w in known if len(w) >= 5 and w.endswith(_NOUN_SUFFIXES)]
    adjectives = [w for w in known if len(w) >= 6 and w.endswith(_ADJECTIVE_SUFFIXES)]
    return Vocabulary(modifiers, heads, adjectives, held_out)


@dataclass
class Entry:
    """One synthetic or shipped entry as the question generator sees it."""

    kind: str  # term | source | article
    label: str  # what eval-score expects: the name, or the article id
    surfaces: list[str]  # name and aliases (articles: their topic words)


@dataclass
class Generator:
    """Builds entries whose names and aliases are distinct from each other and the shipped."""

    rng: random.Random
    vocab: Vocabulary
    taken: set[str] = field(default_factory=set)
    used_modifiers: set[str] = field(default_factory=set)
    term_names: list[str] = field(default_factory=list)
    source_names: list[str] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)

    def claim(self, names: Sequence[str]) -> bool:
        """Reserve the keys of names, or return False if any is taken already."""
        keys = {key(n) for n in names}
        if keys & self.taken or any(not k for k in keys):
            return False
        self.taken |= keys
        return True

    def sentence(self, name: str) -> str:
        """One sentence of an explanation about name."""
        template = self.rng.choice(SENTENCES)
        nouns = [self.rng.choice(self.vocab.heads).capitalize() for _ in range(3)]
        year = str(self.rng.randint(1950, 2024))
        return template.format(N=name, A=nouns[0], B=nouns[1], C=nouns[2], Y=year)

    def text(self, name: str, low: int, high: int) -> str:
        """A few sentences about name."""
        return " ".join(self.sentence(name) for _ in range(self.rng.randint(low, high)))

    def term(self) -> dict[str, object] | None:
        """A glossary term, or None when its names collide with existing ones."""
        rng = self.rng
        head = rng.choice(self.vocab.heads)
        if rng.random() < 0.7:
            modifier = rng.choice(self.vocab.modifiers)
            name = modifier.capitalize() + head
            variants = [plural(name), f"{modifier.capitalize()}-{head.capitalize()}"]
        else:
            adjective = rng.choice(self.vocab.adjectives)
            name = f"{adjective.capitalize()}e {head.capitalize()}"
            many = plural(head.capitalize())
            variants = [f"{adjective.capitalize()}e {many}" if many else None]
        aliases = [v for v in variants if v and fold(v) != fold(name)]
        rng.shuffle(aliases)
        aliases = aliases[: rng.randint(1, max(1, len(aliases)))]
        if not self.claim([name, *aliases]):
            return None
        questions = rng.sample(TERM_QUESTIONS, rng.randint(1, 2))
        item: dict[str, object] = {
            "term": name,
            "aliases": aliases,
            "questions": [q.format(n=name) for q in questions],
            "short": self.text(name, 1, 2),
            "more": self.text(name, 2, 4),
            "link": f"https://lexikon.example.org/{slugify(name)}",
        }
        if self.term_names and rng.random() < 0.5:
            item["see"] = sorted(set(rng.sample(self.term_names[-200:], 1)))
        if rng.random() < 0.1:
            item["date"] = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randint(0, 900))
        self.term_names.append(name)
        self.entries.append(Entry("term", name, [name, *aliases]))
        return item

    def fresh_modifier(self) -> str | None:
        """A modifier no source or article uses yet."""
        for _ in range(MAX_TRIES):
            word = self.rng.choice(self.vocab.modifiers)
            if word not in self.used_modifiers:
                self.used_modifiers.add(word)
                return word.capitalize()
        return None

    def source(self) -> dict[str, object] | None:
        """A news source, or None when its names collide with existing ones."""
        modifier = self.fresh_modifier()
        if modifier is None:
            return None
        form, full, kind, alias = self.rng.choice(_SOURCE_FORMS)
        name, full_name = form.format(M=modifier), full.format(M=modifier)
        aliases = [alias.format(M=modifier)]
        if not self.claim([name, full_name, *aliases]):
            return None
        questions = self.rng.sample(SOURCE_QUESTIONS, self.rng.randint(1, 2))
        self.source_names.append(name)
        self.entries.append(Entry("source", name, [name, *aliases]))
        return {
            "name": name,
            "full_name": full_name,
            "aliases": aliases,
            "kind": kind,
            "questions": [q.format(n=name) for q in questions],
            "short": f"{name} ist ein {kind} aus {modifier}. " + self.sentence(name),
            "more": self.text(name, 2, 3),
            "link": f"https://{slugify(modifier)}.example.org/",
        }

    def article(self) -> dict[str, object] | None:
        """An article about a topic of its own, or None when the topic collides."""
        rng = self.rng
        modifier = self.fresh_modifier()
        if modifier is None:
            return None
        head = rng.choice(_TOPIC_HEADS)
        topic = modifier + head
        keywords = [topic, f"{modifier}-{head.capitalize()}"]
        if not self.claim(keywords):
            return None
        article_id = f"{slugify(topic)}-{rng.randint(2023, 2026)}"[:40].strip("-")
        date = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randint(0, 1300))
        questions = rng.sample(ARTICLE_QUESTIONS, 5)
        summary = " ".join(self.sentence(topic) for _ in range(3))
        self.entries.append(Entry("article", article_id, [topic]))
        item: dict[str, object] = {
            "id": article_id,
            "title": rng.choice(ARTICLE_TITLES).format(t=topic),
            "date": date,
            "url": f"https://news.example.org/{article_id}",
            "authors": [f"{rng.choice(self.vocab.modifiers).capitalize()} Redaktion"],
            "summary": " ".join(summary.split()[:60]),
            "details": self.text(topic, 6, 10),
            "points": [self.sentence(topic) for _ in range(3)],
            "questions": [q.format(t=topic) for q in questions],
            "keywords": keywords,
            "terms": sorted(set(rng.sample(self.term_names, min(3, len(self.term_names))))),
            "sources": sorted(set(rng.sample(self.source_names, min(2, len(self.source_names))))),
        }
        return item


def _dump(path: Path, header: str, data: object) -> None:
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    text = yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False, width=100)
    path.write_text(header + text, encoding="utf-8")


def shipped_entries() -> list[Entry]:
    """The shipped entries, so that their names are never reused."""
    entries = []
    for path in [SHIPPED / "glossary.yaml", *sorted((SHIPPED / "glossary").glob("*.yaml"))]:
        for t in _read(path)["terms"]:
            entries.append(Entry("term", t["term"], [t["term"], *t.get("aliases", [])]))
    sources = _read(SHIPPED / "sources.yaml")
    for s in sources["sources"]:
        entries.append(Entry("source", s["name"], [s["name"], s["full_name"], *s["aliases"]]))
    for path in sorted((SHIPPED / "articles").glob("*.yaml")):
        article = _read(path)
        entries.append(Entry("article", article["id"], list(article.get("keywords", []))))
    return entries


def write_knowledge(out: Path, entries: int, rng: random.Random) -> Generator:
    """Write DIR/knowledge with `entries` entries in all; return the generator's record."""
    target = out / "knowledge"
    if target.exists():
        shutil.rmtree(target)
    (target / "articles").mkdir(parents=True)
    (target / "glossary").mkdir()
    for name in ("glossary.yaml", "bot.yaml", "synonyms.yaml"):
        shutil.copy(SHIPPED / name, target / name)
    for path in sorted((SHIPPED / "glossary").glob("*.yaml")):
        shutil.copy(path, target / "glossary" / path.name)
    for path in sorted((SHIPPED / "articles").glob("*.yaml")):
        shutil.copy(path, target / "articles" / path.name)

    shipped = shipped_entries()
    gen = Generator(rng, load_vocabulary(rng, reserved_stems()))
    for entry in shipped:
        gen.taken |= {key(s) for s in entry.surfaces}
    synthetic = max(0, entries - len(shipped))
    n_sources = max(3, synthetic // 200)
    n_articles = max(3, synthetic // 100)
    n_terms = max(0, synthetic - n_sources - n_articles)

    terms = _make(gen.term, n_terms)
    for number, start in enumerate(range(0, len(terms), TERMS_PER_FILE), 1):
        _dump(
            target / "glossary" / f"terms-{number:04d}.yaml",
            "# yaml-language-server: $schema=../schema/glossary.schema.json\n"
            "# Synthetic glossary for benchmarks (benchmarks/make_kb.py).\n",
            {"terms": terms[start : start + TERMS_PER_FILE]},
        )
    sources_file = _read(SHIPPED / "sources.yaml")
    sources_file["sources"] += _make(gen.source, n_sources)
    _dump(
        target / "sources.yaml",
        "# yaml-language-server: $schema=schema/sources.schema.json\n",
        sources_file,
    )
    for article in _make(gen.article, n_articles):
        _dump(
            target / "articles" / f"{article['id']}.yaml",
            "# yaml-language-server: $schema=../schema/article.schema.json\n",
            article,
        )
    gen.entries = shipped + gen.entries
    return gen


def _make(factory: Callable[[], dict[str, object] | None], count: int) -> list[dict[str, object]]:
    items: list[dict[str, object]] = []
    misses = 0
    while len(items) < count:
        item = factory()
        if item is None:
            misses += 1
            if misses > MAX_TRIES * max(count, 1):
                raise SystemExit("make_kb: ran out of distinct names - use fewer entries")
            continue
        items.append(item)
    return items


# ---- questions ----------------------------------------------------------------------------


def typo(rng: random.Random, word: str) -> str:
    """Drop, double or swap one letter (not the first) of a word of six letters or more."""
    if len(word) < 6:
        return word
    i = rng.randint(1, len(word) - 2)
    operation = rng.choice(("drop", "double", "swap"))
    if operation == "drop":
        return word[:i] + word[i + 1 :]
    if operation == "double":
        return word[: i + 1] + word[i] + word[i + 1 :]
    if word[i] == word[i + 1]:
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def inflect(rng: random.Random, word: str) -> str:
    """Add an ending a reader might type: plural -en/-n/-e or genitive -s."""
    if word.endswith("e"):
        return word + rng.choice(("n", "s"))
    return word + rng.choice(("en", "e", "s"))


def drop_umlauts(rng: random.Random, text: str) -> str | None:
    """ä -> a (or ae) and so on; None when there is no umlaut or ß."""
    if not re.search("[äöüÄÖÜß]", text):
        return None
    if rng.random() < 0.7:
        return text.translate(str.maketrans("äöüÄÖÜß", "aouAOUs"))
    table = {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}
    return text.translate(str.maketrans(table))


def _longest(words: Sequence[str]) -> int:
    return max(range(len(words)), key=lambda i: len(words[i]))


def perturb(rng: random.Random, surface: str) -> tuple[str, str]:
    """A surface form as a reader might type it, and which change was made."""
    roll = rng.random()
    words = surface.split()
    i = _longest(words)
    if roll < 0.2:
        return surface, "clean"
    if roll < 0.35:
        return surface.lower(), "lowercase"
    if roll < 0.6:
        words[i] = typo(rng, words[i])
        text = " ".join(words)
        return (text.lower() if rng.random() < 0.5 else text), "typo"
    if roll < 0.8:
        words[-1] = inflect(rng, words[-1])
        return " ".join(words), "inflection"
    dropped = drop_umlauts(rng, surface)
    if dropped is not None:
        return dropped, "umlaut"
    words[i] = typo(rng, words[i])
    return " ".join(words), "typo"


@dataclass
class Nearest:
    """Finds entries whose names are as close to a typed form as its own entry's names."""

    choices: list[str]
    owners: list[int]

    @classmethod
    def of(cls, entries: Sequence[Entry]) -> Nearest:
        """Index every name and alias, written together and folded."""
        choices, owners = [], []
        for number, entry in enumerate(entries):
            for surface in entry.surfaces:
                choices.append(fold(surface).replace(" ", ""))
                owners.append(number)
        return cls(choices, owners)

    def forms(self, own: int) -> list[str]:
        """The folded names of one entry."""
        return [self.choices[i] for i in self._positions.get(own, ())]

    def __post_init__(self) -> None:
        self._positions: dict[int, list[int]] = {}
        for position, owner in enumerate(self.owners):
            self._positions.setdefault(owner, []).append(position)

    def clear(self, typed: str, own: int | None) -> bool:
        """True when no other entry's name is at least as close to typed as own's names."""
        text = fold(typed).replace(" ", "")
        limit = 2 if own is None else min(OSA.distance(text, c) for c in self.forms(own))
        found = process.extract(
            text, self.choices, scorer=OSA.distance, score_cutoff=limit, limit=20
        )
        return all(self.owners[position] == own for _, _, position in found)


def make_questions(
    gen: Generator, rng: random.Random, count: int, kb_stems: set[str]
) -> list[dict[str, object]]:
    """Questions about sampled entries, perturbed, and out-of-scope questions."""
    entries = gen.entries
    nearest = Nearest.of(entries)
    owner_of = {id(e): n for n, e in enumerate(entries)}
    shipped = {(e.kind, e.label) for e in shipped_entries()}
    synthetic = [e for e in entries if (e.kind, e.label) not in shipped]
    n_unknown = round(count * OUT_OF_SCOPE_SHARE)
    items: list[dict[str, object]] = []
    seen: set[str] = set()
    repeats = 0
    while len(items) < count - n_unknown:
        if repeats > MAX_TRIES * count:
            raise SystemExit("make_kb: too few entries for that many questions - ask fewer")
        entry = rng.choice(synthetic)
        surface = entry.surfaces[0] if rng.random() < 0.7 else rng.choice(entry.surfaces)
        for _ in range(MAX_TRIES):
            typed, change = perturb(rng, surface)
            if nearest.clear(typed, owner_of[id(entry)]):
                break
        else:
            typed, change = surface, "clean"
        templates = {"term": ASK_TERM, "source": ASK_SOURCE, "article": ASK_ARTICLE}[entry.kind]
        question = rng.choice(templates).format(x=typed)
        if question in seen:
            repeats += 1
            continue
        seen.add(question)
        items.append({"q": question, "accept": [f"{entry.kind}:{entry.label}"], "kind": change})

    held_out = [w for w in gen.vocab.held_out if stem(fold(w)) not in kb_stems]
    known_parts = gen.vocab.modifiers
    while len(items) < count:
        roll = rng.random()
        if roll < 0.5:
            word, change = rng.choice(held_out).capitalize(), "unknown"
        elif roll < 0.75:
            first, second = rng.sample(held_out, 2)
            word, change = first.capitalize() + second, "unknown compound"
        else:
            word = rng.choice(known_parts).capitalize() + rng.choice(held_out)
            change = "near miss"
        if key(word) in gen.taken or key(word) in kb_stems or not nearest.clear(word, None):
            continue
        question = rng.choice(ASK_UNKNOWN).format(x=word)
        if question in seen:
            continue
        seen.add(question)
        items.append({"q": question, "accept": ["none"], "kind": change})
    rng.shuffle(items)
    return items


def knowledge_stems(root: Path) -> set[str]:
    """Every word of the written knowledge, folded and stemmed."""
    tokens: set[str] = set()
    for path in root.rglob("*.yaml"):
        tokens.update(path.read_text(encoding="utf-8").split())
    words = {w for token in tokens for w in fold(token).split()}
    return words | {stem(w) for w in words}


def write_questions(path: Path, items: Iterable[dict[str, object]], header: str) -> None:
    """Write questions one per line, as in ../shared/eval/questions.yaml."""
    lines = [header]
    for item in items:
        q = json.dumps(item["q"], ensure_ascii=False)
        accept = json.dumps(item["accept"], ensure_ascii=False)
        kind = json.dumps(item["kind"], ensure_ascii=False)
        lines.append(f"- {{q: {q}, accept: {accept}, kind: {kind}}}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    """Write DIR/knowledge/ and DIR/questions.yaml."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, required=True, help="entries in all")
    parser.add_argument("--out", type=Path, required=True, help="output directory")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--questions", type=int, default=625, help="questions to write")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    gen = write_knowledge(args.out, args.entries, rng)
    items = make_questions(gen, rng, args.questions, knowledge_stems(args.out / "knowledge"))
    header = (
        f"# Benchmark questions for {args.entries} entries, seed {args.seed}"
        " (benchmarks/make_kb.py).\n# kind: how the question was made (clean, lowercase,"
        " typo, inflection, umlaut;\n# unknown, unknown compound, near miss: out of scope)."
    )
    write_questions(args.out / "questions.yaml", items, header)
    print(
        f"make_kb: {len(gen.entries)} entries in {args.out / 'knowledge'},"
        f" {len(items)} questions in {args.out / 'questions.yaml'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
