"""`python -m bot console --channel line`: the real LINE handling in the terminal.

The LINE stand-in plays LINE in this process: what is typed becomes a signed webhook call to
the bot's real webhook handling, and the bot's answers reach the stand-in through the real LINE
SDK (no sockets). Quick replies print as numbered buttons; typing a number presses one (a
postback). The first time a person is played, they add the account (a follow event).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
from typing import Any, TextIO

from linebot.v3.messaging import AsyncApiClient, AsyncMessagingApi, Configuration

from bot.console import read_lines
from bot.line_runner import build_services
from bot.settings import Settings
from bot.standin.line import DeliveredMessage, LineStandin
from bot.standin.line_inprocess import use_standin
from db import identities
from handlers.line.webhook import LineWebhook

LINE_CONSOLE_HELP = """Console commands:
  <number>        press that button of the last quick replies (a number no button has is
                  sent as text)
  :text <text>    send the text as it is, even a number that is a button's
  :photo          send a photo
  :follow         add the account again (LINE's follow event)
  :help           this help
  :quit           leave (Ctrl-D works too)
Anything else is sent to the bot as a text message."""

STANDIN_BASE_URL = "https://line-standin.invalid"


class LineConsole:
    """One LINE user chatting with the bot through the terminal."""

    def __init__(self, webhook: LineWebhook, standin: LineStandin, line_user_id: str, out: TextIO):
        self.webhook = webhook
        self.standin = standin
        self.line_user_id = line_user_id
        self.out = out
        self._shown = 0
        self._buttons: list[str] = []

    async def send(self, event: dict[str, Any]) -> None:
        """Deliver one event as LINE does (a signed call), then print what the bot said."""
        body = self.standin.webhook_body(event)
        status, text = await self.webhook.call(body, self.standin.sign(body))
        if status != 200:
            print(f"(the webhook answered {status}: {text})", file=self.out)
        self.show()

    def show(self) -> None:
        """Print what LINE delivered to the user since last time."""
        delivered = self.standin.messages_to(self.line_user_id)
        for message in delivered[self._shown :]:
            self._print(message)
        self._shown = len(delivered)

    def _print(self, message: DeliveredMessage) -> None:
        marker = "bot (push)" if message.via == "push" else "bot"
        print(f"{marker}> {message.text}", file=self.out)
        items = (message.message.get("quickReply") or {}).get("items") or []
        if items:
            self._buttons = []
            labels = []
            for item in items:
                action = item.get("action") or {}
                self._buttons.append(str(action.get("data") or action.get("text") or ""))
                labels.append(f"[{len(self._buttons)}] {action.get('label', '')}")
            print("      " + "  ".join(labels), file=self.out)

    async def handle_line(self, line: str) -> bool:
        """Act on one input line; False when the user wants to leave."""
        text = line.rstrip("\n")
        command = text.strip()
        if not command:
            return True
        if command in (":quit", ":q", ":exit"):
            return False
        if command == ":help":
            print(LINE_CONSOLE_HELP, file=self.out)
            return True
        if command == ":photo":
            event = self.standin.image_event(self.line_user_id, b"\xff\xd8console photo")
        elif command == ":follow":
            event = self.standin.follow_event(self.line_user_id)
        elif command.startswith(":text "):
            event = self.standin.text_event(self.line_user_id, text.split(" ", 1)[1])
        elif command.isdigit() and 0 < int(command) <= len(self._buttons):
            event = self.standin.postback_event(self.line_user_id, self._buttons[int(command) - 1])
        else:
            event = self.standin.text_event(self.line_user_id, text)
        await self.send(event)
        return True


async def _console(
    settings: Settings,
    *,
    today: dt.date | None,
    name: str,
    language: str,
    stdin: TextIO,
    out: TextIO,
) -> int:
    standin = LineStandin(monthly_push_limit=None)
    user = standin.add_user(name, language=language)
    services = build_services(settings, today)
    await services.database.migrate()
    await services.load_knowledge()
    configuration = Configuration(host=STANDIN_BASE_URL, access_token=standin.access_token)
    try:
        async with AsyncApiClient(configuration) as client:
            await use_standin(client, standin)
            api = AsyncMessagingApi(client)
            api.line_base_path = STANDIN_BASE_URL
            webhook = LineWebhook(services, api, standin.channel_secret)
            console = LineConsole(webhook, standin, user.user_id, out)
            async with services.database.session() as session:
                known = await identities.is_known_line_user(session, user.user_id)
            interactive = stdin.isatty()
            if interactive:
                print(
                    f"Local LINE console as {name}, today {services.clock.today().isoformat()}. "
                    "Ask a question or type 常見問題; :help for console commands.",
                    file=out,
                )
            if not known:
                await console.send(standin.follow_event(user.user_id))
            lines = read_lines(stdin)
            while True:
                if interactive:
                    print("you> ", end="", file=out, flush=True)
                line = await lines.get()
                if not line:
                    break
                if not interactive:
                    print(f"you> {line.rstrip()}", file=out)
                if not await console.handle_line(line):
                    break
    finally:
        await services.database.dispose()
    return 0


def run_line_console(
    settings: Settings,
    *,
    today: dt.date | None = None,
    name: str = "王老師",
    language: str = "zh-Hant",
) -> int:
    """Chat with the LINE side of the bot until end of input; return the exit code."""
    try:
        return asyncio.run(
            _console(
                settings,
                today=today,
                name=name,
                language=language,
                stdin=sys.stdin,
                out=sys.stdout,
            )
        )
    except KeyboardInterrupt:
        print(file=sys.stdout)
        return 130
