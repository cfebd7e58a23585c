"""One reading of a knowledge folder: the files read, where texts stand, names and references.

Every reader records here what the cross-file rules need afterwards: the names of all
entries (valid or not) and the references between them, read from the raw data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple, TypeVar

from pydantic import BaseModel, ValidationError

from bot.knowledge.locations import Locations
from bot.knowledge.messages import schema_message
from bot.knowledge.yamlfile import Key, YamlDocument, read_yaml
from bot.models import Problem

M = TypeVar("M", bound=BaseModel)


class Reference(NamedTuple):
    """A field of an entry that names other entries, to check once every name is known: its
    values as written (valid or not) and the line of each."""

    doc: YamlDocument
    owner: str
    field_name: str
    what: str
    values: tuple[object, ...]
    lines: tuple[int, ...]


class Lines(NamedTuple):
    """The lines the rules across files report at, kept when the file's tree is dropped."""

    doc: YamlDocument
    name: int  # the entry's id or name
    aliases: tuple[int, ...] = ()
    related: tuple[int, ...] = ()


@dataclass
class Reading:
    """What reading a knowledge folder has found so far."""

    root: Path
    problems: list[Problem] = field(default_factory=list)
    docs: list[YamlDocument] = field(default_factory=list)
    locations: Locations = field(default_factory=Locations)
    # Names of every entry, valid or not, so that one broken entry does not make every
    # reference to it an error too.
    names: dict[str, list[str]] = field(default_factory=lambda: {"term": [], "source": []})
    refs: list[Reference] = field(default_factory=list)
    # Every other name an entry goes by (aliases, a source's full name) -> its canonical name,
    # per kind, for "did you mean".
    aliases: dict[str, dict[str, str]] = field(default_factory=lambda: {"term": {}, "source": {}})

    def known(self, kind: str, name: str, data: dict[str, object]) -> None:
        """Record an entry's name and the other names it goes by, read from the raw data."""
        self.names[kind].append(name)
        others = data.get("aliases")
        for other in [*(others if isinstance(others, list) else []), data.get("full_name")]:
            if isinstance(other, str):
                self.aliases[kind].setdefault(other, name)

    def want_refs(
        self, doc: YamlDocument, key: Key, data: object, owner: str, fields: dict[str, str]
    ) -> None:
        """Remember the references of an entry, read from the raw data, valid or not."""
        if not isinstance(data, dict):
            return
        for field_name, what in fields.items():
            values = data.get(field_name)
            if isinstance(values, list):
                lines = tuple(doc.where((*key, field_name, i)).line for i in range(len(values)))
                self.refs.append(Reference(doc, owner, field_name, what, tuple(values), lines))

    def remember(
        self, ref: str, doc: YamlDocument, key: Key, fields: Mapping[str, Sequence[object]]
    ) -> None:
        """Record the line of every value of an entry's fields, for later messages."""
        self.locations.add(
            ref,
            doc.path,
            {
                name: [doc.where((*key, name, i)).line for i in range(len(values))]
                for name, values in fields.items()
            },
        )

    def absorb(self, part: Reading) -> None:
        """Add what another reading (of one file) found, as if this one had read the file."""
        self.problems += part.problems
        self.docs += part.docs
        self.refs += part.refs
        for kind, names in part.names.items():
            self.names.setdefault(kind, []).extend(names)
        for kind, table in part.aliases.items():
            mine = self.aliases.setdefault(kind, {})
            for alias, name in table.items():
                mine.setdefault(alias, name)

    def release(self) -> None:
        """Drop the parse trees of the files read so far (their entries are built)."""
        for doc in reversed(self.docs):
            if doc.released:
                break
            doc.release()

    def display(self, path: Path) -> str:
        """A path as messages show it: relative to the folder that holds the knowledge."""
        try:
            base = self.root.parent if self.root.name else self.root
            return str(path.relative_to(base))
        except ValueError:
            return str(path)

    def read(self, path: Path) -> YamlDocument:
        """Read one YAML file of the folder. A link out of the folder, or in a circle, is a
        problem, and is never followed: nothing outside the folder is read."""
        wrong = self._wrong_link(path)
        if wrong is None:
            doc = read_yaml(path, self.display(path))
        else:
            doc = YamlDocument(self.display(path))
            doc.problem((), wrong)
        self.docs.append(doc)
        return doc

    def _wrong_link(self, path: Path) -> str | None:
        """What is wrong with where a path leads (through links of its own or of its
        folders), or None if it stays inside the knowledge folder."""
        try:
            target = path.resolve(strict=True)
        except FileNotFoundError:
            return None  # read_yaml says that the file cannot be read
        except (OSError, RuntimeError):  # Python 3.11 raises RuntimeError for a loop
            return "the file is a link in a circle (it leads back to itself) - put the file here"
        if not target.is_relative_to(self.root.resolve()):
            return "the file is a link to outside the knowledge folder - copy it in"
        return None


def items(doc: YamlDocument, field_name: str) -> list[tuple[int, object]]:
    """The list under the file's top-level key, reporting a wrong shape."""
    if doc.data is None:
        return []
    if not isinstance(doc.data, dict) or field_name not in doc.data:
        doc.problem((), f'the file must start with "{field_name}:" and a list of entries below')
        return []
    extra = [k for k in doc.data if k != field_name]
    for name in extra:
        doc.problem((name,), f'unknown top-level field "{name}" - only "{field_name}:" belongs')
    listed = doc.data[field_name]
    if not isinstance(listed, list):
        doc.problem((field_name,), f'"{field_name}" must be a list - write one "- " per entry')
        return []
    return list(enumerate(listed))


def validate(doc: YamlDocument, data: object, model: type[M], prefix: Key, label: str) -> M | None:
    """The data as a model of the schema, or None with every error reported at its line."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            loc = (*prefix, *error["loc"])
            doc.problem(loc, schema_message(error, label, model))
        return None
