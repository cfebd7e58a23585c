"""`newsbot check` and loading at scale: this code against a baseline, in the same run.

    python -m benchmarks.bench_check --sizes 1000 10000 100000 --data bench-out \\
        [--baseline main] [--write docs/benchmarks.md] [--json FILE]

For each size, DIR/N/knowledge (made by benchmarks/make_kb.py when missing) is
- loaded (`load_knowledge` with drafts, as `check` loads it) in a child process of its own:
  the time, and the child's peak resident memory after loading and after `Engine.build`;
- checked by a real `newsbot check` process (self-test and readability included): the wall
  time and the peak resident memory of its largest process (ru_maxrss from wait4: the
  process or the largest of the workers it waited for);
once with this checkout's code and once with the baseline's: the `bot/` package of a git
revision (default: main), unpacked with `git archive` into a temporary folder and put first
on PYTHONPATH. Both checks must print the same report (the same problems in the same order);
the benchmark says whether they did and fails if not. `--baseline none` measures this code
alone (the smoke run of `make test`, which judges no timing).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.page import machine, write_section

ROOT = Path(__file__).resolve().parent.parent
HEADING = "## `newsbot check` and loading at scale"

_LOAD = """
import json, resource, sys, time
from pathlib import Path
import bot
from bot.engine import Engine
from bot.knowledge.load import load_knowledge
root = Path(sys.argv[1])
start = time.perf_counter()
kb = load_knowledge(root, drafts=True)
loaded = time.perf_counter() - start
peak_load = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
start = time.perf_counter()
engine = Engine.build(kb)
built = time.perf_counter() - start
peak_build = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"bot": bot.__file__, "load_s": loaded, "load_peak_mb": peak_load,
                  "build_s": built, "build_peak_mb": peak_build,
                  "entries": len(kb.terms) + len(kb.sources) + len(kb.articles)}))
"""


def run_child(argv: list[str], pythonpath: Path) -> tuple[float, float, float, int, str]:
    """Run a child process: (wall seconds, CPU seconds of it and its workers, peak RSS MB of
    its largest process, exit status, its standard output)."""
    # -S: no .pth files, so the editable install's finder (which would hand out this
    # checkout's bot/ whatever PYTHONPATH says) stays out; the libraries come from the path.
    libraries = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(pythonpath), *sorted(libraries)])}
    argv = [argv[0], "-S", *argv[1:]]
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        # Run in the code's folder: the working folder comes first on the path, and this
        # checkout's bot/ is not to be found there.
        process = subprocess.Popen(
            argv, stdout=out, stderr=subprocess.DEVNULL, env=env, cwd=pythonpath
        )
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8")
    cpu = usage.ru_utime + usage.ru_stime
    return wall, cpu, usage.ru_maxrss / 1024, process.returncode, text


def measure_load(code: Path, kb: Path) -> dict[str, Any]:
    """Load and index one knowledge folder with one version of the code (a folder holding
    its bot/ package): times and peak RSS."""
    _, _, _, status, text = run_child([sys.executable, "-c", _LOAD, str(kb)], code)
    if status != 0:
        raise SystemExit(f"bench_check: loading {kb} failed (status {status})")
    result: dict[str, Any] = json.loads(text)
    return result


def measure_check(code: Path, kb: Path) -> dict[str, Any]:
    """A real `newsbot check` of one knowledge folder with one version of the code."""
    wall, cpu, peak, status, report = run_child(
        [sys.executable, "-m", "bot", "check", "--kb", str(kb)], code
    )
    return {
        "check_s": wall,
        "check_cpu_s": cpu,
        "check_peak_mb": peak,
        "check_status": status,
        "report": report,
    }


def baseline_code(revision: str, into: Path) -> Path:
    """The bot/ package of a git revision, unpacked into a folder; that folder."""
    into.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", revision, "bot"], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def knowledge(data: Path, size: int) -> Path:
    """DIR/N/knowledge, made with make_kb.py (seed 0) when it is not there yet."""
    folder = data / str(size)
    if not (folder / "knowledge" / "bot.yaml").is_file():
        subprocess.run(
            [
                *(sys.executable, str(ROOT / "benchmarks" / "make_kb.py")),
                *("--entries", str(size), "--questions", "100", "--out", str(folder)),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return folder / "knowledge"


def ratio(new: float, old: float | None) -> str:
    """new / old, two decimals; empty without a baseline."""
    return f"{new / old:.2f}" if old else ""


def table(results: list[dict[str, Any]], revision: str | None) -> list[str]:
    """The results as a Markdown table."""
    rows = [
        "| entries | code | load s | load peak MB | + index peak MB | check s | check CPU s"
        " | check peak MB | check / baseline | load peak / baseline | same report |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for item in results:
        for name in ("baseline", "new"):
            got = item.get(name)
            if got is None:
                continue
            old = item.get("baseline") if name == "new" else None
            same = "" if old is None else ("yes" if item["same_report"] else "**no**")
            rows.append(
                f"| {item['size']:,} | {revision if name == 'baseline' else 'this branch'}"
                f" | {got['load_s']:.2f} | {got['load_peak_mb']:.0f}"
                f" | {got['build_peak_mb']:.0f} | {got['check_s']:.1f} | {got['check_cpu_s']:.1f}"
                f" | {got['check_peak_mb']:.0f}"
                f" | {ratio(got['check_s'], old and old['check_s'])}"
                f" | {ratio(got['load_peak_mb'], old and old['load_peak_mb'])} | {same} |"
            )
    return rows


def main() -> int:
    """Measure, print the table, and write it into docs/benchmarks.md if asked."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--data", type=Path, default=ROOT / "bench-out")
    parser.add_argument("--baseline", default="main", help="a git revision, or none")
    parser.add_argument("--write", type=Path, help="write the section into this page")
    parser.add_argument("--json", type=Path, help="also save the raw results here")
    args = parser.parse_args()
    revision = None if args.baseline == "none" else args.baseline
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        old_code = baseline_code(revision, Path(tmp, "old")) if revision else None
        # This checkout's bot/ as it is now: edits during a long run do not change it.
        new_code = Path(tmp, "new")
        shutil.copytree(
            ROOT / "bot", new_code / "bot", ignore=shutil.ignore_patterns("__pycache__")
        )
        for size in args.sizes:
            kb = knowledge(args.data, size)
            item: dict[str, Any] = {"size": size}
            results.append(item)
            # Loading first, then the checks, the new one first: each step is printed and
            # saved as it ends, so a long run that is stopped still says what it measured.
            steps = [("new", new_code, measure_load), ("new", new_code, measure_check)]
            if old_code is not None:
                steps.insert(0, ("baseline", old_code, measure_load))
                steps.append(("baseline", old_code, measure_check))
            for name, code, step in steps:
                item.setdefault(name, {}).update(step(code, kb))
                print(f"{size}: {name} {step.__name__}: {_brief(item[name])}", flush=True)
                if args.json:
                    args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
            if old_code is not None:
                item["same_report"] = item["baseline"]["report"] == item["new"]["report"]
    rows = table(results, revision)
    print("\n".join(rows))
    if args.write:
        text = [
            HEADING,
            "",
            f"Measured with `.venv/bin/python -m benchmarks.bench_check --write {args.write}`"
            f" on {time.strftime('%Y-%m-%d')}.",
            "",
            f"- Machine: {machine()}",
            f"- Python {sys.version.split()[0]}",
            "",
            *rows,
        ]
        write_section(args.write, HEADING, "\n".join(text))
    failed = [r["size"] for r in results if r.get("same_report") is False]
    failed += [r["size"] for r in results if r["new"]["check_status"] not in (0, 1)]
    if failed:
        print(f"bench_check: the reports differ or check crashed at {failed}", file=sys.stderr)
        return 1
    return 0


def _brief(result: dict[str, Any]) -> str:
    parts = []
    if "load_s" in result:
        parts.append(
            f"load {result['load_s']:.2f} s, peak {result['load_peak_mb']:.0f} MB"
            f" (+index {result['build_peak_mb']:.0f} MB)"
        )
    if "check_s" in result:
        parts.append(
            f"check {result['check_s']:.1f} s ({result['check_cpu_s']:.1f} s CPU),"
            f" peak {result['check_peak_mb']:.0f} MB, status {result['check_status']}"
        )
    return "; ".join(parts)


if __name__ == "__main__":
    sys.exit(main())
