"""The command line: python -m bot {run,console,ask,migrate,...}.

Heavy imports happen inside each command so that `--help` answers at once.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.settings import Settings

EXIT_CONFIG = 2
EXIT_UNREACHABLE = 3

logger = logging.getLogger("bot")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in the form YYYY-MM-DD: {text!r}") from None


def _add_today(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--today",
        type=_date,
        metavar="YYYY-MM-DD",
        help="behave as if today were this date (rehearse the program on any day)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Telegram assistant for Kaohsiung's gifted-education teacher communities.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    run = commands.add_parser(
        "run", help="run the bot against Telegram (long polling, or a webhook with --webhook)"
    )
    _add_today(run)
    run.add_argument(
        "--webhook",
        metavar="URL",
        help="serve a webhook at this public https URL instead of polling (see README)",
    )
    run.add_argument(
        "--line",
        action="store_true",
        help="serve LINE's webhook at /line/webhook: alone without TELEGRAM_BOT_TOKEN, beside "
        "Telegram with it (on by itself when both messengers are configured; see README: LINE)",
    )
    run.add_argument(
        "--listen", default="127.0.0.1", help="webhooks (Telegram's, LINE's): address to listen on"
    )
    run.add_argument(
        "--port", type=int, default=8443, help="webhooks (Telegram's, LINE's): port to listen on"
    )
    run.set_defaults(handler=_cmd_run)

    console = commands.add_parser(
        "console", help="chat with the bot in this terminal (no token, no network)"
    )
    _add_today(console)
    console.add_argument("--user-id", type=int, default=10001, help="your Telegram user id")
    console.add_argument("--name", default="王老師", help="your Telegram first name")
    console.add_argument("--language", default="zh-hant", help="your Telegram language code")
    console.add_argument("--admin", action="store_true", help="be bureau staff")
    console.add_argument(
        "--channel",
        choices=["telegram", "line"],
        default="telegram",
        help="the messenger to play (line: the LINE webhook handling, as a LINE user)",
    )
    console.set_defaults(handler=_cmd_console)

    ask = commands.add_parser("ask", help="answer program questions from the command line")
    _add_today(ask)
    ask.add_argument("question", nargs="*", help="the question (omit with --batch)")
    ask.add_argument("--json", action="store_true", help="print one JSON object per answer")
    ask.add_argument("--batch", metavar="FILE", help="read one question per line from FILE")
    ask.set_defaults(handler=_cmd_ask)

    reminders = commands.add_parser("reminders", help="list the reminder plan: when, to whom, what")
    _add_today(reminders)
    reminders.add_argument("--language", default="zh-TW", help="zh-TW (default) or en")
    reminders.set_defaults(handler=_cmd_reminders)

    migrate = commands.add_parser("migrate", help="create or upgrade the database schema")
    migrate.set_defaults(handler=_cmd_migrate)

    export = commands.add_parser(
        "export", help="export the records (workbook, or one community's 社群運作紀錄)"
    )
    export.add_argument(
        "--format",
        dest="fmt",
        default="ods",
        choices=["ods", "xlsx", "csv", "odt", "docx"],
        help="ods/xlsx/csv: the workbook of all communities; odt/docx: one community's record "
        "with --community, else every community's record in one .zip",
    )
    export.add_argument(
        "--community", type=int, metavar="ID", help="one community's record (odt/docx)"
    )
    export.add_argument(
        "--year", type=int, metavar="ROC_YEAR", help="program year (default: current)"
    )
    export.add_argument("--out", default=".", metavar="DIR", help="where to write the file")
    export.add_argument("--language", default="zh-TW", choices=["zh-TW", "en"])
    export.set_defaults(handler=_cmd_export)

    backup = commands.add_parser("backup", help="copy the database consistently while it runs")
    backup.add_argument("--output", metavar="FILE", help="where to write the copy")
    backup.set_defaults(handler=_cmd_backup)

    demo = commands.add_parser(
        "demo", help="fill the database with a rehearsed program year (try /review, /stats)"
    )
    _add_today(demo)
    demo.set_defaults(handler=_cmd_demo)

    rich_menu = commands.add_parser(
        "line-rich-menu",
        help="upload the LINE rich menu (deploy/line-rich-menu.json) with its image as default",
    )
    rich_menu.add_argument("--menu", metavar="FILE", help="the rich menu JSON (default: shipped)")
    rich_menu.add_argument(
        "--image", metavar="FILE", help="the menu's PNG or JPEG, of the menu's size, ≤ 1 MB"
    )
    rich_menu.add_argument(
        "--check", action="store_true", help="only ask LINE whether it accepts the menu"
    )
    rich_menu.set_defaults(handler=_cmd_line_rich_menu)

    deadletters = commands.add_parser(
        "deadletters", help="list the updates kept aside because they could not be handled"
    )
    deadletters.add_argument("--show", type=int, metavar="ID", help="print one letter's raw JSON")
    deadletters.add_argument("--limit", type=int, default=100, help="how many to list (newest)")
    deadletters.set_defaults(handler=_cmd_deadletters)
    return parser


def _settings() -> Settings:
    from bot.logs import set_personal_data
    from bot.settings import load_settings

    settings = load_settings()
    set_personal_data(settings.LOG_PERSONAL_DATA, settings.log_hash_key())
    if settings.LOG_PERSONAL_DATA:
        logger.warning(
            "LOG_PERSONAL_DATA is on: the logs will contain names, usernames, message texts "
            "and user ids; turn it off when you are done"
        )
    return settings


def _cmd_run(args: argparse.Namespace) -> int:
    from bot.runner import LineListen, run_polling, run_webhook

    settings = _settings()
    # Telegram runs whenever its token is set; LINE when asked for (--line) or, beside
    # Telegram, when both LINE settings are set too. --line alone, without a token: LINE alone.
    line = args.line or (settings.has_line_credentials() and settings.has_token())
    if line and not settings.has_token() and not args.webhook:
        from bot.line_runner import run_line

        return run_line(settings, listen=args.listen, port=args.port, today=args.today)
    if args.webhook:
        return run_webhook(
            settings,
            args.webhook,
            listen=args.listen,
            port=args.port,
            today=args.today,
            line=line,
        )
    return run_polling(
        settings, args.today, line=LineListen(args.listen, args.port) if line else None
    )


def _cmd_console(args: argparse.Namespace) -> int:
    if args.channel == "line":
        from bot.line_console import run_line_console

        return run_line_console(
            _settings(), today=args.today, name=args.name, language=_line_language(args.language)
        )
    from bot.console import run_console

    return run_console(
        _settings(),
        today=args.today,
        user_id=args.user_id,
        name=args.name,
        language_code=args.language,
        admin=args.admin,
    )


def _line_language(telegram_code: str) -> str:
    # LINE reports languages as BCP 47 tags ("zh-Hant", "en"); Telegram's codes are lower case.
    return "zh-Hant" if telegram_code.lower().startswith("zh") else telegram_code


def _cmd_ask(args: argparse.Namespace) -> int:
    from bot.ask import run_ask

    if args.batch is None and not args.question:
        print("ask: give a question, or --batch FILE", file=sys.stderr)
        return EXIT_CONFIG
    return run_ask(
        _settings(),
        questions=[" ".join(args.question)] if args.question else None,
        batch_file=args.batch,
        as_json=args.json,
        today=args.today,
    )


def _cmd_reminders(args: argparse.Namespace) -> int:
    from reminders.cli import run_reminders_cli

    return run_reminders_cli(_settings(), args.today, args.language)


def _cmd_migrate(args: argparse.Namespace) -> int:
    from db.engine import migrate_blocking

    migrate_blocking(_settings().database_url)
    print("database is up to date")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from pathlib import Path

    from bot.export_cli import run_export

    return run_export(
        _settings(),
        fmt=args.fmt,
        out_dir=Path(args.out),
        community_id=args.community,
        program_year=args.year,
        language=args.language,
    )


def _cmd_backup(args: argparse.Namespace) -> int:
    from bot.backup import run_backup

    code, message = run_backup(_settings(), args.output)
    print(message, file=sys.stdout if code == 0 else sys.stderr)
    return code


def _cmd_demo(args: argparse.Namespace) -> int:
    from bot.demo import run_demo

    return run_demo(_settings(), today=args.today)


def _cmd_line_rich_menu(args: argparse.Namespace) -> int:
    from pathlib import Path

    from bot.line_rich_menu import RICH_MENU_FILE, run_rich_menu

    return run_rich_menu(
        _settings(),
        menu_file=Path(args.menu) if args.menu else RICH_MENU_FILE,
        image_file=Path(args.image) if args.image else None,
        check_only=args.check,
    )


def _cmd_deadletters(args: argparse.Namespace) -> int:
    from bot.deadletters_cli import run_deadletters

    return run_deadletters(_settings(), show=args.show, limit=args.limit)


def _default_level(command: str) -> int:
    # The console and ask print for a person; only `run` narrates its work by default.
    return logging.INFO if command == "run" else logging.WARNING


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line and run the chosen command; return the exit code."""
    args = build_parser().parse_args(argv)
    # Everything the bot writes (database, WAL, backups, exports) is its user's alone.
    os.umask(0o077)
    from bot.logs import configure_logging

    configure_logging(
        logging.DEBUG if args.verbose else _default_level(args.command),
        json_lines=os.environ.get("LOG_FORMAT", "").lower() == "json",
    )
    from bot.program import ProgramFileError
    from bot.settings import BotApiUnreachable, SettingsError

    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except (SettingsError, ProgramFileError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except BotApiUnreachable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_UNREACHABLE
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
