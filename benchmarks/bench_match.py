"""Measure what a question costs as the knowledge grows: newsbot against rapidfuzz and BM25.

    python benchmarks/bench_match.py [--sizes 100 1000 10000 100000] [--data bench-out]
        [--markdown docs/benchmarks.md] [--plot docs/bench_match.png] [--questions 625]

For each size N it writes (if missing) synthetic knowledge with benchmarks/make_kb.py into
DATA/N/, then runs each system in a child process of its own, one after the other: newsbot
(load + validate, index build, Engine.answer per question), a naive baseline (rapidfuzz
`process.extractOne` with `WRatio` and `utils.default_process` over every name, alias and
example question) and BM25 (bm25s) over the same fields. Each child reports its timings,
its peak resident memory (ru_maxrss: the whole process, interpreter and knowledge included)
and its answers to DATA/N/questions.yaml and to ../shared/eval/questions.yaml; the parent
scores them, writes the "Matching" section of the markdown page and the log-log plot.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

from bot.conversation import Conversation
from bot.engine import Engine
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.load import load_knowledge
from bot.models import Article, Reply, Source
from bot.search.analysis import fold, stem

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: benchmarks/ is not an installed package

from benchmarks.page import cpu_model, write_section  # noqa: E402

SHARED_EVAL = ROOT.parent / "shared" / "eval" / "questions.yaml"
SYSTEMS = ("newsbot", "naive", "bm25")
TITLES = {
    "newsbot": "newsbot",
    "naive": "naive rapidfuzz WRatio",
    "bm25": "BM25 (bm25s)",
}
SECTION = "## Matching"

# The baselines' thresholds for answering "none", each the best trade-off between accuracy
# and wrong answers on questions of another seed (1) at 1,000, 10,000 and 100,000 entries.
# WRatio gives 85.5 to any two questions of the same pattern ("Was ist X?", "Was ist Y?"),
# so the naive baseline needs just more than that.
NAIVE_CUTOFF = 86.0
# BM25 scores grow with the idf of rare words, about ln(documents): the best score is
# divided by that, so that one threshold holds at every size.
BM25_THRESHOLD = 0.55
# The naive baseline takes about a second per question at 100,000 entries: above this many
# entries it answers only the first NAIVE_SAMPLE questions (the file is shuffled).
NAIVE_FULL_UP_TO = 10_000
NAIVE_SAMPLE = 200
WARMUP = 10
# Load and build are timed this many times up to REPEAT_UP_TO entries (the median is shown).
LOAD_REPEATS = 5
REPEAT_UP_TO = 10_000

# Targets of issue 5.
TARGET_MEDIAN_MS = 1.0
TARGET_SPEEDUP = 100.0
TARGET_LOAD_10K_S = 2.0
TARGET_RSS_100K_MB = 300.0


# ---- the systems ----------------------------------------------------------------------------

Answerer = Callable[[str], str]


def label(reply: Reply) -> str:
    """A reply as ../shared/tools/eval-score labels it: term:NAME, article:ID, or the kind."""
    if reply.kind in ("term", "source"):
        return f"{reply.kind}:{reply.title}"
    if reply.kind == "article":
        return f"article:{reply.id}"
    return reply.kind


def entry_label(entry: object) -> str:
    """The label of an entry, as the baselines answer it."""
    if isinstance(entry, Article):
        return f"article:{entry.id}"
    assert hasattr(entry, "kind") and hasattr(entry, "name")
    return f"{entry.kind}:{entry.name}"


def fields(kb: KnowledgeBase) -> list[tuple[str, list[str]]]:
    """Per target: its label and the texts the baselines search.

    Entries give their names, aliases and example questions (articles: title, keywords,
    questions; sources: full name too). The intents and small talk of bot.yaml give their
    phrases, so that the baselines can answer "Hilfe!" as newsbot does.
    """
    targets: list[tuple[str, list[str]]] = []
    for entry in kb.entries():
        if isinstance(entry, Article):
            texts = [entry.title, *entry.keywords, *entry.questions]
        elif isinstance(entry, Source):
            texts = [entry.name, entry.full_name, *entry.aliases, *entry.questions]
        else:
            texts = [entry.name, *entry.aliases, *entry.questions]
        targets.append((entry_label(entry), texts))
    for name, intent in kb.texts.intents.items():
        targets.append((name, list(intent.phrases)))
    for talk in kb.texts.smalltalk:
        targets.append(("smalltalk", list(talk.phrases)))
    return targets


def build_newsbot(kb: KnowledgeBase) -> Answerer:
    """The real engine, as `newsbot ask` uses it."""
    engine = Engine.build(kb)
    return lambda question: label(engine.answer(question, Conversation()))


def build_naive(kb: KnowledgeBase) -> Answerer:
    """rapidfuzz extractOne with WRatio over every name, alias and question, as is."""
    from rapidfuzz import fuzz, process, utils

    choices: list[str] = []
    owners: list[str] = []
    for target, texts in fields(kb):
        choices += texts
        owners += [target] * len(texts)

    def answer(question: str) -> str:
        found = process.extractOne(
            question,
            choices,
            scorer=fuzz.WRatio,
            processor=utils.default_process,
            score_cutoff=NAIVE_CUTOFF,
        )
        return owners[found[2]] if found is not None else "none"

    return answer


def build_bm25(kb: KnowledgeBase) -> Answerer:
    """BM25 over the same fields, one document per target.

    Text is folded (case, umlauts, punctuation) and stemmed with the German Snowball stemmer
    as newsbot does, and bm25s's German stopword list is removed: BM25 gets the same
    spelling help, so what differs is the ranking and the decision to answer.
    """
    import bm25s
    from bm25s.stopwords import STOPWORDS_GERMAN
    from bm25s.tokenization import Tokenizer

    targets = fields(kb)
    stopwords = sorted({fold(word) for word in STOPWORDS_GERMAN})
    tokenizer = Tokenizer(
        lower=False, splitter=lambda text: fold(text).split(), stopwords=stopwords, stemmer=stem
    )
    corpus = tokenizer.tokenize(
        [" ".join(texts) for _, texts in targets], show_progress=False, return_as="tuple"
    )
    retriever = bm25s.BM25()
    retriever.index(corpus, show_progress=False)
    labels = [target for target, _ in targets]
    scale = math.log(1 + len(targets))

    def answer(question: str) -> str:
        ids = tokenizer.tokenize(
            [question], update_vocab=False, show_progress=False, return_as="ids"
        )
        docs, scores = retriever.retrieve(ids, k=1, show_progress=False, n_threads=0)
        if scores[0][0] / scale < BM25_THRESHOLD:
            return "none"
        return labels[int(docs[0][0])]

    return answer


BUILDERS: dict[str, Callable[[KnowledgeBase], Answerer]] = {
    "newsbot": build_newsbot,
    "naive": build_naive,
    "bm25": build_bm25,
}


# ---- one system in one child process ----------------------------------------------------------


def read_questions(path: Path) -> list[dict[str, Any]]:
    """Items of a question file: q, accept and (in generated files) kind."""
    with path.open(encoding="utf-8") as f:
        items = yaml.load(f, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return list(items or [])


def peak_rss_mb() -> float:
    """This process's peak resident set size in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(system: str, data: Path, limit: int | None) -> dict[str, Any]:
    """Load, build and ask; everything the parent needs, as plain data."""
    if system == "bm25":
        # Import time is not build time: import before the clock starts.
        import bm25s.tokenization  # noqa: F401
    started = time.perf_counter()
    kb = load_knowledge(data / "knowledge")
    loaded = time.perf_counter()
    answer = BUILDERS[system](kb)
    built = time.perf_counter()
    questions = read_questions(data / "questions.yaml")
    if limit is not None:
        questions = questions[:limit]
    for item in questions[:WARMUP]:
        answer(item["q"])
    times: list[int] = []
    answers: list[str] = []
    for item in questions:
        start = time.perf_counter_ns()
        got = answer(item["q"])
        times.append(time.perf_counter_ns() - start)
        answers.append(got)
    shared = read_questions(SHARED_EVAL) if SHARED_EVAL.exists() else []
    shared_answers = [answer(item["q"]) for item in shared]
    peak = peak_rss_mb()
    entries = sum(1 for _ in kb.entries())
    loads, builds = [loaded - started], [built - loaded]
    # The machine is shared: load and build again (after the peak memory is read) and
    # report the median, where that is cheap enough.
    del answer, kb
    for _ in range(LOAD_REPEATS - 1 if entries <= REPEAT_UP_TO else 0):
        started = time.perf_counter()
        again = load_knowledge(data / "knowledge")
        loaded = time.perf_counter()
        BUILDERS[system](again)
        built = time.perf_counter()
        del again
        loads.append(loaded - started)
        builds.append(built - loaded)
    return {
        "system": system,
        "entries": entries,
        "load_s": statistics.median(loads),
        "build_s": statistics.median(builds),
        "load_runs": len(loads),
        "times_ns": times,
        "answers": answers,
        "shared_answers": shared_answers,
        "peak_rss_mb": peak,
    }


# ---- the parent: data, children, scores, page ----------------------------------------------


@dataclass
class Score:
    """Accuracy and wrong-answer rate on a set of questions."""

    n: int
    right: int
    wrong: int

    @property
    def accuracy(self) -> float:
        """Share of questions answered as accepted."""
        return self.right / self.n if self.n else 0.0

    @property
    def wrong_rate(self) -> float:
        """Share answered with something not accepted (saying "none" is not wrong)."""
        return self.wrong / self.n if self.n else 0.0


def score(items: Sequence[dict[str, Any]], answers: Sequence[str]) -> Score:
    """Score answers against accept lists, as ../shared/tools/eval-score does."""
    right = wrong = 0
    for item, got in zip(items, answers, strict=False):
        accept = [a.casefold() for a in item["accept"]]
        if got.casefold() in accept:
            right += 1
        elif got != "none":
            wrong += 1
    return Score(min(len(items), len(answers)), right, wrong)


def ensure_data(data: Path, entries: int, questions: int) -> None:
    """Generate DATA/knowledge and DATA/questions.yaml unless they are there."""
    if (data / "questions.yaml").exists() and (data / "knowledge").is_dir():
        return
    command = [
        sys.executable,
        str(ROOT / "benchmarks" / "make_kb.py"),
        *("--entries", str(entries), "--out", str(data), "--questions", str(questions)),
    ]
    subprocess.run(command, check=True)


def run_child(system: str, data: Path, limit: int | None) -> dict[str, Any]:
    """Run one system in a fresh interpreter and read its JSON report."""
    command = [sys.executable, __file__, "--worker", system, "--data", str(data)]
    if limit is not None:
        command += ["--limit", str(limit)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return result


def percentile(values: Sequence[int], share: float) -> float:
    """The share-th percentile (nearest rank) of values, in milliseconds."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[rank] / 1e6


def summarise(result: dict[str, Any], items: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Turn a child's raw report into the numbers of the table."""
    times = result["times_ns"]
    shared = read_questions(SHARED_EVAL) if SHARED_EVAL.exists() else []
    asked = items[: len(result["answers"])]
    by_kind: dict[str, list[int]] = {}
    for item, got in zip(asked, result["answers"], strict=True):
        accept = [a.casefold() for a in item["accept"]]
        counts = by_kind.setdefault(str(item.get("kind", "")), [0, 0])
        counts[0] += 1
        counts[1] += got.casefold() in accept
    return {
        **{k: result[k] for k in ("system", "entries", "load_s", "build_s", "peak_rss_mb")},
        "load_runs": result.get("load_runs", 1),
        "questions": len(times),
        "median_ms": statistics.median(times) / 1e6,
        "p99_ms": percentile(times, 0.99),
        "score": score(asked, result["answers"]),
        # On the questions a sampled baseline answers, for a like-for-like comparison.
        "sample": score(asked[:NAIVE_SAMPLE], result["answers"][:NAIVE_SAMPLE]),
        "shared": score(shared, result["shared_answers"]) if shared else None,
        "by_kind": by_kind,
        "answers": result["answers"],
    }


def machine() -> list[str]:
    """Lines describing the machine and the versions measured."""
    cpu = cpu_model()
    memory = ""
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory = f", {pages / 2**30:.0f} GiB RAM"
    except (ValueError, OSError):
        pass
    packages = ["rapidfuzz", "bm25s", "numpy", "PyYAML", "pydantic", "snowballstemmer"]
    packages.append("wordfreq")
    versions = ", ".join(f"{name} {metadata.version(name)}" for name in packages)
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    return [
        f"- Machine: {cpu}, {os.cpu_count()} cores{memory}; {platform.platform()}",
        f"- Python {platform.python_version()}; {versions}",
        f"- newsbot commit {commit}, measured {time.strftime('%Y-%m-%d')}",
    ]


def _ms(value: float) -> str:
    return f"{value:.3f}" if value < 10 else f"{value:.0f}"


def _n(value: int) -> str:
    return f"{value:,}"


def table(rows: Sequence[dict[str, Any]]) -> list[str]:
    """The results as a markdown table, one row per size and system."""
    lines = [
        "| entries | system | load + validate s | build s | median ms | p99 ms | questions |"
        " accuracy | wrong | shared eval accuracy / wrong | peak RSS MB |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        shared = row["shared"]
        shared_text = f"{shared.accuracy:.3f} / {shared.wrong_rate:.3f}" if shared else "-"
        lines.append(
            f"| {_n(row['entries'])} | {TITLES[row['system']]} | {row['load_s']:.2f} |"
            f" {row['build_s']:.2f} | {_ms(row['median_ms'])} | {_ms(row['p99_ms'])} |"
            f" {row['questions']} | {row['score'].accuracy:.3f} | {row['score'].wrong_rate:.3f} |"
            f" {shared_text} | {row['peak_rss_mb']:.0f} |"
        )
    return lines


def kinds_table(rows: Sequence[dict[str, Any]]) -> list[str]:
    """Accuracy by kind of question at the largest size."""
    largest = max(row["entries"] for row in rows)
    chosen = [row for row in rows if row["entries"] == largest]
    kinds = sorted({k for row in chosen for k in row["by_kind"]})
    lines = [
        "| kind of question | " + " | ".join(TITLES[r["system"]] for r in chosen) + " |",
        "|---|" + "---:|" * len(chosen),
    ]
    for kind in kinds:
        cells = []
        for row in chosen:
            total, right = row["by_kind"].get(kind, [0, 0])
            cells.append(f"{right}/{total}" if total else "-")
        lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    return lines


def targets(rows: Sequence[dict[str, Any]]) -> list[str]:
    """Each target of issue 5 with the measured value and whether it is met."""
    get = {(row["entries"], row["system"]): row for row in rows}
    sizes = sorted({row["entries"] for row in rows})
    largest = sizes[-1]
    lines = ["| target | measured | met |", "|---|---|---|"]

    def add(target: str, measured: str, met: bool) -> None:
        lines.append(f"| {target} | {measured} | {'yes' if met else '**no**'} |")

    ours = get.get((largest, "newsbot"))
    naive = get.get((largest, "naive"))
    if ours:
        add(
            f"median per question at {_n(largest)} entries ≤ {TARGET_MEDIAN_MS} ms",
            f"{ours['median_ms']:.3f} ms",
            ours["median_ms"] <= TARGET_MEDIAN_MS,
        )
        add(
            f"peak memory at {_n(largest)} entries ≤ {TARGET_RSS_100K_MB:.0f} MB",
            f"{ours['peak_rss_mb']:.0f} MB RSS",
            ours["peak_rss_mb"] <= TARGET_RSS_100K_MB,
        )
    if ours and naive:
        speedup = naive["median_ms"] / ours["median_ms"]
        add(
            f"≥ {TARGET_SPEEDUP:.0f}× faster than naive at {_n(largest)} entries",
            f"{speedup:,.0f}×",
            speedup >= TARGET_SPEEDUP,
        )
    ten = get.get((10_000, "newsbot"))
    if ten:
        total = ten["load_s"] + ten["build_s"]
        add(
            f"10,000 entries load, validate and index ≤ {TARGET_LOAD_10K_S} s",
            f"{total:.2f} s",
            total <= TARGET_LOAD_10K_S,
        )
    for size in sizes:
        ours = get.get((size, "newsbot"))
        others = [get[(size, s)] for s in ("naive", "bm25") if (size, s) in get]
        if not ours or not others:
            continue
        for other in others:
            # A sampled baseline is compared on its sample, the others on every question.
            sampled = other["questions"] < ours["questions"]
            mine = ours["sample"] if sampled else ours["score"]
            theirs = other["score"]
            on = f" (first {other['questions']} questions)" if sampled else ""
            add(
                f"{_n(size)} entries: accuracy ≥ {TITLES[other['system']]}, wrong ≤ its{on}",
                f"{mine.accuracy:.3f} vs {theirs.accuracy:.3f}; wrong {mine.wrong_rate:.3f}"
                f" vs {theirs.wrong_rate:.3f}",
                mine.accuracy >= theirs.accuracy and mine.wrong_rate <= theirs.wrong_rate,
            )
    return lines


def plot(rows: Sequence[dict[str, Any]], path: Path) -> None:
    """Log-log plot of median (line) and p99 (dashed) time per question against entries."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(7, 4.5), dpi=110)
    for system, color in zip(SYSTEMS, ("tab:blue", "tab:red", "tab:green"), strict=True):
        mine = sorted((r for r in rows if r["system"] == system), key=lambda r: r["entries"])
        if not mine:
            continue
        xs = [r["entries"] for r in mine]
        axes.plot(xs, [r["median_ms"] for r in mine], "o-", color=color, label=TITLES[system])
        axes.plot(xs, [r["p99_ms"] for r in mine], "--", color=color, alpha=0.5)
    axes.axhline(TARGET_MEDIAN_MS, color="grey", linewidth=0.8, linestyle=":")
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlabel("entries in the knowledge")
    axes.set_ylabel("time per question, ms (median; dashed: p99)")
    axes.set_title("What a question costs as the knowledge grows")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend()
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    plt.close(figure)


def section(rows: Sequence[dict[str, Any]], plot_name: str, notes: str) -> str:
    """The "Matching" section of the benchmarks page."""
    naive_sampled = any(r["system"] == "naive" and r["entries"] > NAIVE_FULL_UP_TO for r in rows)
    parts = [
        SECTION,
        "",
        "What a question costs as the knowledge grows, for newsbot's matcher and two baselines"
        " measured in the same run. Reproduce with `make bench` (about a quarter of an hour);"
        " `make bench-smoke` runs 1,000 entries as part of `make test`.",
        "",
        *machine(),
        "",
        *table(rows),
        "",
        f"![time per question against entries]({plot_name})",
        "",
        "Accuracy by kind of question at the largest size (right / asked):",
        "",
        *kinds_table(rows),
        "",
        "### Targets",
        "",
        *targets(rows),
        "",
        "### How it is measured",
        "",
        "- Knowledge: `benchmarks/make_kb.py --entries N` (seed 0): the shipped knowledge plus"
        " synthetic glossary terms (compounds and adjective-noun names from the wordfreq German"
        " word list, 1-3 aliases, 1-2 example questions, 3-6 sentences of text), 1 % articles"
        " and 0.5 % sources, in the real file format; `newsbot check` accepts it.",
        "- Questions: 500 drawn from the entries, in phrasings other than the example"
        " questions, with typos (a letter dropped, doubled or swapped), inflection, dropped"
        " umlauts or lower case; a typed form as close to another entry's name as to its own is"
        " redrawn. 125 are out of scope (words nowhere in the knowledge, compounds of them, and"
        " near misses: a known word joined to an unknown one); they accept only `none`.",
        "- Each system runs in a child process of its own, one after the other in the same"
        " run: load + validate is `load_knowledge` (the baselines load the same way; only"
        " newsbot's is shown in the targets); build is `Engine.build` for newsbot (index and"
        " composer), the list of choices for naive, `bm25s` indexing for BM25; both are the"
        f" median of {LOAD_REPEATS} runs up to {_n(REPEAT_UP_TO)} entries, one run above."
        " Time per question"
        f" is `time.perf_counter_ns` around one call (`Engine.answer`, the whole reply; after"
        f" {WARMUP} warm-up questions); peak memory is the child's `ru_maxrss`, the resident"
        " set of the whole process (interpreter, knowledge and index).",
        f"- Naive: `process.extractOne(q, choices, scorer=WRatio, processor=default_process,"
        f" score_cutoff={NAIVE_CUTOFF:g})` over every name, alias, full name, keyword and example"
        " question, and the phrases of bot.yaml's intents and small talk; below the cutoff it"
        " answers none.",
        "- BM25: `bm25s` with the default parameters, one document per entry (and intent) from"
        " the same fields, folded and Snowball-stemmed like newsbot's text, bm25s's German"
        " stopwords removed; it answers none when the best score divided by ln(1 + documents)"
        f" is below {BM25_THRESHOLD:g}.",
        "- Both thresholds are the best trade-off of accuracy against wrong answers on questions"
        " of another seed at 1,000, 10,000 and 100,000 entries (WRatio gives 85.5 to any two"
        ' questions of one pattern, such as "Was ist X?" and "Was ist Y?").',
        "- Shared eval: `../shared/eval/questions.yaml` asked with the synthetic entries in"
        " the knowledge: more knowledge must not make the real questions go wrong.",
    ]
    if naive_sampled:
        parts.append(
            f"- Above {_n(NAIVE_FULL_UP_TO)} entries the naive baseline answers only the first"
            f" {NAIVE_SAMPLE} questions (they are shuffled), to keep the run short; its"
            " accuracy there is on that sample, and the targets compare newsbot on the same"
            " questions."
        )
    if notes:
        parts += ["", notes.strip()]
    return "\n".join(parts) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Run every size and system, then write the page and the plot."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1_000, 10_000, 100_000])
    parser.add_argument("--data", type=Path, default=ROOT / "bench-out")
    parser.add_argument("--questions", type=int, default=625)
    parser.add_argument("--markdown", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--plot", type=Path, default=ROOT / "docs" / "bench_match.png")
    parser.add_argument("--notes", type=Path, default=ROOT / "benchmarks" / "match_notes.md")
    parser.add_argument("--systems", nargs="+", default=list(SYSTEMS), choices=SYSTEMS)
    parser.add_argument("--json", type=Path, help="also write the raw numbers here")
    parser.add_argument(
        "--from-json", type=Path, help="write the page and plot from numbers saved with --json"
    )
    parser.add_argument("--worker", choices=SYSTEMS, help=argparse.SUPPRESS)
    parser.add_argument("--limit", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        report = worker(args.worker, args.data, args.limit)
        print(json.dumps(report))
        return 0

    rows = load_rows(args.from_json) if args.from_json else measure(args)
    if args.json and not args.from_json:
        raw = [
            {
                **r,
                "score": vars(r["score"]),
                "sample": vars(r["sample"]),
                "shared": vars(r["shared"]) if r["shared"] else None,
            }
            for r in rows
        ]
        args.json.write_text(json.dumps(raw, indent=1), encoding="utf-8")
    notes = args.notes.read_text(encoding="utf-8") if args.notes.exists() else ""
    plot(rows, args.plot)
    plot_name = os.path.relpath(args.plot, args.markdown.parent)
    write_section(args.markdown, SECTION, section(rows, plot_name, notes))
    print(f"bench_match: wrote {args.markdown} and {args.plot}")
    return 0


def load_rows(path: Path) -> list[dict[str, Any]]:
    """Rows saved with --json, with their scores as Score again."""
    rows = json.loads(path.read_text(encoding="utf-8"))
    for row in rows:
        row["score"] = Score(**row["score"])
        row["shared"] = Score(**row["shared"]) if row["shared"] else None
        row["sample"] = Score(**row["sample"])
    return list(rows)


def measure(args: argparse.Namespace) -> list[dict[str, Any]]:
    """Every size and system, each system in a child process."""
    rows = []
    for size in args.sizes:
        data = args.data / str(size)
        ensure_data(data, size, args.questions)
        items = read_questions(data / "questions.yaml")
        for system in args.systems:
            limit = NAIVE_SAMPLE if system == "naive" and size > NAIVE_FULL_UP_TO else None
            row = summarise(run_child(system, data, limit), items)
            rows.append(row)
            print(
                f"bench_match: {size:>7} {system:8} load {row['load_s']:6.2f} s"
                f"  build {row['build_s']:6.2f} s  median {row['median_ms']:9.3f} ms"
                f"  p99 {row['p99_ms']:9.3f} ms  acc {row['score'].accuracy:.3f}"
                f"  wrong {row['score'].wrong_rate:.3f}  rss {row['peak_rss_mb']:5.0f} MB",
                flush=True,
            )
    return rows


if __name__ == "__main__":
    sys.exit(main())
