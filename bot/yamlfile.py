"""Read one YAML file as plain data, with the line of every value, refusing anything unsafe.

Nothing here builds objects from tags: the file is composed into nodes with PyYAML's safe
loader and turned into dicts, lists and scalars by hand, so that duplicate keys, tags,
anchors and aliases can be reported with their line instead of being silently accepted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.models import Location, Problem

MAX_FILE_BYTES = 1_000_000
MAX_NODES = 200_000
MAX_DEPTH = 50

Key = tuple[str | int, ...]
Data = object

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

    def where(self, key: Key) -> Location:
        """The location of the value at key, or of its nearest parent that exists."""
        for end in range(len(key), -1, -1):
            line = self.lines.get(key[:end])
            if line is not None:
                return Location(self.path, line)
        return Location(self.path, 1)

    def problem(self, key: Key, message: str, severity: str = "error") -> None:
        """Record a problem at the value under key."""
        self.problems.append(
            Problem(self.where(key), message, "warning" if severity == "warning" else "error")
        )


class _TooBig(Exception):
    pass


class _Builder:
    """Turns composed nodes into plain data, recording lines and refusing unsafe YAML."""

    def __init__(self, doc: YamlDocument) -> None:
        self.doc = doc
        self.seen: set[int] = set()
        self.count = 0
        self.scalars = yaml.constructor.SafeConstructor()

    def build(self, node: yaml.Node, key: Key, depth: int) -> Data:
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooBig
        line = node.start_mark.line + 1
        self.doc.lines.setdefault(key, line)
        if id(node) in self.seen:
            self.doc.problem(
                key,
                "anchors and aliases (&name / *name) are not allowed - write the value out",
            )
            return None
        self.seen.add(id(node))
        if depth > MAX_DEPTH:
            self.doc.problem(key, "the structure is nested too deeply - flatten it")
            return None
        if node.tag not in _SAFE_TAGS:
            self.doc.problem(
                key, f"the tag {node.tag!r} is not allowed - remove it and write plain text"
            )
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, key, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*key, i), depth + 1) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)
        return self._scalar(node, key)

    def _mapping(self, node: yaml.MappingNode, key: Key, depth: int) -> dict[str, Data]:
        result: dict[str, Data] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _SAFE_TAGS:
                self.doc.problems.append(
                    Problem(
                        Location(self.doc.path, key_node.start_mark.line + 1),
                        "a key must be a plain word - write it as `name:`",
                    )
                )
                continue
            name = str(key_node.value)
            child = (*key, name)
            if name in result:
                first = self.doc.lines.get(child, 0)
                self.doc.problems.append(
                    Problem(
                        Location(self.doc.path, key_node.start_mark.line + 1),
                        f'the key "{name}" appears twice (first on line {first})'
                        " - keep only one of them",
                    )
                )
                continue
            self.doc.lines[child] = key_node.start_mark.line + 1
            result[name] = self.build(value_node, child, depth + 1)
        return result

    def _scalar(self, node: yaml.ScalarNode, key: Key) -> Data:
        try:
            value: Data = self.scalars.construct_object(node)
        except (yaml.YAMLError, ValueError):
            self.doc.problem(key, f"{node.value!r} is not a valid value - check its spelling")
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
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        what = exc.problem or exc.context or "invalid YAML"
        doc.problems.append(
            Problem(
                Location(display, line),
                f"YAML syntax error: {what} - check indentation, colons and quotes",
            )
        )
        return doc
    except yaml.YAMLError as exc:
        doc.problem((), f"YAML syntax error: {exc} - check the file's structure")
        return doc
    except RecursionError:
        doc.problem((), "the structure is nested too deeply - flatten it")
        return doc
    if node is None:
        doc.problem((), "the file is empty - add its content or delete the file")
        return doc
    try:
        doc.data = _Builder(doc).build(node, (), 0)
    except _TooBig:
        doc.data = None
        doc.problem((), f"the file has more than {MAX_NODES} values - split it into smaller files")
    return doc
