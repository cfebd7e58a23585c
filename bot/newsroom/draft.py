"""`newsbot draft`: a raw article text becomes a draft article file, and a list of glossary
terms it may need.

Everything in the draft comes from the text or the knowledge: the headline, authors, address
and date where the text has them; summary, details and points chosen from the text's own
sentences; the glossary terms and sources of the knowledge that the text names; questions
from the headline and subheadings. What a moderator still has to do is marked TODO, and the
file is marked `draft: true`, so that `newsbot check` lists what is left and readers never
see it before a moderator removes the mark.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field

from bot.knowledge.base import KnowledgeBase
from bot.knowledge.mentions import Mentions
from bot.knowledge.readability import is_hard
from bot.newsroom.rawtext import RawArticle, parse
from bot.search.analysis import STOPWORDS, fold, stem
from bot.sentences import sentences

SUMMARY_WORDS = 60
DETAILS_WORDS = 180
MAX_POINTS = 6
MAX_POINT_WORDS = 20
MAX_CANDIDATES = 12
WIDTH = 92

_WORD = re.compile(r"[A-Za-zÄÖÜäöüß]+(?:-[A-Za-zÄÖÜäöüß]+)*")
_PLAIN = re.compile(r"^[A-Za-zÄÖÜäöüß0-9][^:#\[\]{}\"'&*!|>%@`]*$")
_URL_ONLY = re.compile(r"^https?://[^\s#]+$")
_MARKERS = re.compile(r"\b(FYI|Info|Gut zu wissen|Übrigens)\s*:\s*")
_RESERVED = {"yes", "no", "on", "off", "true", "false", "null", "y", "n", "~"}


@dataclass
class Candidate:
    """A word the glossary may need: explained by the text, or a hard word it has no entry for."""

    word: str
    short: str = ""  # the text's own explanation, if it has one
    sentence: str = ""  # where the text uses the word


@dataclass
class Draft:
    """The files `newsbot draft` writes."""

    id: str
    article: str
    candidates: list[Candidate] = field(default_factory=list)

    def glossary(self) -> str:
        """The glossary candidates as a file in the glossary's format, for copying."""
        lines = [
            "# yaml-language-server: $schema=../schema/glossary.schema.json",
            f"# Glossary candidates for articles/{self.id}.yaml, drafted by `newsbot draft`.",
            "# The bot does not read this folder. Copy each entry you want into glossary.yaml,",
            "# write it from a source you have read (with its # source: line), and delete this",
            "# file when you are done.",
            "terms:",
        ]
        for candidate in self.candidates:
            where = f" Used: {_quote(candidate.sentence)}" if candidate.sentence else ""
            lines.append(f"  # TODO: check against a source.{where}")
            lines.append(f"  - term: {_scalar(candidate.word)}")
            short = candidate.short or "TODO: one to three short sentences"
            lines.append(f"    short: {_scalar(short)}")
            lines.append("    link: https://example.org/TODO")
        return "\n".join(lines) + "\n"


def draft(text: str, kb: KnowledgeBase, today: dt.date, origin: str = "") -> Draft:
    """The draft of an article from a raw text, in the context of the knowledge."""
    raw = parse(text)
    mentions = Mentions.of((t.name, (t.name, *t.aliases)) for t in kb.terms)
    article_id = _id(raw.headline or "artikel")
    summary = _pick(sentences(raw.lead) or _sentences(raw.paragraphs)[:2], SUMMARY_WORDS, 4)
    rest = [s for s in _sentences(raw.paragraphs) if s not in summary]
    details = _pick(rest, DETAILS_WORDS, 40) or summary
    points = _points(raw)
    body = _MARKERS.sub("", raw.body())
    terms = list(mentions.find(body))
    lines = [
        "# yaml-language-server: $schema=../schema/article.schema.json",
        f"# Drafted by `newsbot draft`{f' from {origin}' if origin else ''}"
        f" on {today.isoformat()}.",
        "# The marked lines below are the steps left to do; `newsbot check` lists them. The",
        "# texts are the original's own sentences: write them in your own words for young readers",
        '# (knowledge/README.md, "Schreiben für junge Leserinnen und Leser"). Delete these',
        "# comment lines when you are done.",
        f"id: {article_id}",
        "draft: true",
        f"title: {_scalar(raw.headline or 'TODO: the headline')}",
    ]
    if raw.headline and raw.headline.isupper():
        lines.insert(-1, "# TODO: write the headline in normal upper and lower case")
    if raw.kicker:
        lines.insert(
            -1,
            f"# TODO: the headline began with {_quote(raw.kicker + ':')} - add it"
            " back if it belongs to the title",
        )
    if raw.date is not None:
        lines.append(f"date: {raw.date.isoformat()}")
    else:
        # No date rather than a plausible wrong one: check fails once the draft mark is gone.
        lines.append("# TODO: the text names no date - write the day of the article's Stand:")
        lines.append("# date: JJJJ-MM-TT")
    if raw.url:
        lines.append(f"url: {_scalar(raw.url)}")
    else:
        lines.append("# TODO: the text has no web address - write the original article's")
        lines.append("url: https://example.org/TODO")
    if raw.authors:
        lines.append(f"authors: [{', '.join(_scalar(a) for a in raw.authors)}]")
    if raw.picture:
        lines += [
            "# TODO: the text describes a picture. Add it with the web address of the image",
            "# file (without one the bot shows no picture), or delete these lines:",
            "# image:",
            f"#   caption: {_scalar(raw.picture)}",
            "#   url: https://",
        ]
        if raw.credit:
            lines.append(f"#   credit: {_scalar(raw.credit)}")
    lines.append(
        "# TODO: in your own words, at most 60 words; the first sentence answers the title"
    )
    lines += _block("summary", " ".join(summary) or "TODO")
    lines.append("# TODO: in your own words, 80 to 200 words")
    lines += _block("details", " ".join(details) or "TODO")
    if points:
        lines.append("# TODO: one short sentence each, in your own words")
        lines.append("points:")
        lines += [f"  - {_scalar(point)}" for point in points]
    lines.append('# TODO: 5 to 10 questions as readers type them (some lowercase, without "?")')
    lines.append("questions:")
    lines += [f"  - {_scalar(q)}" for q in _questions(raw)] or ["  - TODO"]
    lines.append("# TODO: names and words readers use for the topic; delete what does not fit")
    lines.append(f"keywords: [{', '.join(_scalar(k) for k in _keywords(raw, terms))}]")
    lines.append(f"terms: [{', '.join(_scalar(t) for t in terms)}]")
    # Sources named by the article and its Quellencheck; a picture's credit is not one.
    sources = _sources("\n".join([body, *raw.subheadings, raw.sources_part]), kb)
    if not sources:
        lines.append("# TODO: the text names no known source - list them (names in sources.yaml)")
    lines.append(f"sources: [{', '.join(_scalar(s) for s in sources)}]")
    candidates = _candidates(raw, [*summary, *details, *points], mentions, kb)
    return Draft(article_id, "\n".join(lines) + "\n", candidates)


def _id(headline: str) -> str:
    """An id from the headline's topic words: "Schickt Nordkorea jetzt Waffen nach Russland?"
    -> "schickt-nordkorea-waffen-nach-russland" (at most 40 characters)."""
    words = [w for w in fold(headline).split() if w not in STOPWORDS] or fold(headline).split()
    slug = ""
    for word in words:
        longer = f"{slug}-{word}" if slug else word
        if len(longer) > 40:
            break
        slug = longer
    return slug or "artikel"


def _sentences(paragraphs: list[str]) -> list[str]:
    """The sentences of paragraphs, without what only makes sense in the original's layout."""
    result = []
    for paragraph in paragraphs:
        for sentence in sentences(paragraph):
            sentence = _MARKERS.sub("", sentence)
            if sentence.startswith("...") or not sentence[:1].isupper():
                continue
            if sentence.endswith("?"):
                continue  # a question the next sentence answers: the answer is enough
            result.append(sentence)
    return result


def _pick(candidates: list[str], words: int, count: int) -> list[str]:
    """Whole sentences in their order, as long as they fit into so many words."""
    picked: list[str] = []
    total = 0
    for sentence in candidates:
        size = len(sentence.split())
        if total + size > words or len(picked) >= count:
            break
        picked.append(sentence)
        total += size
    return picked


def _points(raw: RawArticle) -> list[str]:
    source = raw.bullets or [
        first for p in raw.paragraphs[:MAX_POINTS] for first in _sentences([p])[:1]
    ]
    points = []
    for text in source:
        first = (sentences(text) or [text])[0]
        if len(first.split()) <= MAX_POINT_WORDS:
            points.append(first)
    return points[:MAX_POINTS]


# Subheadings that state what a question would ask: "Das ist das Artemis-Programm".
_STATED = tuple(
    (re.compile(pattern, re.I), question)
    for pattern, question in (
        (r"^(?:das|dies) ist (?P<rest>.+)$", "Was ist {rest}?"),
        (r"^(?:das|dies) sind (?P<rest>.+)$", "Was sind {rest}?"),
        (r"^so funktioniert (?P<rest>.+)$", "Wie funktioniert {rest}?"),
        (r"^so funktionieren (?P<rest>.+)$", "Wie funktionieren {rest}?"),
        (r"^darum geht es bei (?P<rest>.+)$", "Worum geht es bei {rest}?"),
    )
)


def _questions(raw: RawArticle) -> list[str]:
    """Questions from the headline and subheadings: as asked, or as a subheading states them."""
    questions = []
    for heading in [raw.headline, *raw.subheadings]:
        asked = heading.split(": ")[-1].strip().rstrip(".")
        for pattern, question in _STATED:
            stated = pattern.match(asked)
            if stated:
                asked = question.format(rest=stated.group("rest"))
                break
        if asked.endswith("?") and asked not in questions:
            questions.append(asked)
    if questions:
        questions.append(questions[0].rstrip("?").lower())  # as readers type
    return questions


def _keywords(raw: RawArticle, terms: list[str]) -> list[str]:
    """Names and topic words: the headline's nouns and the rare names of the text."""
    folded_terms = {fold(t) for t in terms}
    found: list[str] = []
    headline = _WORD.findall(raw.headline)
    for i, word in enumerate(headline):
        if word[:1].isupper() and (i > 0 or is_hard(word)) and not word.isupper():
            found.append(word)
    for sentence in sentences(" ".join([raw.lead, *raw.paragraphs])):
        for word in _WORD.findall(sentence)[1:]:
            if word[:1].isupper() and is_hard(word) and len(word) > 3:
                found.append(word)
    unique: list[str] = []
    for word in found:
        if fold(word) not in folded_terms and stem(fold(word)) not in {
            stem(fold(u)) for u in unique
        }:
            unique.append(word)
    return unique[:10]


def _sources(text: str, kb: KnowledgeBase) -> list[str]:
    """The known sources the text names (by name, full name or alias)."""
    found = []
    for source in kb.sources:
        for name in {source.name, source.full_name, *source.aliases}:
            flags = 0 if len(name) <= 3 else re.IGNORECASE
            if re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text, flags):
                found.append(source.name)
                break
    return found


def _candidates(
    raw: RawArticle, texts: list[str], mentions: Mentions, kb: KnowledgeBase
) -> list[Candidate]:
    """Explained words and hard words the glossary has no entry for."""
    known = {fold(s.name) for s in kb.sources} | {fold(k) for k in _keywords(raw, [])}
    candidates: dict[str, Candidate] = {}
    for word, sentence in raw.explained:
        if not mentions.find(word):
            candidates.setdefault(stem(fold(word)), Candidate(word, sentence, sentence))
    for sentence in texts:
        for word in _WORD.findall(sentence):
            key = stem(fold(word))
            if key in candidates or fold(word) in known or not is_hard(word) or mentions.find(word):
                continue
            candidates[key] = Candidate(word, "", sentence)
    return list(candidates.values())[:MAX_CANDIDATES]


def _scalar(text: str) -> str:
    """A YAML scalar: plain where that is safe, else in double quotes."""
    text = " ".join(text.split())
    if _URL_ONLY.match(text):
        return text
    if (
        _PLAIN.match(text)
        and ": " not in text
        and text.lower() not in _RESERVED
        and not text.endswith(":")
    ):
        return text
    return json.dumps(text, ensure_ascii=False)


def _quote(text: str) -> str:
    return f'"{" ".join(text.split())}"'


def _block(name: str, text: str) -> list[str]:
    """A folded block (>-) with lines of about WIDTH characters."""
    lines = [f"{name}: >-"]
    current = ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > WIDTH - 2:
            lines.append(f"  {current}")
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        lines.append(f"  {current}")
    return lines
