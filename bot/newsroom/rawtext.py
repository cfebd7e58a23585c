"""A raw article text as moderators get it, read into its parts: headline, authors, address,
date, lead, paragraphs, subheadings, bullet points, inline explanations ("FYI: X sind ...")
and the part that explains the sources ("Quellencheck").

Layouts differ (a web page copied as text, Markdown, a newsletter, key: value lines); each
part is recognised by its shape, never by one newsroom's exact words. Nothing is invented:
every part is text of the original.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

MONTHS = (
    "januar februar märz april mai juni juli august september oktober november dezember"
).split()

_URL = re.compile(r"https?://[^\s<>\"')\]]+")
_ISO_DAY = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_DOTTED_DAY = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b")
_NAMED_DAY = re.compile(r"\b(\d{1,2})\.\s*(" + "|".join(MONTHS) + r")\s+(\d{4})\b", re.I)
_BULLET = re.compile(r"^\s*(?:[•\-*–·]|\d+[.)])\s+")
_FIELD = re.compile(
    r"^(?P<key>titel|überschrift|headline|autor(?:in|en|innen)?|von|datum|stand|link|url"
    r"|adresse|quelle|quellen|bild|foto)\s*[:|]\s*(?P<value>.*)$",
    re.I,
)
_BY = re.compile(r"^(?:von|text:?|autor(?:in|en)?:?)\s+(?P<names>[A-ZÄÖÜ].*)$", re.I)
# The last line of a picture's caption: who took it ("Quelle: dpa", "Foto: Max Muster", "© AFP").
_CREDIT = re.compile(
    r"^(?:(?:quelle|foto|fotos|bild|bilder|copyright)\s*[:|]|©)\s*(?P<credit>\S[^.!?]{0,60})$",
    re.I,
)
MAX_CAPTION_LINES = 3
# A headline's kicker before a question ("logo!: Warum fliegt ...?"): one or two words.
_KICKER = re.compile(r"^(?P<kicker>[^\s:]+(?:\s[^\s:]+)?):\s+(?P<rest>\S.*)$")
_PICTURE = re.compile(r"^(das bild zeigt|bild:|foto:|auf dem (bild|foto))", re.I)
_SOURCES = re.compile(
    r"^(quellencheck|quellen\b|unsere quellen|wo haben wir unsere infos her|woher wir das wissen)",
    re.I,
)
_ROLE = re.compile(r"^(autorenprofil|redakteur(in)?|autor(in)?|redaktion|mitarbeit)\b", re.I)
_EXPLAINS = re.compile(
    r"(?:^|\s)(?:FYI|Info|Erklärung|Zur Erklärung|Übrigens|Gut zu wissen|Was heißt das)\s*[:?]"
    r"\s*(?P<sentence>(?P<word>[A-ZÄÖÜ][\w-]*(?:\s[\w-]+){0,3}?)\s+(?:ist|sind|nennt man|heißt"
    r"|bedeutet|bedeuten)\s[^.!?]*[.!?])"
)
_WHAT_IS = re.compile(
    r"Was (?:ist|sind|heißt|bedeutet) (?:eigentlich )?(?:ein |eine |der |die |das )?"
    r"(?P<word>[A-ZÄÖÜ][\w-]+)\?\s*(?P<sentence>[^.!?]*[.!?])"
)
_NAME = re.compile(r"^[A-ZÄÖÜ][\w'-]+(?:\s+(?:von\s+|van\s+|de\s+)?[A-ZÄÖÜ][\w'-]+){1,3}$")
_JUNK = re.compile(
    r"^(most wanted|mehr zum thema|das könnte dich auch interessieren|teilen|kontakt"
    r"|pressekontakt)\b",
    re.I,
)
# "Kleinstadt am See, 14. Mai 2026 – " before the first sentence of a press release
_DATELINE = re.compile(r"^[^!?–—\n]{0,60}?\d{4}\s*[–—-]\s+(?=[A-ZÄÖÜ])")


@dataclass
class RawArticle:
    """What a raw text says, part by part, as written."""

    headline: str = ""
    kicker: str = ""  # what stood before the headline's colon, if it was a kicker
    authors: list[str] = field(default_factory=list)
    url: str | None = None
    date: dt.date | None = None
    picture: str | None = None
    credit: str | None = None  # who took the picture
    lead: str = ""
    paragraphs: list[str] = field(default_factory=list)
    subheadings: list[str] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    # (word, the sentence that explains it), from "FYI: Sanktionen sind Strafen, ..."
    explained: list[tuple[str, str]] = field(default_factory=list)
    sources_part: str = ""

    def body(self) -> str:
        """The article's own text: headline, lead, paragraphs and bullet points."""
        return "\n".join([self.kicker, self.headline, self.lead, *self.paragraphs, *self.bullets])


def parse(text: str) -> RawArticle:
    """Read a raw article text into its parts."""
    raw = RawArticle()
    text = text.replace("\r\n", "\n").replace("\u00a0", " ")
    found = _URL.search(text)
    raw.url = found.group().rstrip(".,;") if found else None
    blocks = _blocks(text)
    in_sources = False
    state = _State()
    for block in blocks:
        lines = block.splitlines()
        first = lines[0]
        if _JUNK.match(first):
            break  # what follows belongs to the page, not to the article
        if in_sources:
            raw.sources_part += block + "\n\n"
            continue
        if _SOURCES.match(first.lstrip("#").strip()) and len(first.split()) <= 8:
            in_sources = True
            rest = "\n".join(lines[1:]) if len(lines) > 1 else ""
            label = _FIELD.match(first)
            raw.sources_part += (label.group("value") + "\n" if label else "") + rest + "\n\n"
            continue
        remaining = []
        for line in lines:
            if not raw.lead and _meta(raw, line, state):
                continue
            state.authors = False
            if _URL.fullmatch(line.strip()):
                continue
            remaining.append(line)
        if not remaining:
            continue
        _content(raw, remaining)
    if raw.date is None:
        raw.date = _day(text[:600])
    kicker = _KICKER.match(raw.headline)
    if kicker and len(kicker.group("rest").split()) >= 3 and kicker.group("rest").endswith("?"):
        # The question is the headline; the label before it (a page's name) is not.
        raw.kicker, raw.headline = kicker.group("kicker"), kicker.group("rest")
    raw.explained = _explanations(raw.body())
    return raw


def _blocks(text: str) -> list[str]:
    """Blocks of lines between blank lines, Markdown marks taken off."""
    blocks = []
    for block in re.split(r"\n\s*\n", text):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        lines = [re.sub(r"^#{1,6}\s+", "## ", line) for line in lines]
        lines = [re.sub(r"\*\*(.+?)\*\*", r"\1", line) for line in lines]
        if lines:
            blocks.append("\n".join(lines))
    return blocks


@dataclass
class _State:
    authors: bool = False  # after a line "AUTOR/IN": names follow


def _meta(raw: RawArticle, line: str, state: _State) -> bool:
    """Take a line that says who, when or where; True when the line was taken."""
    stripped = line.strip()
    if stripped.upper().replace(" ", "") in ("AUTOR/IN", "AUTOR", "AUTORIN", "AUTOREN"):
        state.authors = True
        return True
    label = _FIELD.match(stripped)
    if label and label.group("key").lower() not in ("quelle", "quellen"):
        key, value = label.group("key").lower(), label.group("value").strip()
        if key in ("titel", "überschrift", "headline") and not raw.headline:
            raw.headline = value
        elif key.startswith("autor") or key == "von":
            raw.authors += _names(value)
        elif key in ("datum", "stand"):
            raw.date = raw.date or _day(value)
        elif key in ("bild", "foto"):
            raw.picture = raw.picture or value
        elif key in ("link", "url", "adresse"):
            address = _URL.search(value)
            raw.url = raw.url or (address.group() if address else None)
        else:
            return False
        return True
    if stripped.lower() == "stand" or stripped.lower().startswith("stand "):
        raw.date = raw.date or _day(stripped)
        return True
    by = _BY.match(stripped)
    if by and raw.headline and not raw.authors and len(stripped.split()) <= 12:
        names, _, rest = by.group("names").partition("|")
        raw.authors += _names(names)
        raw.date = raw.date or _day(rest or stripped)
        return True
    if _ROLE.match(stripped):
        return True  # "Autorenprofil Jonas Neugebauer", "Redakteurin Katharina Kunz"
    if state.authors and _NAME.match(stripped):
        if stripped not in raw.authors:
            raw.authors.append(stripped)
        return True
    if raw.headline and not raw.lead and _day(stripped) and len(stripped.split()) <= 6:
        raw.date = raw.date or _day(stripped)
        return True
    return False


def _names(value: str) -> list[str]:
    parts = re.split(r",|\bund\b|&|/", re.sub(_DOTTED_DAY, "", value))
    return [p.strip() for p in parts if _NAME.match(p.strip())]


def _content(raw: RawArticle, lines: list[str]) -> None:
    """A block of the article's own text: headline, picture, subheading, bullets, paragraph."""
    first = lines[0]
    heading = first.startswith("## ")
    first = first.removeprefix("## ")
    text = " ".join(line.removeprefix("## ") for line in lines)
    if _PICTURE.match(first) and not raw.lead:
        raw.picture = raw.picture or text
        return
    credit = _CREDIT.match(lines[-1])
    if credit and len(lines) <= MAX_CAPTION_LINES + 1:
        # A picture's caption and credit, not the article's text (only the first is kept).
        if raw.picture is None and len(lines) > 1:
            raw.picture = " ".join(line.removeprefix("## ") for line in lines[:-1])
            raw.credit = credit.group("credit").strip()
        return
    if not raw.headline:
        words = re.findall(r"[A-Za-zÄÖÜäöüß]{2,}", first)
        if len(lines) == 1 and (len(words) >= 3 or heading):
            raw.headline = first.rstrip()
        return  # a category such as "Politik" stands before the headline
    if all(_BULLET.match(line) for line in lines):
        raw.bullets += [_BULLET.sub("", line).strip() for line in lines]
        return
    bullets = [line for line in lines[1:] if _BULLET.match(line)]
    if bullets and len(bullets) == len(lines) - 1:
        raw.paragraphs.append(first)
        raw.bullets += [_BULLET.sub("", line).strip() for line in bullets]
        return
    if len(lines) == 1 and (heading or _is_subheading(first)):
        raw.subheadings.append(first.strip())
        return
    if len(lines) == 1 and first.rstrip().endswith(":"):
        return  # it leads to something not in the text (a link, a video)
    if not raw.lead:
        dateline = _DATELINE.match(text)
        if dateline:
            raw.date = raw.date or _day(dateline.group())
            text = text[dateline.end() :]
        raw.lead = text
    else:
        raw.paragraphs.append(text)


def _is_subheading(line: str) -> bool:
    """A short line that does not end like a sentence (or trails off: "warnt ... ...")."""
    end = line.rstrip()
    return len(line.split()) <= 14 and (not end.endswith((".", ":", "!")) or end.endswith("..."))


def _day(text: str) -> dt.date | None:
    """The first date in a text: 2023-09-13, 13.09.2023 or 13. September 2023."""
    for pattern in (_ISO_DAY, _DOTTED_DAY, _NAMED_DAY):
        found = pattern.search(text)
        if not found:
            continue
        a, b, c = found.groups()
        try:
            if pattern is _ISO_DAY:
                return dt.date(int(a), int(b), int(c))
            if pattern is _DOTTED_DAY:
                return dt.date(int(c), int(b), int(a))
            return dt.date(int(c), MONTHS.index(b.lower()) + 1, int(a))
        except ValueError:
            continue
    return None


def _explanations(text: str) -> list[tuple[str, str]]:
    """Words the text explains inline, with the sentence that explains them."""
    found: dict[str, str] = {}
    for pattern in (_EXPLAINS, _WHAT_IS):
        for match in pattern.finditer(text):
            word = re.sub(r"^(Ein|Eine|Der|Die|Das)\s+", "", match.group("word").strip())
            found.setdefault(word, match.group("sentence").strip())
    return list(found.items())
