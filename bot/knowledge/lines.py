"""The line of a fragment in a file, asked many times of one large file.

`find_line` (yamlfile) splits the whole text and compiles a pattern on every call: fine for
one message, but the readability check asks it twice for each of its ~150,000 warnings at
100,000 entries, in files of a quarter of a megabyte. `LineFinder` splits the text once and
searches without compiling, with the same result as `find_line`.
"""

from __future__ import annotations

import bisect
import re

_WORDS = re.compile(r"\w+")
_NON_WORDS = re.compile(r"\W+")


class LineFinder:
    """One text, split into lines once; find() answers as yamlfile.find_line does."""

    def __init__(self, text: str) -> None:
        self.text = text
        # starts[k]: the offset of line k + 1 (1-based), as the sum of the first k lines.
        self.starts = [0]
        for line in text.splitlines(keepends=True):
            self.starts.append(self.starts[-1] + len(line))
        self.newlines = [match.start() for match in re.finditer("\n", text)]

    def find(self, start: int, fragment: str) -> int:
        """The line (1-based) at or after start where the fragment's first words stand; else
        start. The words may be split by any whitespace or punctuation."""
        words = _WORDS.findall(fragment)[:4]
        if not words or not self.text:
            return start
        offset = self.starts[min(max(0, start - 1), len(self.starts) - 1)]
        found = self._search(words, offset)
        # The line of an offset: one more than the line breaks before it.
        return bisect.bisect_left(self.newlines, found) + 1 if found is not None else start

    def _search(self, words: list[str], offset: int) -> int | None:
        """Where words[0] \\W+ words[1] ... first stands at or after offset (None: nowhere).

        Each word begins with a word character, so the \\W+ between two words can only be the
        whole run of non-word characters after the first: no backtracking is needed."""
        text, first = self.text, words[0]
        at = text.find(first, offset)
        while at != -1:
            end = at + len(first)
            for word in words[1:]:
                gap = _NON_WORDS.match(text, end)
                if gap is None or not text.startswith(word, gap.end()):
                    break
                end = gap.end() + len(word)
            else:
                return at
            at = text.find(first, at + 1)
        return None
