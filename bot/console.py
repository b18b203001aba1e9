"""The local console: the real bot, the real database, Telegram played by an in-process stand-in.

Bot messages print as text, inline keyboards as numbered buttons; typing a number presses the
button. Lines starting with ':' are console commands (:photo, :sticker, :help, :quit). Works
with piped stdin, so a script can drive it.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import sys
import threading
import time
from pathlib import Path
from typing import TextIO

from bot import communities
from bot.app import build_application, services_of, start_embedded, stop_embedded
from bot.clock import Clock
from bot.settings import CONSOLE_TOKEN, Settings
from bot.standin.core import BotApiStandin, JSONDict, SentMessage
from bot.standin.driver import ChatDriver, Reply
from bot.standin.inprocess import InProcessRequest
from handlers.broadcast import wait_for_broadcasts

CONSOLE_HELP = """Console commands:
  <number>        press that button of the last keyboard (a number no button has is sent
                  as text)
  :text <text>    send the text as it is, even a number that is a button's
  :photo [text]   send a photo (with an optional caption); :photo FILE.jpg sends that image
  :sticker        send a sticker
  :voice          send a voice message
  :help           this help
  :quit           leave (Ctrl-D works too)
Anything else is sent to the bot as a text message."""


def _read_image(name: str) -> bytes:
    return Path(name).expanduser().read_bytes()


class Console:
    """One user chatting with the bot through the terminal."""

    def __init__(
        self, driver: ChatDriver, user_id: int, out: TextIO, files_dir: Path | None = None
    ) -> None:
        self.driver = driver
        # Where the files the bot sends (exports) are saved, as a Telegram client would.
        self.files_dir = files_dir
        self.standin = driver.standin
        self.user_id = user_id
        self.out = out
        self._shown = 0
        self._buttons: list[tuple[int, str]] = []
        self._names: dict[int, str] = {}
        self._shown_elsewhere = 0

    def know(self, user_id: int, name: str) -> None:
        """Someone else the bot may write to (they are played by the console, silently)."""
        self._names[user_id] = name

    def _print_message(self, message: SentMessage, *, edited: bool = False) -> None:
        marker = "bot (edited)" if edited else "bot"
        body = message.text or message.caption or ""
        if message.document:
            name = str(message.document.get("file_name", "document"))
            saved = self._save(message.document)
            where = f" → {saved}" if saved is not None else ""
            body = f"[file: {name}{where}] {body}".strip()
        elif message.photo:
            body = f"[photo] {body}".strip()
        print(f"{marker}> {body}", file=self.out)
        if message.buttons:
            self._buttons = []
            for row in message.buttons:
                labels = []
                for label, data in row:
                    self._buttons.append((message.message_id, data or ""))
                    labels.append(f"[{len(self._buttons)}] {label}")
                print("      " + "  ".join(labels), file=self.out)

    def _save(self, document: dict[str, object]) -> Path | None:
        """Write a file the bot sent into files_dir (never over an earlier one); its path."""
        stored = self.standin.files.get(str(document.get("file_id", "")))
        if self.files_dir is None or stored is None:
            return None
        self.files_dir.mkdir(parents=True, exist_ok=True)
        name = Path(stored.filename or "document").name
        target = self.files_dir / name
        number = 1
        while target.exists():
            number += 1
            target = self.files_dir / f"{Path(name).stem} ({number}){Path(name).suffix}"
        target.write_bytes(stored.data)
        return target.resolve()

    def show(self, reply: Reply) -> None:
        """Print what the bot did in reply, and anything it sent on its own meanwhile."""
        for toast in reply.toasts:
            print(f"bot (notice)> {toast}", file=self.out)
        # The reply may include what the bot sent to other people (a notice to a convener);
        # those are shown once, as "→ name: text", by show_elsewhere.
        mine = [m for m in reply.messages if m.chat_id == self.user_id]
        known = {(m.chat_id, m.message_id) for m in mine}
        for message in mine:
            self._print_message(message, edited=bool(message.edits))
        self.show_unsolicited(known)

    def show_unsolicited(self, already: set[tuple[int, int]] | None = None) -> None:
        """Print messages the bot sent by itself (reminders, broadcasts)."""
        messages = self.standin.sent_messages(self.user_id)
        for message in messages[self._shown :]:
            if already is None or (message.chat_id, message.message_id) not in already:
                self._print_message(message)
        self._shown = len(messages)
        self.show_elsewhere()

    def show_elsewhere(self) -> None:
        """Print what the bot sent to other people, as "→ name: text"."""
        everything = self.standin.sent_messages()
        for message in everything[self._shown_elsewhere :]:
            if message.chat_id != self.user_id:
                name = self._names.get(message.chat_id, str(message.chat_id))
                body = message.text or message.caption or ""
                print(f"→ {name}: {body}", file=self.out)
        self._shown_elsewhere = len(everything)

    async def _photo(self, argument: str) -> JSONDict | None:
        """A photo sent: the image file named (JPEG or PNG), else a tiny one with the text as
        its caption. The console keeps it, as a phone keeps a sent photo, so that exports
        written later (python -m bot export) show it."""
        caption: str | None = argument or None
        data = None
        if argument.lower().endswith((".jpg", ".jpeg", ".png")):
            try:
                data = await asyncio.to_thread(_read_image, argument)
            except OSError as error:
                print(f"(cannot read {argument}: {error.strerror})", file=self.out)
                return None
            caption = None
        update = self.standin.user_sends_photo(self.user_id, caption=caption, data=data)
        largest = update["message"]["photo"][-1]["file_id"]
        stored = self.standin.files[largest]
        database = services_of(self.driver.application).database
        mime_type = stored.mime_type or "image/jpeg"
        await communities.keep_photo(database, largest, stored.data, mime_type)
        return update

    async def handle_line(self, line: str) -> bool:
        """Act on one input line; False when the user wants to leave."""
        text = line.rstrip("\n")
        if not text.strip():
            return True
        command = text.strip()
        if command in (":quit", ":q", ":exit"):
            return False
        if command == ":help":
            print(CONSOLE_HELP, file=self.out)
            return True
        if command.startswith(":photo"):
            update = await self._photo(command.removeprefix(":photo").strip())
            if update is None:
                return True
        elif command == ":sticker":
            update = self.standin.user_sends_sticker(self.user_id)
        elif command == ":voice":
            update = self.standin.user_sends_voice(self.user_id)
        elif command.startswith(":text "):
            update = self.standin.user_sends_text(self.user_id, text.split(" ", 1)[1])
        elif command.isdigit() and 0 < int(command) <= len(self._buttons):
            message_id, data = self._buttons[int(command) - 1]
            try:
                update = self.standin.user_presses_button(self.user_id, message_id, data)
            except AssertionError:
                # The message was edited or deleted since: Telegram would no longer show it.
                print("(that keyboard is gone; use the buttons shown last)", file=self.out)
                return True
        else:
            update = self.standin.user_sends_text(self.user_id, text)
        self.show(await self.driver.process(update))
        return True


async def _console(
    settings: Settings,
    *,
    today: dt.date | None,
    user_id: int,
    name: str,
    language_code: str,
    admin: bool,
    stdin: TextIO,
    out: TextIO,
) -> int:
    if admin:
        settings = settings.model_copy(update={"BOT_ADMIN_IDS": settings.BOT_ADMIN_IDS | {user_id}})
    others = await _other_users(settings, user_id)
    # Update ids never repeat on Telegram; starting from the clock keeps that true across runs
    # of the console on one database (the bot skips ids it has already handled).
    standin = BotApiStandin(first_update_id=time.time_ns() // 1_000_000)
    standin.add_user(user_id, name, language_code=language_code)
    for other_id, other_name, other_language in others:
        standin.add_user(other_id, other_name or str(other_id), language_code=other_language)
    request = InProcessRequest(standin)
    application = build_application(
        settings,
        Clock(settings.timezone, today=today),
        token=CONSOLE_TOKEN,
        request=request,
        get_updates_request=InProcessRequest(standin),
    )
    await start_embedded(application)
    console = Console(
        ChatDriver(application, standin), user_id, out, files_dir=settings.BOT_DATA_DIR / "files"
    )
    for other_id, other_name, _ in others:
        console.know(other_id, other_name or str(other_id))
    interactive = stdin.isatty()
    lines = read_lines(stdin)
    if interactive:
        clock = services_of(application).clock
        print(
            f"Local console as {name} (id {user_id}{', staff' if admin else ''}), "
            f"today {clock.today().isoformat()}. Try /start; :help for console commands.",
            file=out,
        )
    try:
        while True:
            if interactive:
                print("you> ", end="", file=out, flush=True)
            line = await lines.get()
            if not line:
                # Piped input ended: let broadcasts started by it go out before leaving.
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(30):
                        await wait_for_broadcasts(application)
                console.show_unsolicited()
                break
            if not interactive:
                print(f"you> {line.rstrip()}", file=out)
            if not await console.handle_line(line):
                break
    finally:
        await stop_embedded(application)
    return 0


async def _other_users(settings: Settings, user_id: int) -> list[tuple[int, str, str | None]]:
    """Everyone else in the database (from earlier sessions or `demo`), so that what the bot
    sends them reaches the console instead of failing as "chat not found"."""
    from db import users
    from db.engine import Database

    database = Database(settings.database_url)
    try:
        await database.migrate()
        async with database.session() as session:
            known = await users.telegram_users(session)
    finally:
        await database.dispose()
    return [(uid, name, language) for uid, name, language in known if uid != user_id]


def read_lines(stdin: TextIO) -> asyncio.Queue[str]:
    """Lines of stdin, read by a daemon thread: Ctrl-C then leaves at once, without waiting
    for a line that may never come (a worker of asyncio.to_thread would be waited for)."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[str] = asyncio.Queue()

    def read() -> None:
        while True:
            line = stdin.readline()
            loop.call_soon_threadsafe(queue.put_nowait, line)
            if not line:
                return

    threading.Thread(target=read, name="console-stdin", daemon=True).start()
    return queue


def run_console(
    settings: Settings,
    *,
    today: dt.date | None = None,
    user_id: int = 10001,
    name: str = "王老師",
    language_code: str = "zh-hant",
    admin: bool = False,
) -> int:
    """Chat with the bot in the terminal until end of input; return the exit code."""
    try:
        return _run(settings, today, user_id, name, language_code, admin)
    except KeyboardInterrupt:
        print(file=sys.stdout)
        return 130


def _run(
    settings: Settings,
    today: dt.date | None,
    user_id: int,
    name: str,
    language_code: str,
    admin: bool,
) -> int:
    return asyncio.run(
        _console(
            settings,
            today=today,
            user_id=user_id,
            name=name,
            language_code=language_code,
            admin=admin,
            stdin=sys.stdin,
            out=sys.stdout,
        )
    )
