"""The `newsbot` command line: run | chat | ask | check."""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from bot.config import ConfigError, Settings
from bot.conversation import Conversation
from bot.logs import configure_logging, redact
from bot.models import Reply
from bot.newsroom.commands import cmd_check, cmd_draft, cmd_report, cmd_schema, load_engine

logger = logging.getLogger(__name__)

NO_TOKEN = (
    "newsbot: TELEGRAM_BOT_TOKEN is not set. To run the Telegram bot, get a token from"
    " @BotFather in Telegram (send /newbot), then put TELEGRAM_BOT_TOKEN=<token> into the"
    " environment or into a .env file here."
)


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
    engine = load_engine(settings.knowledge_dir, err, settings.fresh_days, settings.cache_dir)
    if engine is None:
        return 1
    questions = (
        [" ".join(args.question)] if args.question else (line.rstrip("\r\n") for line in sys.stdin)
    )
    for question in questions:
        reply = engine.answer(question, Conversation())
        if not args.explain:
            _emit(reply, args.json, out)
        elif args.json:
            data = reply.to_json()
            data["explain"] = engine.matcher.explain(question).to_json()
            out.write(json.dumps(data, ensure_ascii=False) + "\n")
        else:
            out.write("\n".join(engine.matcher.explain(question).lines()) + "\n")
            out.write(f"reply: {render_text(reply)}\n\n")
        out.flush()
    return 0


def cmd_chat(args: argparse.Namespace, settings: Settings, out: TextIO, err: TextIO) -> int:
    """A conversation: context carries from line to line, numbers press buttons."""
    engine = load_engine(settings.knowledge_dir, err, settings.fresh_days, settings.cache_dir)
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
    engine = load_engine(
        settings.knowledge_dir, err, settings.fresh_days, settings.cache_dir, background=True
    )
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
    ask.add_argument(
        "--explain",
        action="store_true",
        help="why each question goes where it goes: for every word its analysed form, how it"
        " was found and which entries and fields explain it with what weight; the top entries"
        " with their scores and the rule behind each; the band and the rule that decided"
        ' (with --json: an "explain" object in each line)',
    )
    ask.add_argument("question", nargs="*", help="the question; without it, read stdin")
    ask.set_defaults(handler=cmd_ask)

    chat = commands.add_parser("chat", help="a conversation in the terminal")
    kb_option(chat)
    chat.add_argument("--json", action="store_true", help="one JSON object per line")
    chat.set_defaults(handler=cmd_chat)

    check = commands.add_parser(
        "check",
        help="validate the knowledge and run the self-test",
        description="Check a knowledge folder the way the moderators' guide"
        " (knowledge/README.md) describes it: every file against its format, the rules"
        " across files, readability, and every example question asked (self-test). It"
        " names the folder it checked and what is in it; each problem is"
        " `file:line: what is wrong - how to fix it`, errors first, then warnings grouped"
        " by kind. Exit status 1 on errors (with --strict on warnings too).",
    )
    kb_option(check)
    check.add_argument(
        "files",
        nargs="*",
        type=Path,
        metavar="FILE",
        help="check only these files, in the context of their knowledge folder",
    )
    check.add_argument("--strict", action="store_true", help="warnings fail too")
    check.add_argument(
        "--no-selftest", action="store_true", help="skip asking every example question"
    )
    check.add_argument(
        "--jobs",
        type=_positive_int,
        metavar="N",
        help="processes for the readability check and the self-test (default: one per core"
        " for large knowledge, one for small)",
    )
    check.set_defaults(handler=cmd_check)

    report = commands.add_parser(
        "report",
        help="the questions we could not answer yet, and what to write next",
        description="The questions of the last days that the bot could not answer (and those"
        ' answered with "Nichts davon" or 👎), from the running bot\'s database: grouped by'
        " topic, most asked first, each with what to write next - a question or an alias for"
        " an entry when the question names it, a related word or a new entry otherwise. Says"
        " which database and which days it read; a data folder without a database is an error.",
    )
    kb_option(report)
    report.add_argument("--days", type=int, default=7, help="how many days back (default 7)")
    report.add_argument("--format", choices=["text", "csv", "json"], default="text")
    report.add_argument(
        "--data", type=Path, metavar="DIR", help="data directory (default: $NEWSBOT_DATA_DIR)"
    )
    report.set_defaults(handler=cmd_report)

    drafting = commands.add_parser(
        "draft",
        help="draft an article from a raw article text",
        description="Read a raw article text (a web page copied as text, a newsletter,"
        " Markdown) and write a draft knowledge/articles/<id>.yaml: the id from the headline;"
        " title, authors, web address and date where the text has them (else marked TODO);"
        " summary, details and points chosen from the text's own sentences; the glossary"
        " terms and sources of the knowledge that the text names; questions from the headline"
        " and subheadings. Words the text explains inline and hard words without a glossary"
        " entry go to knowledge/drafts/<id>.yaml. The draft is marked `draft: true`: readers"
        " do not see it, and `newsbot check` lists every TODO. Never overwrites a file.",
    )
    kb_option(drafting)
    drafting.add_argument(
        "file", nargs="?", default="-", metavar="FILE", help="the raw text; - or none: stdin"
    )
    drafting.add_argument("--id", help="the article's id (default: from the headline)")
    drafting.set_defaults(handler=cmd_draft)

    schema = commands.add_parser(
        "schema",
        help="write the knowledge files' JSON Schemas",
        description="Write the JSON Schemas editors use while moderators type (knowledge/schema/):"
        " the rules of `newsbot check`, German descriptions, and the names of the terms and"
        " sources of the knowledge for completion. Run it after adding a term or a source.",
    )
    kb_option(schema)
    schema.add_argument(
        "--out", type=Path, metavar="DIR", help="target folder (default: knowledge/schema)"
    )
    schema.set_defaults(handler=cmd_schema)
    return parser


def _positive_int(value: str) -> int:
    """An argument that must be a whole number of at least 1."""
    if not value.isascii() or not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of at least 1")
    return int(value)


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
