"""The `newsbot` command line: run | chat | ask | check."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from bot.config import ConfigError, Settings
from bot.conversation import Conversation
from bot.engine import Engine
from bot.knowledge.base import KnowledgeError
from bot.knowledge.readability import check_readability
from bot.knowledge.selftest import self_test
from bot.logs import configure_logging, redact
from bot.models import Reply

logger = logging.getLogger(__name__)

NO_TOKEN = (
    "newsbot: TELEGRAM_BOT_TOKEN is not set. To run the Telegram bot, get a token from"
    " @BotFather in Telegram (send /newbot), then put TELEGRAM_BOT_TOKEN=<token> into the"
    " environment or into a .env file here."
)


def _load(root: Path, err: TextIO) -> Engine | None:
    """The engine over a knowledge directory, or None after printing what is wrong."""
    try:
        return Engine.load(root)
    except KnowledgeError as exc:
        for problem in exc.problems:
            print(problem, file=err)
        print(
            f"newsbot: the knowledge in {root} has {len(exc.errors)} error(s)"
            " - fix them (see `newsbot check`)",
            file=err,
        )
        return None


def render_text(reply: Reply) -> str:
    """A reply as the terminal shows it: title, text, links and numbered choices."""
    parts = []
    if reply.title and reply.kind in ("article", "term", "source"):
        parts.append(f"** {reply.title} **")
    parts.append(reply.text)
    for link in reply.links:
        parts.append(f"{link.label}: {link.url}")
    if reply.buttons:
        parts.append("  ".join(f"[{i}] {b.label}" for i, b in enumerate(reply.buttons, 1)))
    return "\n".join(parts)


def _emit(reply: Reply, as_json: bool, out: TextIO) -> None:
    if as_json:
        out.write(json.dumps(reply.to_json(), ensure_ascii=False) + "\n")
    else:
        out.write(render_text(reply) + "\n\n")
    out.flush()


def cmd_ask(args: argparse.Namespace, settings: Settings, out: TextIO, err: TextIO) -> int:
    """Answer one question, or each line of standard input on its own."""
    engine = _load(settings.knowledge_dir, err)
    if engine is None:
        return 1
    if args.question:
        _emit(engine.answer(" ".join(args.question), Conversation()), args.json, out)
        return 0
    for line in sys.stdin:
        _emit(engine.answer(line.rstrip("\r\n"), Conversation()), args.json, out)
    return 0


def cmd_chat(args: argparse.Namespace, settings: Settings, out: TextIO, err: TextIO) -> int:
    """A conversation: context carries from line to line, numbers press buttons."""
    engine = _load(settings.knowledge_dir, err)
    if engine is None:
        return 1
    context = Conversation()
    interactive = sys.stdin.isatty() and not args.json
    if interactive:
        out.write(engine.kb.texts.text("welcome") + "\n\n")
    last: Reply | None = None
    while True:
        if interactive:
            out.write("> ")
            out.flush()
        line = sys.stdin.readline()
        if not line:
            return 0
        text = line.strip()
        if last is not None and text.isdigit() and 1 <= int(text) <= len(last.buttons):
            reply = engine.press(last.buttons[int(text) - 1].action, context)
        else:
            reply = engine.answer(text, context)
        _emit(reply, args.json, out)
        last = reply


def cmd_run(args: argparse.Namespace, settings: Settings, out: TextIO, err: TextIO) -> int:
    """Run the Telegram bot; without a token, exit 2 (or chat in the terminal)."""
    if not settings.token:
        print(NO_TOKEN, file=err)
        if args.fallback_chat:
            print("newsbot: starting the chat in the terminal instead.\n", file=err)
            return cmd_chat(argparse.Namespace(json=False), settings, out, err)
        return 2
    engine = _load(settings.knowledge_dir, err)
    if engine is None:
        return 1
    # Only this command needs python-telegram-bot; the engine never imports it.
    from bot.telegram import app as telegram_app

    try:
        telegram_app.run(settings, engine)
    except telegram_app.RunError as exc:
        print(f"newsbot: {redact(str(exc), settings.secrets)}", file=err)
        return 1
    return 0


def cmd_check(args: argparse.Namespace, settings: Settings, out: TextIO, err: TextIO) -> int:
    """Validate the knowledge and run the self-test; exit 1 on errors."""
    root = settings.knowledge_dir
    try:
        engine = Engine.load(root)
    except KnowledgeError as exc:
        for problem in exc.problems:
            print(problem, file=out)
        print(f"{len(exc.errors)} error(s), {len(exc.problems) - len(exc.errors)} warning(s)")
        return 1
    problems = list(engine.kb.warnings) + check_readability(engine.kb)
    if not args.no_selftest:
        problems += self_test(engine)
    for problem in problems:
        print(problem, file=out)
    errors = sum(1 for p in problems if p.severity == "error")
    warnings = len(problems) - errors
    kb = engine.kb
    print(
        f"{len(kb.articles)} articles, {len(kb.terms)} terms, {len(kb.sources)} sources:"
        f" {errors} error(s), {warnings} warning(s)",
        file=out,
    )
    if errors or (args.strict and warnings):
        return 1
    return 0


def cmd_schema(args: argparse.Namespace, settings: Settings, out: TextIO, err: TextIO) -> int:
    """Write the JSON Schemas that editors use to check knowledge files while typing."""
    from bot.knowledge.schema import write_json_schemas

    directory = args.out or settings.knowledge_dir / "schema"
    for path in write_json_schemas(directory):
        print(path, file=out)
    return 0


def cmd_report(args: argparse.Namespace, settings: Settings, out: TextIO, err: TextIO) -> int:
    """Print the unanswered questions of the last days, grouped, with suggestions."""
    from bot.newsroom.report import build_report, render
    from bot.storage.backend import open_database
    from bot.storage.interface import Asked, StoreError

    engine = _load(settings.knowledge_dir, err)
    if engine is None:
        return 1
    data_dir: Path = args.data or settings.data_dir

    async def stored() -> list[Asked]:
        database = await open_database(data_dir, settings.retention_days)
        try:
            return await database.stats.asked(args.days)
        finally:
            await database.close()

    try:
        asked = asyncio.run(stored())
    except StoreError as exc:
        print(f"newsbot: cannot read the data in {data_dir}: {exc}", file=err)
        return 1
    out.write(render(build_report(asked, engine), args.format))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="newsbot", description="A bot that explains the news to young readers."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    def kb_option(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--kb",
            type=Path,
            metavar="DIR",
            help="knowledge directory (default: $NEWSBOT_KNOWLEDGE or knowledge/)",
        )

    run = commands.add_parser(
        "run",
        help="run the Telegram bot",
        description="Run the Telegram bot: long polling, or a webhook when NEWSBOT_WEBHOOK_URL"
        " is set. Settings come from the environment or a .env file: TELEGRAM_BOT_TOKEN"
        " (required), TELEGRAM_API_BASE_URL, NEWSBOT_KNOWLEDGE, NEWSBOT_DATA_DIR,"
        " NEWSBOT_ADMIN_IDS, NEWSBOT_RETENTION_DAYS, NEWSBOT_LOG_LEVEL, NEWSBOT_WEBHOOK_URL,"
        " NEWSBOT_WEBHOOK_LISTEN, NEWSBOT_WEBHOOK_PORT, NEWSBOT_WEBHOOK_PATH,"
        " NEWSBOT_WEBHOOK_SECRET. The daily digest: NEWSBOT_QUIET_HOURS,"
        " NEWSBOT_DIGEST_CHECK_SECONDS; testing aids: NEWSBOT_RATE_LIMIT, NEWSBOT_CLOCK_START.",
    )
    kb_option(run)
    run.add_argument(
        "--fallback-chat",
        action="store_true",
        help="without a token, chat in the terminal instead of exiting with status 2",
    )
    run.set_defaults(handler=cmd_run)

    ask = commands.add_parser("ask", help="answer questions (one per line on stdin)")
    kb_option(ask)
    ask.add_argument("--json", action="store_true", help="one JSON object per line")
    ask.add_argument("question", nargs="*", help="the question; without it, read stdin")
    ask.set_defaults(handler=cmd_ask)

    chat = commands.add_parser("chat", help="a conversation in the terminal")
    kb_option(chat)
    chat.add_argument("--json", action="store_true", help="one JSON object per line")
    chat.set_defaults(handler=cmd_chat)

    check = commands.add_parser("check", help="validate the knowledge and run the self-test")
    kb_option(check)
    check.add_argument("--strict", action="store_true", help="warnings fail too")
    check.add_argument(
        "--no-selftest", action="store_true", help="skip asking every example question"
    )
    check.set_defaults(handler=cmd_check)

    report = commands.add_parser("report", help="the questions we could not answer yet")
    kb_option(report)
    report.add_argument("--days", type=int, default=7, help="how many days back (default 7)")
    report.add_argument("--format", choices=["text", "csv", "json"], default="text")
    report.add_argument(
        "--data", type=Path, metavar="DIR", help="data directory (default: $NEWSBOT_DATA_DIR)"
    )
    report.set_defaults(handler=cmd_report)

    schema = commands.add_parser("schema", help="write the knowledge files' JSON Schemas")
    schema.add_argument(
        "--out", type=Path, metavar="DIR", help="target folder (default: knowledge/schema)"
    )
    schema.set_defaults(handler=cmd_schema)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `newsbot` console script."""
    args = build_parser().parse_args(argv)
    for stream in (sys.stdin, sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="replace")
    # Every command reads the settings the same way: the environment, then .env here.
    try:
        settings = Settings.from_env(
            default_log_level="INFO" if args.command == "run" else "WARNING"
        )
    except ConfigError as exc:
        print(f"newsbot: {exc}", file=sys.stderr)
        return 2
    if getattr(args, "kb", None) is not None:
        # --kb wins; for `run` it is also the folder watched for changes.
        settings = dataclasses.replace(settings, knowledge_dir=args.kb)
    configure_logging(settings.log_level, settings.secrets)
    try:
        code: int = args.handler(args, settings, sys.stdout, sys.stderr)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    return code


if __name__ == "__main__":
    sys.exit(main())
