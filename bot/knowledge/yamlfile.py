"""Read one YAML file as plain data, with the line of every value, refusing anything unsafe.

Nothing here builds objects from tags: the file is composed into nodes with PyYAML's safe
loader and turned into dicts, lists and scalars by hand, so that duplicate keys, tags,
anchors and aliases can be reported with their line instead of being silently accepted.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.knowledge.syntax import syntax_problem, tab_problems
from bot.models import Location, Problem

MAX_FILE_BYTES = 1_000_000
MAX_NODES = 200_000
MAX_DEPTH = 50

Key = tuple[str | int, ...]
Data = object

# The C parser is about ten times faster than the pure-Python one and gives the same marks.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_STR_TAG = "tag:yaml.org,2002:str"
_BOOL_TAG = "tag:yaml.org,2002:bool"


class _Resolver(yaml.resolver.Resolver):
    """PyYAML's resolver with YAML 1.2's booleans: only true and false.

    YAML 1.1 also reads yes, no, on and off as booleans; editors (YAML 1.2) read them as
    text. A keyword `no` was text in the editor and a mistake for `check`: now both agree.
    """


_Resolver.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _BOOL_TAG]
    for first, resolvers in yaml.resolver.Resolver.yaml_implicit_resolvers.items()
}
_Resolver.add_implicit_resolver(
    _BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_SAFE_TAGS = frozenset(
    "tag:yaml.org,2002:" + name
    for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
)


@dataclass
class YamlDocument:
    """A parsed file: its data (None when it could not be read) and the line of each value."""

    path: str
    data: Data = None
    lines: dict[Key, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    text: str = ""  # the file as written, for the line of a sentence inside a value

    # Set once the file's entries are built: data, lines and text are dropped (see release).
    released: bool = False

    def line_of(self, key: Key, fragment: str) -> Location:
        """Where a fragment of the text at key begins (a sentence of a >- block, say)."""
        where = self.where(key)
        return Location(self.path, find_line(self.text, where.line, fragment))

    def where(self, key: Key) -> Location:
        """The location of the value at key, or of its nearest parent that exists."""
        if self.released:
            raise RuntimeError(f"{self.path}: its lines were dropped - keep them before release()")
        for end in range(len(key), -1, -1):
            line = self.lines.get(key[:end])
            if line is not None:
                return Location(self.path, line)
        return Location(self.path, 1)

    def problem(self, key: Key, message: str, severity: str = "error", kind: str = "") -> None:
        """Record a problem at the value under key."""
        self.problem_at(self.where(key).line, message, severity, kind)

    def problem_at(self, line: int, message: str, severity: str = "error", kind: str = "") -> None:
        """Record a problem at a line of this file (one kept before release)."""
        self.problems.append(
            Problem(
                Location(self.path, line),
                message,
                "warning" if severity == "warning" else "error",
                kind,
            )
        )

    def release(self) -> None:
        """Drop the parse tree, the line of every value and the text; keep path and problems.

        The rules across files run on the small summaries the readers keep (reading.Lines,
        reading.Reference): every file's tree and line table kept until then made loading
        100,000 entries peak 420 MB higher.
        """
        self.data = None
        self.lines = {}
        self.text = ""
        self.released = True


class _TooBig(Exception):
    pass


@dataclass
class _Frame:
    container: dict[str, Data] | list[Data] | None  # None: a subtree that is discarded
    path: Key
    key: str | None = None
    key_line: int = 0
    skip_value: bool = False


class _Builder:
    """Builds plain data from the parser's events with an explicit stack.

    Working on events instead of composed nodes keeps deep nesting from exhausting the C
    stack (the C composer crashes on it), sees every alias before anything is expanded, and
    parses at the speed of libyaml.
    """

    def __init__(self, doc: YamlDocument) -> None:
        self.doc = doc
        self.resolver = _Resolver()
        self.scalars = yaml.constructor.SafeConstructor()
        self.stack: list[_Frame] = []
        self.root: Data = None
        self.count = 0
        self.documents = 0

    def feed(self, event: yaml.Event) -> None:
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooBig
        line = event.start_mark.line + 1 if event.start_mark else 1
        if isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                self.doc.problems.append(
                    Problem(
                        Location(self.doc.path, line),
                        'the file holds a second document after "---" - keep one per file',
                    )
                )
        elif isinstance(event, yaml.AliasEvent):
            self.doc.problems.append(
                Problem(
                    Location(self.doc.path, line),
                    "anchors and aliases (&name / *name) are not allowed - write the value out",
                )
            )
            self._add(None, line)
        elif isinstance(event, yaml.ScalarEvent):
            self._add(self._scalar(event, line), line)
        elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            self._open(event, line)
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            self._close()

    def _where(self) -> Key | None:
        """The path of the value about to be added, or None when it is to be discarded."""
        if not self.stack:
            return () if self.documents <= 1 else None
        top = self.stack[-1]
        if top.container is None:
            return None
        if isinstance(top.container, list):
            return (*top.path, len(top.container))
        if top.key is None:
            return None
        return (*top.path, top.key)

    def _is_key_slot(self) -> bool:
        if not self.stack:
            return False
        top = self.stack[-1]
        return isinstance(top.container, dict) and top.key is None and not top.skip_value

    def _add(self, value: Data, line: int) -> None:
        if self._is_key_slot():
            self._set_key(value, line)
            return
        path = self._where()
        if self.stack and self.stack[-1].skip_value:
            self.stack[-1].skip_value = False
            return
        if path is None:
            return
        self.doc.lines.setdefault(path, line)
        if not self.stack:
            self.root = value
            return
        top = self.stack[-1]
        if isinstance(top.container, list):
            top.container.append(value)
        elif isinstance(top.container, dict) and top.key is not None:
            top.container[top.key] = value
            top.key = None

    def _set_key(self, value: Data, line: int) -> None:
        top = self.stack[-1]
        assert isinstance(top.container, dict)
        if not isinstance(value, str | int | float | bool) or value is None:
            self.doc.problems.append(
                Problem(Location(self.doc.path, line), "a key must be a plain word - write `name:`")
            )
            top.skip_value = True
            return
        name = str(value)
        path = (*top.path, name)
        if name in top.container:
            first = self.doc.lines.get(path, 0)
            self.doc.problems.append(
                Problem(
                    Location(self.doc.path, line),
                    f'the key "{name}" appears twice (first on line {first})'
                    " - keep only one of them",
                )
            )
            top.skip_value = True
            return
        self.doc.lines[path] = line
        top.key = name

    def _open(self, event: yaml.CollectionStartEvent, line: int) -> None:
        is_map = isinstance(event, yaml.MappingStartEvent)
        wanted = "tag:yaml.org,2002:" + ("map" if is_map else "seq")
        bad_tag = event.tag not in (None, "!", wanted)
        if self._is_key_slot():
            self.doc.problems.append(
                Problem(Location(self.doc.path, line), "a key must be a plain word - write `name:`")
            )
            self.stack[-1].skip_value = True
            self.stack.append(_Frame(None, ()))
            return
        path = self._where()
        discard = path is None or (self.stack and self.stack[-1].skip_value)
        if not discard and bad_tag:
            self.doc.problem(
                path or (), f"the tag {event.tag!r} is not allowed - remove it and write plain text"
            )
            discard = True
        if not discard and len(self.stack) >= MAX_DEPTH:
            self.doc.problem(path or (), "the structure is nested too deeply - flatten it")
            discard = True
        if discard:
            self._add(None, line)
            self.stack.append(_Frame(None, ()))
            return
        container: dict[str, Data] | list[Data] = {} if is_map else []
        self._add(container, line)
        self.stack.append(_Frame(container, path or ()))

    def _close(self) -> None:
        if self.stack:
            self.stack.pop()

    def _scalar(self, event: yaml.ScalarEvent, line: int) -> Data:
        tag = event.tag
        if tag in (None, "!"):
            tag = self.resolver.resolve(  # type: ignore[no-untyped-call]
                yaml.ScalarNode, event.value, event.implicit
            )
        if tag == _STR_TAG:
            # What the constructor would return, without building a node: most values are
            # text, and this was a third of the parse time of large glossaries.
            return event.value
        if tag not in _SAFE_TAGS:
            self.doc.problems.append(
                Problem(
                    Location(self.doc.path, line),
                    f"the tag {event.tag!r} is not allowed - remove it and write plain text",
                )
            )
            return None
        node = yaml.ScalarNode(tag, event.value, style=event.style)
        try:
            value: Data = self.scalars.construct_object(node)
        except (yaml.YAMLError, ValueError):
            if tag == "tag:yaml.org,2002:timestamp":
                self.doc.problems.append(
                    Problem(
                        Location(self.doc.path, line),
                        f"{event.value} is not a day on the calendar - write a date that"
                        " exists, as YYYY-MM-DD (e.g. 2023-09-13)",
                    )
                )
                return None
            self.doc.problems.append(
                Problem(
                    Location(self.doc.path, line),
                    f"{event.value!r} is not a valid value - check its spelling",
                )
            )
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        return value


def read_yaml(path: Path, display: str) -> YamlDocument:
    """Parse one file safely; every problem is collected in the returned document."""
    doc = YamlDocument(display)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            doc.problem(
                (),
                f"the file is {size // 1000} kB, more than the {MAX_FILE_BYTES // 1000} kB allowed"
                " - split it into smaller files",
            )
            return doc
        raw = path.read_bytes()
    except OSError as exc:
        doc.problem((), f"the file cannot be read ({exc.strerror}) - check that it exists")
        return doc
    if b"\x00" in raw:
        doc.problem((), "the file is binary, not text - save it as a UTF-8 text file")
        return doc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        doc.problems.append(
            Problem(
                Location(display, line),
                "the file is not UTF-8 text - save it with the UTF-8 encoding",
            )
        )
        return doc
    doc.text = text
    tabs = tab_problems(text, display)
    if tabs:
        doc.problems.extend(tabs)
        return doc
    if _flow_depth(text) > MAX_DEPTH:
        doc.problem((), "the structure is nested too deeply - flatten it")
        return doc
    builder = _Builder(doc)
    try:
        for event in yaml.parse(text, Loader=_LOADER):
            builder.feed(event)
    except yaml.MarkedYAMLError as exc:
        doc.problems.append(syntax_problem(text, display, exc))
        return doc
    except yaml.YAMLError as exc:
        doc.problem((), f"YAML syntax error: {exc} - check the file's structure")
        return doc
    except _TooBig:
        doc.problem((), f"the file has more than {MAX_NODES} values - split it into smaller files")
        return doc
    if builder.documents == 0 or (builder.root is None and not doc.problems):
        doc.problem((), "the file is empty - add its content or delete the file")
        return doc
    doc.data = builder.root
    return doc


_BRACKETS = re.compile(r"[\[\]{}]")


def find_line(text: str, start: int, fragment: str) -> int:
    """The line (1-based) at or after start where the fragment's first words stand; else start.

    Words may be split over lines (a >- block) and quoted with escapes: the first few words
    are matched with any whitespace or punctuation between them.
    """
    words = re.findall(r"\w+", fragment)[:4]
    if not words or not text:
        return start
    lines = text.splitlines(keepends=True)
    offset = sum(len(line) for line in lines[: max(0, start - 1)])
    pattern = re.compile(r"\W+".join(re.escape(word) for word in words))
    match = pattern.search(text, offset)
    return text.count("\n", 0, match.start()) + 1 if match else start


def _flow_depth(text: str) -> int:
    """How deep [ ] and { } nest; libyaml slows down badly on very deep flow nesting."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return 0
    depth = deepest = 0
    for match in _BRACKETS.finditer(text):
        if match.group() in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth = max(0, depth - 1)
    return deepest
