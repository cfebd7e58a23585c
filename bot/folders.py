"""Where newsbot finds its knowledge when no setting names a folder."""

from __future__ import annotations

from pathlib import Path


def default_knowledge_dir() -> Path:
    """./knowledge when the current folder has one, else knowledge/ of the installed checkout.

    The folder here comes first: a copy of the checkout run with the original's newsbot
    (an editable install) checked the original's knowledge, not the copy's.
    """
    here = Path("knowledge")
    if (here / "bot.yaml").is_file():
        return here
    checkout = Path(__file__).resolve().parent.parent / "knowledge"
    return checkout if checkout.is_dir() else here
