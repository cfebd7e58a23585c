"""How a moderator's mistake is worded: hints for missing fields, schema errors in English."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from rapidfuzz import process

# What to add when a required field is missing, by field name.
HINTS = {
    "summary": "add the short answer for young readers (at most 60 words)",
    "short": "add a one-to-three sentence explanation",
    "details": 'add the longer explanation behind "Mehr erfahren"',
    "link": "add one good web address, starting with https://",
    "url": "add the web address, starting with https://",
    "date": "add the date as YYYY-MM-DD, e.g. 2023-09-13",
    "id": "add an id of lowercase letters, digits and hyphens, equal to the file name",
    "title": "add the headline",
    "term": "add the name of the term",
    "name": "add the short name",
    "full_name": "add the full name",
    "kind": "add what it is, e.g. Nachrichtenagentur",
}


def label(data: object, key_field: str, kind: str) -> str:
    """How a message names an entry: 'term "Sanktionen"', or just its kind when unnamed."""
    if isinstance(data, dict) and isinstance(data.get(key_field), str):
        return f'{kind} "{data[key_field]}"'
    return kind


def allowed_fields(model: type[BaseModel], loc: tuple[int | str, ...]) -> list[str]:
    """The field names allowed at the parent of loc, following nested models."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        info = current.model_fields.get(part)
        if info is None:
            return []
        annotation = info.annotation
        for candidate in (annotation, *getattr(annotation, "__args__", ())):
            inner = getattr(candidate, "__args__", (candidate,))
            for option in (candidate, *inner):
                if isinstance(option, type) and issubclass(option, BaseModel):
                    current = option
                    break
    return list(current.model_fields)


def schema_message(error: Any, label: str, model: type[BaseModel]) -> str:
    """One pydantic validation error as "what is wrong - how to fix it"."""
    loc = tuple(error["loc"])
    name = next((str(p) for p in reversed(loc) if isinstance(p, str)), "value")
    kind = error["type"]
    if kind == "missing":
        hint = HINTS.get(name, "add it (see knowledge/README.md)")
        return f'{label} has no "{name}" - {hint}'
    if kind == "extra_forbidden":
        allowed = allowed_fields(model, loc)
        best = process.extractOne(name, allowed, score_cutoff=60) if allowed else None
        fix = f'did you mean "{best[0]}"?' if best else "remove it"
        return f'{label} has an unknown field "{name}" - {fix} (allowed: {", ".join(allowed)})'
    if kind == "string_too_short":
        return f'{label}: "{name}" is empty - write a text or remove the field'
    if kind == "string_too_long":
        return f'{label}: "{name}" is too long - shorten it'
    if kind == "string_type":
        return f'{label}: "{name}" must be text - write it as text, in quotes if needed'
    if kind == "list_type":
        return f'{label}: "{name}" must be a list - write one "- item" per line or [a, b]'
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f'{label}: "{name}" must be a group of fields - see knowledge/README.md'
    if kind.startswith("date") or kind.startswith("datetime"):
        return f'{label}: "{name}" is not a valid date - write it as YYYY-MM-DD, e.g. 2023-09-13'
    if kind == "string_pattern_mismatch":
        return (
            f'{label}: "{name}" may only hold lowercase letters, digits and hyphens'
            " - e.g. putin-kim-treffen"
        )
    if kind == "value_error" and "web address" in str(error.get("msg", "")):
        return f'{label}: "{name}" is not a web address - write it as https://...'
    if kind == "too_short":
        return f'{label}: "{name}" has too few items - add at least one'
    if kind == "too_long":
        return f'{label}: "{name}" has too many items - remove some'
    return f'{label}: "{name}": {error["msg"]} - see knowledge/README.md'
