"""Write a copy of the public evaluation set with this team's relabels applied.

The public set (../shared/eval/questions.yaml) is read-only for us; tests/data/
public_eval_relabels.yaml says which of its items a new entry now answers, and why.
Usage: python tests/public_eval.py PUBLIC.yaml RELABELS.yaml OUT.yaml
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml


def load(path: Path) -> list[dict[str, Any]]:
    """A YAML list of items, as eval-score reads it."""
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(items, list):
        raise ValueError(f"{path}: expected a list of items")
    return items


def relabelled(
    public: list[dict[str, Any]], relabels: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The public items with the accept lists of the relabels; every relabel must match once."""
    by_question = {str(r["q"]): r for r in relabels}
    for relabel in relabels:
        if not relabel.get("accept") or not str(relabel.get("why", "")).strip():
            raise ValueError(f"relabel {relabel['q']!r} needs accept and why")
    counts = {q: sum(str(item["q"]) == q for item in public) for q in by_question}
    stale = [q for q, n in counts.items() if n != 1]
    if stale:
        raise ValueError(f"relabels not found exactly once in the public set: {stale}")
    return [
        {**item, "accept": list(by_question[str(item["q"])]["accept"])}
        if str(item["q"]) in by_question
        else item
        for item in public
    ]


def main(argv: list[str]) -> int:
    """Read the public set and the relabels, write the relabelled copy."""
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    public, relabels, out = (Path(a) for a in argv)
    try:
        items = relabelled(load(public), load(relabels))
    except (OSError, ValueError, KeyError, yaml.YAMLError) as exc:
        print(f"public_eval: {exc}", file=sys.stderr)
        return 2
    out.write_text(yaml.safe_dump(items, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
