# The two commands of the README: `make run` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SHARED := ../shared

.PHONY: run test lint typecheck unit unit-scaled eval fuzz fuzz-smoke bench bench-smoke \
	bench-digest bench-digest-smoke bench-storage bench-storage-smoke bench-shared \
	bench-shared-smoke install clean nginx e2e-scaled bench-webhook bench-webhook-smoke \
	bench-check bench-check-smoke bench-reload bench-reload-smoke

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/newsbot run --fallback-chat

test: lint typecheck unit unit-scaled eval fuzz-smoke bench-smoke bench-digest-smoke \
	bench-storage-smoke bench-shared-smoke bench-webhook-smoke bench-check-smoke bench-reload-smoke

lint: $(STAMP)
	$(BIN)/ruff check bot tests benchmarks
	$(BIN)/ruff format --check bot tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy bot

unit: $(STAMP) nginx
	$(BIN)/newsbot check
	$(BIN)/python -m pytest

# nginx from the OS packages, for the scaled mode's end-to-end tests and benchmark (they start
# it themselves with docs/deploy/nginx.conf rendered into a temporary folder). policy-rc.d keeps
# the package from starting the system's nginx on port 80 while it installs.
nginx:
	@command -v nginx >/dev/null 2>&1 || { \
		echo "nginx: installing it from the OS packages"; \
		had=0; test -e /usr/sbin/policy-rc.d && had=1; \
		test $$had = 1 || { printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; \
			chmod +x /usr/sbin/policy-rc.d; }; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx; \
		status=$$?; test $$had = 1 || rm -f /usr/sbin/policy-rc.d; exit $$status; }

# Two `newsbot run` replicas behind nginx on Postgres and Redis: the kill tests (issue 15).
e2e-scaled: $(STAMP) nginx
	$(BIN)/python -m pytest tests/test_e2e_scaled.py

# The whole suite again in the scaled mode: every test's database in PostgreSQL (a schema of
# its own, dropped after it; tests/helpers/stores.py) and the shared state in Redis, on the
# servers of tests/helpers/servers.py. Where they do not answer, the skips say so (CI fails).
unit-scaled: $(STAMP) nginx
	NEWSBOT_TEST_SCALED=1 $(BIN)/python -m pytest

# The public set is read-only for us and was written for 21 terms: first its plain score, then
# the score of a copy with tests/data/public_eval_relabels.yaml applied (items a new entry now
# answers, each with why); the thresholds hold for the relabelled copy.
PUBLIC_EVAL := $(SHARED)/eval/questions.yaml
RELABELS := tests/data/public_eval_relabels.yaml

eval: $(STAMP)
	@if [ ! -f $(PUBLIC_EVAL) ]; then \
		echo "eval: $(PUBLIC_EVAL) not found, skipping the shared evaluation"; exit 0; \
	fi; \
	tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	echo "eval, public set as published:" && \
	$(BIN)/python $(SHARED)/tools/eval-score $(PUBLIC_EVAL) --quiet && \
	$(BIN)/python tests/public_eval.py $(PUBLIC_EVAL) $(RELABELS) "$$tmp/questions.yaml" && \
	echo "eval, public set with $(RELABELS) applied:" && \
	$(BIN)/python $(SHARED)/tools/eval-score "$$tmp/questions.yaml" \
		--min-accuracy 0.98 --max-wrong 0.01

# A short fuzz run keeps benchmarks/fuzz.py working and finds crashes; it judges no timing
# (shared machines are noisy). `make fuzz` runs all 100,000 with the 50 ms target, and
# 100,000 updates with hostile field values through the intake and the handlers.
fuzz-smoke: $(STAMP)
	$(BIN)/python benchmarks/fuzz.py --count 3000 --cli 500 --handlers 1000 --hostile 1000 \
		--max-ms 0

fuzz: $(STAMP)
	$(BIN)/python benchmarks/fuzz.py --count 100000 --cli 5000 --handlers 100000 \
		--hostile 100000

# The matching benchmark (docs/benchmarks.md, section Matching): synthetic knowledge of each
# size in bench-out/ (ignored by git), then newsbot against naive rapidfuzz and BM25.
BENCH_SIZES := 100 1000 10000 100000
BENCH_OUT := bench-out

bench: $(STAMP)
	for n in $(BENCH_SIZES); do \
		$(BIN)/python benchmarks/make_kb.py --entries $$n --out $(BENCH_OUT)/$$n || exit 1; \
	done
	$(BIN)/python benchmarks/bench_match.py --sizes $(BENCH_SIZES) --data $(BENCH_OUT) \
		--json $(BENCH_OUT)/results.json

# 1,000 entries and 100 questions in a temporary folder, docs/ untouched: keeps the benchmark
# scripts working, and newsbot check must accept the generated knowledge (self-test included).
bench-smoke: $(STAMP)
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(BIN)/python benchmarks/make_kb.py --entries 1000 --questions 100 --out "$$tmp/1000" && \
	{ $(BIN)/newsbot check --kb "$$tmp/1000/knowledge" > "$$tmp/check.txt" \
		|| { cat "$$tmp/check.txt"; exit 1; }; } && tail -1 "$$tmp/check.txt" && \
	$(BIN)/python benchmarks/bench_match.py --sizes 1000 --data "$$tmp" \
		--markdown "$$tmp/benchmarks.md" --plot "$$tmp/bench_match.png"
# The daily digest to 10,000 subscribers at Telegram's 30 messages a second (about six
# minutes); the results go into docs/benchmarks.md. 50 subscribers keep it working in `make test`.
bench-digest: $(STAMP)
	$(BIN)/python -m benchmarks.bench_digest --write docs/benchmarks.md

bench-digest-smoke: $(STAMP)
	$(BIN)/python -m benchmarks.bench_digest --subscribers 50 --reader-every 0.3 > /dev/null

# `newsbot check` and loading at 1,000, 10,000 and 100,000 entries against main's code, in the
# same run (docs/benchmarks.md; 100,000 takes about half an hour). The smoke run of `make test`
# checks 1,000 entries with this code alone and judges no timing.
CHECK_SIZES := 1000 10000 100000

bench-check: $(STAMP)
	$(BIN)/python -m benchmarks.bench_check --sizes $(CHECK_SIZES) --data $(BENCH_OUT) \
		--baseline main --json $(BENCH_OUT)/check.json

bench-check-smoke: $(STAMP)
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(BIN)/python -m benchmarks.bench_check --sizes 1000 --data "$$tmp" --baseline none > /dev/null

# Start-up, one edit going live and the replies meanwhile, with the snapshot and without it
# (docs/benchmarks.md, section Reload and warm start); 100,000 entries take many minutes.
# The smoke run (1,000 entries, in a temporary folder) judges only that every edit went live
# and every question was answered, no timing.
bench-reload: $(STAMP)
	$(BIN)/python -m benchmarks.bench_reload --sizes 1000 10000 100000 --data $(BENCH_OUT) \
		--json $(BENCH_OUT)/reload.json --write docs/benchmarks.md

bench-reload-smoke: $(STAMP)
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(BIN)/python -m benchmarks.bench_reload --sizes 1000 --data "$$tmp" --smoke > /dev/null

# Updates a second through nginx to one and to two webhook replicas, in one run (on Postgres
# and Redis when they answer), and the digest with two: docs/benchmarks.md. Small in `make test`.
bench-webhook: $(STAMP) nginx
	$(BIN)/python -m benchmarks.bench_webhook --write docs/benchmarks.md

bench-webhook-smoke: $(STAMP) nginx
	$(BIN)/python -m benchmarks.bench_webhook --updates 100 --subscribers 60 > /dev/null

# The cost of each storage operation on SQLite and on PostgreSQL in one run, with the ratio
# (docs/benchmarks.md, section Storage backends); 50 calls each keep it working in `make test`.
bench-storage: $(STAMP)
	$(BIN)/python -m benchmarks.bench_storage --write docs/benchmarks.md

bench-storage-smoke: $(STAMP)
	$(BIN)/python -m benchmarks.bench_storage --count 50 > /dev/null

# What the shared state's round trips cost per update, memory against Redis (on 127.0.0.1, or
# NEWSBOT_TEST_REDIS_URL), into docs/benchmarks.md; the smoke run keeps it working, no timing.
bench-shared: $(STAMP)
	$(BIN)/python -m benchmarks.bench_shared --write docs/benchmarks.md

bench-shared-smoke: $(STAMP)
	$(BIN)/python -m benchmarks.bench_shared --updates 50 --concurrent 4 > /dev/null

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
