"""Wires the Application together: services, persistence, handlers (in order), lifecycle."""

from __future__ import annotations

import logging
import warnings
from typing import Any

from telegram import BotCommand, BotCommandScopeDefault
from telegram.ext import Application, ApplicationBuilder
from telegram.request import BaseRequest
from telegram.warnings import PTBUserWarning

from bot.clock import Clock
from bot.i18n import LANGUAGES, t
from bot.persistence import DatabasePersistence
from bot.program import load_program
from bot.retry import RetryAfterLimiter
from bot.services import Services
from bot.settings import Settings
from db.engine import Database
from handlers.broadcast import resume_broadcasts
from handlers.flows import CONVERSATION_TIMEOUT, expire_conversations
from handlers.menu import MENU_COMMANDS
from handlers.staff import set_staff_menus
from handlers.tracking import RECENT_KEY, load_recent_updates
from reminders import runtime as reminders_runtime

logger = logging.getLogger(__name__)

# Our conversations track one state per user (per_message=False) on purpose: stale buttons are
# caught by a per-draft nonce in the callback data instead.
warnings.filterwarnings("ignore", message=".*per_message=False.*", category=PTBUserWarning)

# PTB's update queue as this bot bounded it before the inbox (bench/throughput.py's baseline).
UPDATE_QUEUE_SIZE = 1

# Each feature module registers its handlers in one group; lower groups run first and the
# first matching handler of a group wins, so the order of these lists matters.
DEDUPE_GROUP = -20
TRACKING_GROUP = -10
GATE_GROUP = -5
RESUME_GROUP = 50
FINISH_GROUP = 100
FEATURE_GROUP = 0


def _register_handlers(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    from handlers import (
        activity_log,
        broadcast,
        community,
        decisions,
        errors,
        export,
        faq_admin,
        flows,
        other_input,
        privacy,
        progress,
        qa,
        register,
        reminders,
        review,
        staff,
        start,
        stats,
        tracking,
    )

    for group, handler in zip((DEDUPE_GROUP, TRACKING_GROUP), tracking.build_before(), strict=True):
        application.add_handler(handler, group=group)
    for handler in other_input.build_gate():
        application.add_handler(handler, group=GATE_GROUP)
    # Conversations first (they own the user's next message), then commands, then free text.
    feature_modules = (
        register, activity_log, community, broadcast, faq_admin,  # conversations
        start, progress, reminders, review, decisions, stats, export, staff,  # commands, menus
        privacy,
        qa,  # free text: whatever no conversation took is a question
    )  # fmt: skip
    for module in feature_modules:
        for handler in module.build():
            application.add_handler(handler, group=FEATURE_GROUP)
    # Last: whatever no feature took (unknown commands, stickers, edits, groups).
    for handler in other_input.build():
        application.add_handler(handler, group=FEATURE_GROUP)
    # After a side command in the middle of /register or /log: ask the pending question again.
    resumers: dict[str, flows.Resumer] = {"register": register.resume, "log": activity_log.resume}
    application.add_handler(flows.resume_after_side_commands(resumers), group=RESUME_GROUP)
    # After everything: save conversation states now rather than once a minute, so a restart
    # right after this update resumes exactly where the user was.
    for handler in tracking.build_after():
        application.add_handler(handler, group=FINISH_GROUP)
    application.add_error_handler(errors.on_error)


def build_application(
    settings: Settings,
    clock: Clock,
    *,
    token: str | None = None,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    updater: bool = True,
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The Application with every handler registered; nothing is connected yet."""
    from handlers.common import CONTEXT_TYPES, SERVICES_KEY

    program = load_program(settings.PROGRAM_FILE)
    database = Database(settings.database_url)
    services = Services(settings=settings, clock=clock, database=database, program=program)
    builder = (
        ApplicationBuilder()
        .token(token or settings.token())
        .base_url(settings.TELEGRAM_API_BASE_URL)
        .base_file_url(settings.TELEGRAM_API_BASE_URL.removesuffix("/bot") + "/file/bot")
        .context_types(CONTEXT_TYPES)
        .persistence(DatabasePersistence(database, clock.now, CONVERSATION_TIMEOUT))
        .post_init(on_startup)
        .post_shutdown(on_shutdown)
        # Updates reach the handlers through bot/intake.py (inbox, one lane per chat), which
        # calls process_update itself; PTB's update queue is left unused.
        .concurrent_updates(False)
        .rate_limiter(RetryAfterLimiter())
    )
    if request is not None:
        builder = builder.request(request)
    if get_updates_request is not None:
        builder = builder.get_updates_request(get_updates_request)
    if not updater:
        builder = builder.updater(None)
    application = builder.build()
    application.bot_data[SERVICES_KEY] = services
    _register_handlers(application)
    return application


def services_of(application: Application[Any, Any, Any, Any, Any, Any]) -> Services:
    """The services of a built application."""
    from handlers.common import SERVICES_KEY

    return application.bot_data[SERVICES_KEY]


async def on_startup(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Connect the services: program dates, Q&A engine, command menu, scheduler."""
    services = services_of(application)
    services.bot_username = application.bot.username or ""
    await services.load_knowledge()
    application.bot_data[RECENT_KEY] = await load_recent_updates(services)

    async def end_abandoned_conversations() -> None:
        await expire_conversations(application)

    await reminders_runtime.start(application, services, on_minute=end_abandoned_conversations)
    # After the scheduler: it first settles deliveries a crash left half-sent.
    await resume_broadcasts(application)
    await _set_command_menu(application)
    await set_staff_menus(application)


async def on_shutdown(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Stop what on_startup started and close the database."""
    services = services_of(application)
    await reminders_runtime.stop(application, services)
    await services.database.dispose()


async def _set_command_menu(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    registered = _registered_commands(application)
    for language in LANGUAGES:
        commands = [
            BotCommand(name, t(language, f"commands.{name}"))
            for name in MENU_COMMANDS
            if name in registered
        ]
        await application.bot.set_my_commands(
            commands,
            scope=BotCommandScopeDefault(),
            language_code=None if language == "zh-TW" else language,
        )


def _registered_commands(application: Application[Any, Any, Any, Any, Any, Any]) -> set[str]:
    from telegram.ext import CommandHandler, ConversationHandler

    names: set[str] = set()

    def collect(handler: object) -> None:
        if isinstance(handler, CommandHandler):
            names.update(handler.commands)
        elif isinstance(handler, ConversationHandler):
            for inner in handler.entry_points:
                collect(inner)

    for group in application.handlers.values():
        for handler in group:
            collect(handler)
    return names


async def start_embedded(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Start without polling (console and tests feed updates with process_update)."""
    await services_of(application).database.migrate()
    await application.initialize()
    await on_startup(application)
    await application.start()


async def stop_embedded(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Stop what start_embedded started, saving the persistence."""
    if application.running:
        await application.stop()
    await application.shutdown()
    await on_shutdown(application)
