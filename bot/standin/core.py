"""An in-memory Telegram Bot API for tests and the local console.

:class:`BotApiStandin` validates every call against the official Bot API description
(:mod:`bot.standin.spec`), executes the methods the bot uses, and plays the users' side
(teachers sending messages, pressing buttons, blocking the bot). Transport is separate:
:mod:`bot.standin.http` serves it over HTTP, :mod:`bot.standin.inprocess` plugs it into
python-telegram-bot without sockets.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import hashlib
import itertools
import json
import logging
import math
import mimetypes
import re
import secrets
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.standin.spec import (
    ApiError,
    BotApiSpec,
    UploadedFile,
    bad_request,
    parse_formatted,
    utf16_len,
)

logger = logging.getLogger(__name__)

JSONDict = dict[str, Any]
FileTuple = tuple[str, bytes, str]

_TOKEN_RE = re.compile(r"\d+:[A-Za-z0-9_-]+")
_BLOCKED = "Forbidden: bot was blocked by the user"
_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
_QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
_WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
_POLL_CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
# Update kinds Telegram leaves out when allowed_updates is empty or never set.
_OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
# A tiny valid JPEG, so photo "downloads" return real image bytes.
_TINY_JPEG = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb004300080606070605080707070909080a0c140d0c"
    "0b0b0c1912130f141d1a1f1e1d1a1c1c20242e2720222c231c1c2837292c30313434341f27393d38323c2e"
    "333432ffc0000b080001000101011100ffc4001f0000010501010101010100000000000000000102030405"
    "060708090a0bffc400b5100002010303020403050504040000017d01020300041105122131410613516107"
    "227114328191a1082342b1c11552d1f02433627282090a161718191a25262728292a3435363738393a4344"
    "45464748494a535455565758595a636465666768696a737475767778797a838485868788898a9293949596"
    "9798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3"
    "e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9faffda0008010100003f00fbd3ffd9"
)
# Methods that put something into a chat; rate limits and blocking apply to these.
_SENDING_PREFIXES = ("send", "edit", "copy", "forward")


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    filename: str | None
    data: bytes
    mime_type: str | None

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass
class SentMessage:
    """A message the bot sent, as it currently stands (edits applied)."""

    chat_id: int
    message_id: int
    text: str | None
    parse_mode: str | None
    reply_markup: JSONDict | None
    edits: list[str | None] = field(default_factory=list)
    deleted: bool = False
    document: JSONDict | None = None
    photo: list[JSONDict] | None = None
    caption: str | None = None
    raw: JSONDict = field(default_factory=dict)
    method: str = "sendMessage"
    params: JSONDict = field(default_factory=dict)

    @property
    def buttons(self) -> list[list[tuple[str, str | None]]]:
        """Inline keyboard rows as (label, callback_data or url)."""
        if not self.reply_markup or "inline_keyboard" not in self.reply_markup:
            return []
        return [
            [(b["text"], b.get("callback_data", b.get("url"))) for b in row]
            for row in self.reply_markup["inline_keyboard"]
        ]

    @property
    def keyboard(self) -> list[list[str]]:
        """Reply keyboard rows (labels), if a ReplyKeyboardMarkup was sent."""
        if not self.reply_markup or "keyboard" not in self.reply_markup:
            return []
        return [
            [b["text"] if isinstance(b, dict) else str(b) for b in row]
            for row in self.reply_markup["keyboard"]
        ]

    @property
    def entities(self) -> list[JSONDict]:
        return list(self.raw.get("entities") or self.raw.get("caption_entities") or [])


@dataclass
class _Fault:
    method: str | None
    chat_id: int | None
    error: ApiError | DroppedConnection
    times: int


class DroppedConnection(Exception):
    """An injected fault: the HTTP server closes the connection without answering."""


class _RateWindow:
    """Sliding one-second window of admitted requests."""

    def __init__(self, limit: float):
        self.limit = limit
        self.stamps: deque[float] = deque()

    def retry_after(self, now: float) -> int | None:
        while self.stamps and self.stamps[0] <= now - 1.0:
            self.stamps.popleft()
        if len(self.stamps) >= self.limit:
            return max(1, math.ceil(self.stamps[0] + 1.0 - now))
        return None

    def admit(self, now: float) -> None:
        self.stamps.append(now)


class _LoopEvent:
    """An asyncio.Event that re-binds when used from another event loop.

    asyncio.Event binds to the first loop that waits on it; the stand-in may outlive a
    loop (pytest gives each test its own, the console may create it before its loop).
    """

    def __init__(self) -> None:
        self._event = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None

    def _current(self) -> asyncio.Event:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return self._event
        if self._loop is not loop:
            was_set = self._event.is_set()
            self._event = asyncio.Event()
            if was_set:
                self._event.set()
            self._loop = loop
        return self._event

    def set(self) -> None:
        self._current().set()

    def clear(self) -> None:
        self._current().clear()

    def is_set(self) -> bool:
        return self._event.is_set()

    async def wait(self) -> bool:
        return await self._current().wait()


class BotApiStandin:
    """The in-memory Telegram; see the module docstring."""

    def __init__(
        self,
        *,
        bot_id: int = 7000001,
        bot_username: str = "gifted_community_bot",
        global_rate_per_s: float | None = None,
        per_chat_rate_per_s: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        callback_query_ttl: float = 900.0,
        spec: BotApiSpec | None = None,
        first_update_id: int = 1,
    ):
        self.spec = spec or BotApiSpec.load()
        self.bot_id = bot_id
        self.bot_username = bot_username
        self.bot_user: JSONDict = {
            "id": bot_id,
            "is_bot": True,
            "first_name": "Gifted Community",
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self.clock = clock
        self.callback_query_ttl = callback_query_ttl
        self.global_rate_per_s = global_rate_per_s
        self.per_chat_rate_per_s = per_chat_rate_per_s
        self._global_window = _RateWindow(global_rate_per_s) if global_rate_per_s else None
        self._chat_windows: dict[int, _RateWindow] = {}

        self.users: dict[int, JSONDict] = {}
        self.chats: dict[int, JSONDict] = {}
        self.messages: dict[tuple[int, int], JSONDict] = {}
        self._next_message_id: dict[int, int] = {}
        self._sent: dict[tuple[int, int], SentMessage] = {}
        self._sent_order: list[SentMessage] = []
        self._deleted: set[tuple[int, int]] = set()
        self.callback_queries: dict[str, JSONDict] = {}
        self._callback_ids = itertools.count(1)
        self._commands: dict[tuple[str, str], list[JSONDict]] = {}
        self.bot_settings: dict[tuple[str, Any], Any] = {}
        self.files: dict[str, StoredFile] = {}
        self._file_counter = itertools.count(1)
        # Telegram's file ids never repeat; one stand-in after another (a console restarted)
        # must not hand out the ids of the last one's files.
        self._file_salt = secrets.token_hex(8)

        self._updates: list[JSONDict] = []
        self._next_update_id = first_update_id
        self._update_event = _LoopEvent()
        self._allowed_updates: list[str] = []
        self._poll_generation = 0
        self.webhook: JSONDict | None = None

        self.blocked_users: set[int] = set()
        self._faults: list[_Fault] = []
        self._delays: list[list[Any]] = []

        self.calls: list[tuple[str, JSONDict]] = []
        # Calls Telegram itself would have refused as malformed (not injected faults).
        self.rejected: list[tuple[str, JSONDict, ApiError]] = []
        self._activity = _LoopEvent()

    # ================================================================ API entry point

    async def call(
        self,
        method: str,
        params: dict[str, Any],
        files: dict[str, FileTuple] | None = None,
        token: str = "",
    ) -> Any:
        """Validate and execute one Bot API call; return its ``result`` or raise ApiError."""
        if token and not _TOKEN_RE.fullmatch(token):
            raise ApiError(401, "Unauthorized")
        name = self.spec.canonical_method(method)
        if name is None:
            raise ApiError(404, "Not Found")
        files = files or {}
        try:
            normalised = self.spec.validate_call(name, params, files)
        except ApiError as exc:
            self._record(name, dict(params))
            self.rejected.append((name, dict(params), exc))
            raise
        self._record(name, normalised)
        await self._apply_delay(name, normalised)
        self._apply_fault(name, normalised)
        self._apply_rate_limit(name, normalised)
        handler = getattr(self, f"_m_{name}", None)
        if handler is not None:
            result = await handler(normalised, files)
        elif self.spec.returns(name) == ["Boolean"]:
            result = True
        else:
            raise bad_request("method is not supported by the stand-in")
        await self._apply_delay(name, normalised, after=True)
        return result

    async def handle(
        self,
        method: str,
        params: dict[str, Any],
        files: dict[str, FileTuple] | None = None,
        token: str = "",
    ) -> tuple[int, JSONDict]:
        """Run :meth:`call` and wrap the outcome in Telegram's envelope with its status."""
        try:
            result = await self.call(method, params, files, token)
        except ApiError as exc:
            logger.debug("%s failed: %s %s", method, exc.error_code, exc.description)
            return exc.error_code, exc.to_response()
        except DroppedConnection:
            raise
        except Exception:
            logger.exception("stand-in crashed on %s", method)
            return 500, {
                "ok": False,
                "error_code": 500,
                "description": "Internal Server Error: stand-in failure",
            }
        return 200, {"ok": True, "result": result}

    def _record(self, method: str, params: JSONDict) -> None:
        self.calls.append((method, params))
        self._activity.set()

    async def _apply_delay(self, method: str, params: JSONDict, *, after: bool = False) -> None:
        for entry in self._delays:
            if entry[4] is not None and entry[4] != params.get("chat_id"):
                continue
            if entry[0] == method and entry[2] > 0 and entry[3] == after:
                entry[2] -= 1
                # Simulates a slow Telegram; the client's timeout is what is under test.
                await asyncio.sleep(entry[1])
                return

    def _apply_fault(self, method: str, params: JSONDict) -> None:
        chat_id = params.get("chat_id")
        for fault in self._faults:
            if fault.times <= 0:
                continue
            if fault.method is not None and fault.method != method:
                continue
            if fault.chat_id is not None and fault.chat_id != chat_id:
                continue
            fault.times -= 1
            raise fault.error

    def _apply_rate_limit(self, method: str, params: JSONDict) -> None:
        if not method.startswith(_SENDING_PREFIXES):
            return
        now = self.clock()
        chat_id = params.get("chat_id")
        chat_window: _RateWindow | None = None
        if self.per_chat_rate_per_s and isinstance(chat_id, int):
            chat_window = self._chat_windows.setdefault(
                chat_id, _RateWindow(self.per_chat_rate_per_s)
            )
        waits = [w.retry_after(now) for w in (self._global_window, chat_window) if w is not None]
        retry = max((w for w in waits if w is not None), default=None)
        if retry is not None:
            raise ApiError(429, f"Too Many Requests: retry after {retry}", retry_after=retry)
        for window in (self._global_window, chat_window):
            if window is not None:
                window.admit(now)

    # ================================================================ test controls

    def inject_fault(
        self,
        *,
        method: str | None = None,
        chat_id: int | None = None,
        error_code: int,
        description: str,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` matching calls fail with this error."""
        error = ApiError(error_code, description, retry_after)
        self._faults.append(_Fault(method, chat_id, error, times))

    def inject_delay(
        self,
        method: str,
        seconds: float,
        times: int = 1,
        *,
        after_doing_it: bool = False,
        chat_id: int | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` (to ``chat_id``, if given) take
        ``seconds`` before answering.

        With ``after_doing_it`` the call is carried out first and the answer is late: a client
        that times out has had its message delivered all the same.
        """
        self._delays.append([method, seconds, times, after_doing_it, chat_id])

    def inject_dropped_connection(
        self, *, method: str | None = None, chat_id: int | None = None, times: int = 1
    ) -> None:
        """Make the next ``times`` matching calls end with the connection closed, unanswered
        and not carried out."""
        self._faults.append(_Fault(method, chat_id, DroppedConnection(), times))

    def block_user(self, user_id: int) -> None:
        self.blocked_users.add(user_id)

    def unblock_user(self, user_id: int) -> None:
        self.blocked_users.discard(user_id)

    # ================================================================ inspection

    def sent_messages(self, chat_id: int | None = None) -> list[SentMessage]:
        return [m for m in self._sent_order if chat_id is None or m.chat_id == chat_id]

    def last_message(self, chat_id: int) -> SentMessage | None:
        """The newest bot message in the chat that is not deleted."""
        for message in reversed(self._sent_order):
            if message.chat_id == chat_id and not message.deleted:
                return message
        return None

    def calls_to(self, method: str) -> list[JSONDict]:
        return [params for name, params in self.calls if name == method]

    def commands(
        self,
        scope_type: str = "default",
        language_code: str = "",
        *,
        chat_id: int | str | None = None,
        user_id: int | None = None,
    ) -> list[JSONDict]:
        scope: JSONDict = {"type": scope_type}
        if chat_id is not None:
            scope["chat_id"] = chat_id
        if user_id is not None:
            scope["user_id"] = user_id
        return copy.deepcopy(self._commands.get((self._scope_key(scope), language_code), []))

    def clear_log(self) -> None:
        """Forget recorded calls and the sent-message listing (messages stay editable)."""
        self.calls.clear()
        self._sent_order.clear()

    def pending_updates(self) -> list[JSONDict]:
        return copy.deepcopy(self._updates)

    def release_pollers(self) -> None:
        """End any long-polling getUpdates now (used when a transport shuts down)."""
        self._update_event.set()

    def file_by_path(self, file_path: str) -> StoredFile | None:
        for stored in self.files.values():
            if stored.file_path == file_path:
                return stored
        return None

    async def wait_until(self, predicate: Callable[[], bool], within: float = 5.0) -> None:
        """Wait (event-driven) until ``predicate()`` holds after some API call."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while not predicate():
            self._activity.clear()
            if predicate():
                return
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError("condition not reached in the Telegram stand-in")
            try:
                await asyncio.wait_for(self._activity.wait(), remaining)
            except TimeoutError:
                if not predicate():
                    raise TimeoutError("condition not reached in the Telegram stand-in") from None

    async def wait_for_message(
        self, chat_id: int, *, count: int = 1, within: float = 5.0
    ) -> SentMessage:
        """Wait until the bot has sent ``count`` messages to the chat; return the last."""
        await self.wait_until(lambda: len(self.sent_messages(chat_id)) >= count, within)
        return self.sent_messages(chat_id)[-1]

    # ================================================================ users' side

    def add_user(
        self,
        user_id: int,
        first_name: str = "Teacher",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "zh-hant",
    ) -> JSONDict:
        user: JSONDict = {"id": user_id, "is_bot": False, "first_name": first_name}
        if last_name is not None:
            user["last_name"] = last_name
        if username is not None:
            user["username"] = username
        if language_code is not None:
            user["language_code"] = language_code
        self.users[user_id] = user
        chat: JSONDict = {"id": user_id, "type": "private", "first_name": first_name}
        if last_name is not None:
            chat["last_name"] = last_name
        if username is not None:
            chat["username"] = username
        self.chats[user_id] = chat
        return copy.deepcopy(user)

    def add_group(
        self, group_id: int, title: str | None = None, *, supergroup: bool = True
    ) -> JSONDict:
        if group_id >= 0:
            raise ValueError("group ids are negative")
        chat: JSONDict = {
            "id": group_id,
            "type": "supergroup" if supergroup else "group",
            "title": title or f"Group {abs(group_id)}",
        }
        self.chats[group_id] = chat
        return copy.deepcopy(chat)

    def user_sends_text(self, user_id: int, text: str, *, chat_id: int | None = None) -> JSONDict:
        content: JSONDict = {"text": text}
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            content["entities"] = [
                {"type": "bot_command", "offset": 0, "length": utf16_len(command)}
            ]
        return self._user_message(user_id, chat_id, content)

    def user_sends_in_group(self, user_id: int, group_id: int, text: str) -> JSONDict:
        if group_id not in self.chats:
            self.add_group(group_id)
        return self.user_sends_text(user_id, text, chat_id=group_id)

    def user_sends_sticker(
        self, user_id: int, emoji: str = "👍", *, chat_id: int | None = None
    ) -> JSONDict:
        stored = self._store_file(b"RIFF-sticker", "sticker.webp", "image/webp", "stickers")
        sticker = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "file_size": stored.size,
        }
        return self._user_message(user_id, chat_id, {"sticker": sticker})

    def user_sends_photo(
        self,
        user_id: int,
        caption: str | None = None,
        *,
        chat_id: int | None = None,
        data: bytes | None = None,
    ) -> JSONDict:
        content: JSONDict = {"photo": self._photo_sizes(data or _TINY_JPEG, "photo.jpg")}
        if caption is not None:
            content["caption"] = caption
        return self._user_message(user_id, chat_id, content)

    def user_sends_voice(
        self, user_id: int, duration: int = 3, *, chat_id: int | None = None
    ) -> JSONDict:
        stored = self._store_file(b"OggS-voice", "voice.ogg", "audio/ogg", "voice")
        voice = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": stored.size,
        }
        return self._user_message(user_id, chat_id, {"voice": voice})

    def user_sends_document(
        self,
        user_id: int,
        filename: str,
        data: bytes,
        *,
        mime_type: str | None = None,
        caption: str | None = None,
        chat_id: int | None = None,
    ) -> JSONDict:
        mime = mime_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
        stored = self._store_file(data, filename, mime, "documents")
        content: JSONDict = {"document": self._document_json(stored)}
        if caption is not None:
            content["caption"] = caption
        return self._user_message(user_id, chat_id, content)

    def user_sends_location(
        self,
        user_id: int,
        latitude: float = 22.6273,
        longitude: float = 120.3014,
        *,
        chat_id: int | None = None,
    ) -> JSONDict:
        location = {"latitude": latitude, "longitude": longitude}
        return self._user_message(user_id, chat_id, {"location": location})

    def user_edits_message(
        self, user_id: int, message_id: int, new_text: str, *, chat_id: int | None = None
    ) -> JSONDict:
        chat = chat_id if chat_id is not None else user_id
        message = self.messages.get((chat, message_id))
        if message is None or message.get("from", {}).get("id") != user_id:
            raise AssertionError(f"user {user_id} has no message {message_id} in chat {chat}")
        message["text"] = new_text
        message["edit_date"] = int(time.time())
        if new_text.startswith("/"):
            command = new_text.split(maxsplit=1)[0]
            message["entities"] = [
                {"type": "bot_command", "offset": 0, "length": utf16_len(command)}
            ]
        else:
            message.pop("entities", None)
        return self._enqueue("edited_message", copy.deepcopy(message))

    def user_presses_button(
        self,
        user_id: int,
        message_id: int,
        callback_data: str,
        *,
        chat_id: int | None = None,
        forge: bool = False,
    ) -> JSONDict:
        """Press an inline button; ``forge=True`` sends data no button carries."""
        self._require_user(user_id)
        chat = chat_id if chat_id is not None else user_id
        sent = self._sent.get((chat, message_id))
        if sent is None or sent.deleted:
            if not forge:
                raise AssertionError(f"no bot message {message_id} in chat {chat}")
            message: JSONDict = {
                "chat": copy.deepcopy(self.chats.get(chat, {"id": chat, "type": "private"})),
                "message_id": message_id,
                "date": 0,
            }
        else:
            data = [d for row in sent.buttons for _, d in row]
            callback_buttons = [
                b.get("callback_data")
                for row in (sent.reply_markup or {}).get("inline_keyboard", [])
                for b in row
            ]
            if callback_data not in callback_buttons and not forge:
                raise AssertionError(
                    f"message {message_id} has no button with callback_data {callback_data!r}; "
                    f"buttons: {data}"
                )
            message = copy.deepcopy(sent.raw)
        query_id = str(next(self._callback_ids) * 1_000_003 + self.bot_id)
        chat_instance = hashlib.sha1(f"{self.bot_id}:{chat}".encode()).hexdigest()[:16]
        query: JSONDict = {
            "id": query_id,
            "from": copy.deepcopy(self.users[user_id]),
            "message": message,
            "chat_instance": str(int(chat_instance, 16)),
            "data": callback_data,
        }
        self.callback_queries[query_id] = {
            "query": query,
            "answered": False,
            "answer": None,
            "created": self.clock(),
        }
        return self._enqueue("callback_query", query)

    def user_presses_button_labelled(
        self,
        user_id: int,
        label_substring: str,
        *,
        message_id: int | None = None,
        chat_id: int | None = None,
    ) -> JSONDict:
        chat = chat_id if chat_id is not None else user_id
        if message_id is None:
            candidates = [m for m in self.sent_messages(chat) if not m.deleted and m.buttons] or [
                m for m in self._sent.values() if m.chat_id == chat and not m.deleted and m.buttons
            ]
            if not candidates:
                raise AssertionError(f"no bot message with a keyboard in chat {chat}")
            sent = max(candidates, key=lambda m: m.message_id)
        else:
            found = self._sent.get((chat, message_id))
            if found is None:
                raise AssertionError(f"no bot message {message_id} in chat {chat}")
            sent = found
        buttons = [b for row in (sent.reply_markup or {}).get("inline_keyboard", []) for b in row]
        exact = [b for b in buttons if b["text"] == label_substring]
        matches = exact or [b for b in buttons if label_substring in b["text"]]
        if len(matches) != 1:
            labels = [b["text"] for b in buttons]
            raise AssertionError(
                f"{len(matches)} buttons match {label_substring!r} in message "
                f"{sent.message_id}: {labels}"
            )
        if "callback_data" not in matches[0]:
            raise AssertionError(f"button {matches[0]['text']!r} is not a callback button")
        return self.user_presses_button(
            user_id, sent.message_id, matches[0]["callback_data"], chat_id=chat
        )

    def user_blocks_bot(self, user_id: int) -> JSONDict:
        self._require_user(user_id)
        self.blocked_users.add(user_id)
        return self._enqueue("my_chat_member", self._member_update(user_id, "member", "kicked"))

    def user_unblocks_bot(self, user_id: int) -> JSONDict:
        self._require_user(user_id)
        self.blocked_users.discard(user_id)
        return self._enqueue("my_chat_member", self._member_update(user_id, "kicked", "member"))

    def _member_update(self, user_id: int, old: str, new: str) -> JSONDict:
        def member(status: str) -> JSONDict:
            result: JSONDict = {"user": copy.deepcopy(self.bot_user), "status": status}
            if status == "kicked":
                result["until_date"] = 0
            return result

        return {
            "chat": copy.deepcopy(self.chats[user_id]),
            "from": copy.deepcopy(self.users[user_id]),
            "date": int(time.time()),
            "old_chat_member": member(old),
            "new_chat_member": member(new),
        }

    def deliver_raw_update(self, kind: str, payload: object) -> JSONDict:
        """Queue an update of ``kind`` with ``payload`` as is, unchecked: what a Telegram
        newer than the bot, or a broken one, might send."""
        return self._enqueue(kind, payload)  # type: ignore[arg-type]

    def _require_user(self, user_id: int) -> None:
        if user_id not in self.users:
            raise AssertionError(f"unknown user {user_id}; call add_user first")

    def _user_message(self, user_id: int, chat_id: int | None, content: JSONDict) -> JSONDict:
        self._require_user(user_id)
        chat = chat_id if chat_id is not None else user_id
        if chat not in self.chats:
            raise AssertionError(f"unknown chat {chat}")
        message: JSONDict = {
            "message_id": self._new_message_id(chat),
            "from": copy.deepcopy(self.users[user_id]),
            "chat": copy.deepcopy(self.chats[chat]),
            "date": int(time.time()),
            **content,
        }
        self.messages[(chat, message["message_id"])] = message
        return self._enqueue("message", copy.deepcopy(message))

    def _enqueue(self, kind: str, payload: JSONDict) -> JSONDict:
        update = {"update_id": self._next_update_id, kind: payload}
        self._next_update_id += 1
        self._updates.append(update)
        self._update_event.set()
        return copy.deepcopy(update)

    def _new_message_id(self, chat_id: int) -> int:
        next_id = self._next_message_id.get(chat_id, 1)
        self._next_message_id[chat_id] = next_id + 1
        return next_id

    # ================================================================ files

    def _store_file(
        self, data: bytes, filename: str | None, mime: str | None, folder: str
    ) -> StoredFile:
        number = next(self._file_counter)
        unique = hashlib.sha1(f"{self._file_salt}:{number}:{filename}".encode()).hexdigest()[:16]
        extension = ""
        if filename and "." in filename:
            extension = filename[filename.rindex(".") :]
        stored = StoredFile(
            file_id=f"SF{number:06d}{unique}",
            file_unique_id=f"U{unique}",
            file_path=f"{folder}/file_{number}{extension}",
            filename=filename,
            data=data,
            mime_type=mime,
        )
        self.files[stored.file_id] = stored
        return stored

    @staticmethod
    def _document_json(stored: StoredFile) -> JSONDict:
        document: JSONDict = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
        }
        if stored.filename:
            document["file_name"] = stored.filename
        if stored.mime_type:
            document["mime_type"] = stored.mime_type
        return document

    def _photo_sizes(self, data: bytes, filename: str) -> list[JSONDict]:
        sizes = []
        for width, height in ((90, 90), (320, 320)):
            stored = self._store_file(data, filename, "image/jpeg", "photos")
            sizes.append(
                {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.file_unique_id,
                    "width": width,
                    "height": height,
                    "file_size": stored.size,
                }
            )
        return sizes

    def _input_file(
        self, params: JSONDict, files: dict[str, FileTuple], param: str, default_name: str
    ) -> tuple[StoredFile | None, str | None]:
        """Resolve an InputFile parameter: upload, attach://, known file_id, or URL."""
        value = params[param]
        upload: FileTuple | None = None
        if isinstance(value, UploadedFile):
            upload = files[value.name]
        elif isinstance(value, str) and value.startswith("attach://"):
            upload = files[value[len("attach://") :]]
        if upload is not None:
            filename, data, mime = upload
            if not data:
                raise bad_request("file must be non-empty")
            folder = "photos" if param == "photo" else "documents"
            return self._store_file(data, filename or default_name, mime or None, folder), None
        assert isinstance(value, str)
        if value in self.files:
            return self.files[value], None
        if value.startswith(("http://", "https://")):
            return None, value
        raise bad_request("wrong file identifier/HTTP URL specified")

    # ================================================================ helpers

    def _chat(self, chat_id: Any) -> JSONDict:
        if isinstance(chat_id, str):
            username = chat_id.lstrip("@")
            for candidate in self.chats.values():
                if candidate.get("username") == username:
                    return candidate
            raise bad_request("chat not found")
        found = self.chats.get(chat_id)
        if found is None:
            raise bad_request("chat not found")
        return found

    def _sendable_chat(self, chat_id: Any) -> JSONDict:
        chat = self._chat(chat_id)
        if chat["type"] == "private" and chat["id"] in self.blocked_users:
            raise ApiError(403, _BLOCKED)
        return chat

    def _format(
        self, text: str, parse_mode: str | None, entities: list[JSONDict] | None
    ) -> tuple[str, list[JSONDict]]:
        parsed = parse_formatted(text, parse_mode)
        if not parse_mode and entities:
            return parsed.text, copy.deepcopy(entities)
        return parsed.text, parsed.entities

    def _reply_to(self, chat_id: int, params: JSONDict) -> JSONDict | None:
        reply = params.get("reply_parameters")
        if not reply:
            return None
        target_chat = reply.get("chat_id", chat_id)
        target = self.messages.get((target_chat, reply["message_id"]))
        if target is None or self._is_deleted(target_chat, reply["message_id"]):
            if reply.get("allow_sending_without_reply"):
                return None
            raise bad_request("message to be replied not found")
        target = copy.deepcopy(target)
        target.pop("reply_to_message", None)
        return target

    def _is_deleted(self, chat_id: int, message_id: int) -> bool:
        key = (chat_id, message_id)
        return key not in self.messages or key in self._deleted

    def _bot_message(
        self,
        method: str,
        params: JSONDict,
        content: JSONDict,
        *,
        text: str | None = None,
        document: JSONDict | None = None,
        photo: list[JSONDict] | None = None,
        caption: str | None = None,
    ) -> JSONDict:
        chat = self._sendable_chat(params["chat_id"])
        chat_id = chat["id"]
        reply_to = self._reply_to(chat_id, params)
        message: JSONDict = {
            "message_id": self._new_message_id(chat_id),
            "from": copy.deepcopy(self.bot_user),
            "chat": copy.deepcopy(chat),
            "date": int(time.time()),
            **content,
        }
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        markup = params.get("reply_markup")
        if markup and "inline_keyboard" in markup:
            # Telegram echoes only inline keyboards back in the Message.
            message["reply_markup"] = copy.deepcopy(markup)
        self.messages[(chat_id, message["message_id"])] = message
        sent = SentMessage(
            chat_id=chat_id,
            message_id=message["message_id"],
            text=text,
            parse_mode=params.get("parse_mode"),
            reply_markup=copy.deepcopy(markup) if markup else None,
            document=document,
            photo=photo,
            caption=caption,
            raw=message,
            method=method,
            params=params,
        )
        self._sent[(chat_id, sent.message_id)] = sent
        self._sent_order.append(sent)
        self._activity.set()
        logger.debug("bot -> %s: %r", chat_id, text if text is not None else caption)
        return copy.deepcopy(message)

    def _editable(self, params: JSONDict) -> SentMessage:
        if "inline_message_id" in params:
            raise bad_request("method is not supported by the stand-in")
        if "chat_id" not in params:
            raise bad_request("chat_id is empty")
        if "message_id" not in params:
            raise bad_request("message identifier is not specified")
        chat = self._sendable_chat(params["chat_id"])
        key = (chat["id"], params["message_id"])
        sent = self._sent.get(key)
        if sent is None:
            if key in self.messages and not self._is_deleted(*key):
                raise bad_request("message can't be edited")
            raise bad_request("message to edit not found")
        if sent.deleted:
            raise bad_request("message to edit not found")
        return sent

    @staticmethod
    def _inline_markup(params: JSONDict) -> JSONDict | None:
        markup: JSONDict | None = params.get("reply_markup")
        if markup and "inline_keyboard" in markup:
            return copy.deepcopy(markup)
        if markup:
            raise bad_request("inline keyboard expected")
        return None

    def _edited(self, sent: SentMessage) -> JSONDict:
        sent.raw["edit_date"] = int(time.time())
        self._activity.set()
        return copy.deepcopy(sent.raw)

    @staticmethod
    def _scope_key(scope: JSONDict | None) -> str:
        scope = scope or {"type": "default"}
        key = {k: scope[k] for k in ("type", "chat_id", "user_id") if k in scope}
        return json.dumps(key, sort_keys=True)

    # ================================================================ methods

    async def _m_getMe(self, params: JSONDict, files: dict[str, FileTuple]) -> JSONDict:
        return copy.deepcopy(self.bot_user)

    async def _m_logOut(self, params: JSONDict, files: dict[str, FileTuple]) -> bool:
        return True

    async def _m_close(self, params: JSONDict, files: dict[str, FileTuple]) -> bool:
        return True

    async def _m_getUpdates(self, params: JSONDict, files: dict[str, FileTuple]) -> list[JSONDict]:
        if self.webhook is not None:
            raise ApiError(409, _WEBHOOK_CONFLICT)
        self._poll_generation += 1
        generation = self._poll_generation
        # Like Telegram, a new poll terminates one that is still waiting (it gets a 409).
        self._update_event.set()
        if "allowed_updates" in params:
            self._allowed_updates = list(params["allowed_updates"])
        self._confirm(params.get("offset", 0))
        limit = min(max(params.get("limit", 100), 1), 100)
        timeout = max(params.get("timeout", 0), 0)
        if not self._updates and timeout > 0:
            self._update_event.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._update_event.wait(), timeout)
            if generation != self._poll_generation:
                raise ApiError(409, _POLL_CONFLICT)
            self._drop_disallowed()
        return copy.deepcopy(self._updates[:limit])

    def _confirm(self, offset: int) -> None:
        if offset < 0:
            self._updates = self._updates[offset:]
        elif offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        self._drop_disallowed()

    def _drop_disallowed(self) -> None:
        allowed = set(self._allowed_updates)

        def wanted(update: JSONDict) -> bool:
            kind = next(k for k in update if k != "update_id")
            return kind in allowed if allowed else kind not in _OPT_IN_UPDATES

        self._updates = [u for u in self._updates if wanted(u)]

    async def _m_setWebhook(self, params: JSONDict, files: dict[str, FileTuple]) -> bool:
        url = params["url"]
        if not url:
            self.webhook = None
            return True
        if not url.startswith("https://"):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        self.webhook = {k: v for k, v in params.items() if not isinstance(v, UploadedFile)}
        if params.get("drop_pending_updates"):
            self._updates.clear()
        if "allowed_updates" in params:
            self._allowed_updates = list(params["allowed_updates"])
        return True

    async def _m_deleteWebhook(self, params: JSONDict, files: dict[str, FileTuple]) -> bool:
        self.webhook = None
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _m_getWebhookInfo(self, params: JSONDict, files: dict[str, FileTuple]) -> JSONDict:
        info: JSONDict = {
            "url": self.webhook["url"] if self.webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self.webhook:
            info["max_connections"] = self.webhook.get("max_connections", 40)
            if self._allowed_updates:
                info["allowed_updates"] = list(self._allowed_updates)
        return info

    async def _m_setMyCommands(self, params: JSONDict, files: dict[str, FileTuple]) -> bool:
        key = (self._scope_key(params.get("scope")), params.get("language_code", ""))
        self._commands[key] = [
            {"command": c["command"], "description": c["description"]} for c in params["commands"]
        ]
        return True

    async def _m_getMyCommands(
        self, params: JSONDict, files: dict[str, FileTuple]
    ) -> list[JSONDict]:
        key = (self._scope_key(params.get("scope")), params.get("language_code", ""))
        return copy.deepcopy(self._commands.get(key, []))

    async def _m_deleteMyCommands(self, params: JSONDict, files: dict[str, FileTuple]) -> bool:
        key = (self._scope_key(params.get("scope")), params.get("language_code", ""))
        self._commands.pop(key, None)
        return True

    def _set_setting(self, name: str, params: JSONDict, param: str, limit: int) -> bool:
        value = params.get(param, "")
        if len(value) > limit:
            raise bad_request(f"{param} is too long")
        self.bot_settings[(name, params.get("language_code", ""))] = value
        return True

    async def _m_setMyDescription(self, params: JSONDict, files: dict[str, FileTuple]) -> bool:
        return self._set_setting("description", params, "description", 512)

    async def _m_setMyShortDescription(self, params: JSONDict, files: dict[str, FileTuple]) -> bool:
        return self._set_setting("short_description", params, "short_description", 120)

    async def _m_setMyName(self, params: JSONDict, files: dict[str, FileTuple]) -> bool:
        return self._set_setting("name", params, "name", 64)

    async def _m_getMyDescription(self, params: JSONDict, files: dict[str, FileTuple]) -> JSONDict:
        lang = params.get("language_code", "")
        return {"description": self.bot_settings.get(("description", lang), "")}

    async def _m_getMyShortDescription(
        self, params: JSONDict, files: dict[str, FileTuple]
    ) -> JSONDict:
        lang = params.get("language_code", "")
        return {"short_description": self.bot_settings.get(("short_description", lang), "")}

    async def _m_getMyName(self, params: JSONDict, files: dict[str, FileTuple]) -> JSONDict:
        lang = params.get("language_code", "")
        return {"name": self.bot_settings.get(("name", lang)) or self.bot_user["first_name"]}

    async def _m_setChatMenuButton(self, params: JSONDict, files: dict[str, FileTuple]) -> bool:
        if "chat_id" in params:
            self._chat(params["chat_id"])
        key = ("menu_button", params.get("chat_id"))
        self.bot_settings[key] = params.get("menu_button", {"type": "default"})
        return True

    async def _m_getChatMenuButton(self, params: JSONDict, files: dict[str, FileTuple]) -> JSONDict:
        key = ("menu_button", params.get("chat_id"))
        return copy.deepcopy(self.bot_settings.get(key, {"type": "commands"}))

    async def _m_sendMessage(self, params: JSONDict, files: dict[str, FileTuple]) -> JSONDict:
        text, entities = self._format(
            params["text"], params.get("parse_mode"), params.get("entities")
        )
        content: JSONDict = {"text": text}
        if entities:
            content["entities"] = entities
        if params.get("link_preview_options"):
            content["link_preview_options"] = copy.deepcopy(params["link_preview_options"])
        return self._bot_message("sendMessage", params, content, text=text)

    async def _m_sendDocument(self, params: JSONDict, files: dict[str, FileTuple]) -> JSONDict:
        stored, url = self._input_file(params, files, "document", "document")
        if stored is None:
            # Telegram would fetch the URL; the stand-in keeps an empty placeholder.
            name = (url or "").rsplit("/", 1)[-1] or "document"
            stored = self._store_file(b"", name, None, "documents")
        document = self._document_json(stored)
        content: JSONDict = {"document": document}
        caption = self._caption(params, content)
        return self._bot_message(
            "sendDocument", params, content, document=document, caption=caption
        )

    async def _m_sendPhoto(self, params: JSONDict, files: dict[str, FileTuple]) -> JSONDict:
        stored, _url = self._input_file(params, files, "photo", "photo.jpg")
        data = stored.data if stored is not None else _TINY_JPEG
        filename = stored.filename if stored is not None and stored.filename else "photo.jpg"
        photo = self._photo_sizes(data, filename)
        content: JSONDict = {"photo": photo}
        caption = self._caption(params, content)
        return self._bot_message("sendPhoto", params, content, photo=photo, caption=caption)

    def _caption(self, params: JSONDict, content: JSONDict) -> str | None:
        if not params.get("caption"):
            return None
        caption, entities = self._format(
            params["caption"], params.get("parse_mode"), params.get("caption_entities")
        )
        content["caption"] = caption
        if entities:
            content["caption_entities"] = entities
        return caption

    async def _m_sendChatAction(self, params: JSONDict, files: dict[str, FileTuple]) -> bool:
        self._sendable_chat(params["chat_id"])
        return True

    async def _m_editMessageText(self, params: JSONDict, files: dict[str, FileTuple]) -> JSONDict:
        sent = self._editable(params)
        if sent.text is None:
            raise bad_request("there is no text in the message to edit")
        text, entities = self._format(
            params["text"], params.get("parse_mode"), params.get("entities")
        )
        markup = self._inline_markup(params)
        current_markup = sent.raw.get("reply_markup")
        if (
            text == sent.text
            and entities == sent.raw.get("entities", [])
            and markup == current_markup
        ):
            raise bad_request(_NOT_MODIFIED)
        sent.edits.append(sent.text)
        sent.text = text
        sent.parse_mode = params.get("parse_mode")
        sent.raw["text"] = text
        if entities:
            sent.raw["entities"] = entities
        else:
            sent.raw.pop("entities", None)
        # Editing text without reply_markup removes the inline keyboard, as in Telegram.
        self._set_markup(sent, markup)
        return self._edited(sent)

    async def _m_editMessageCaption(
        self, params: JSONDict, files: dict[str, FileTuple]
    ) -> JSONDict:
        sent = self._editable(params)
        if sent.document is None and sent.photo is None:
            raise bad_request("there is no caption in the message to edit")
        content: JSONDict = {}
        caption = self._caption(params, content)
        markup = self._inline_markup(params)
        same_entities = content.get("caption_entities") == sent.raw.get("caption_entities")
        if caption == sent.caption and same_entities and markup == sent.raw.get("reply_markup"):
            raise bad_request(_NOT_MODIFIED)
        sent.edits.append(sent.caption)
        sent.caption = caption
        sent.raw.pop("caption", None)
        sent.raw.pop("caption_entities", None)
        sent.raw.update(content)
        self._set_markup(sent, markup)
        return self._edited(sent)

    async def _m_editMessageReplyMarkup(
        self, params: JSONDict, files: dict[str, FileTuple]
    ) -> JSONDict:
        sent = self._editable(params)
        markup = self._inline_markup(params)
        if markup == sent.raw.get("reply_markup"):
            raise bad_request(_NOT_MODIFIED)
        self._set_markup(sent, markup)
        return self._edited(sent)

    @staticmethod
    def _set_markup(sent: SentMessage, markup: JSONDict | None) -> None:
        sent.reply_markup = markup
        if markup:
            sent.raw["reply_markup"] = copy.deepcopy(markup)
        else:
            sent.raw.pop("reply_markup", None)

    async def _m_deleteMessage(self, params: JSONDict, files: dict[str, FileTuple]) -> bool:
        chat = self._chat(params["chat_id"])
        key = (chat["id"], params["message_id"])
        if key not in self.messages or self._is_deleted(*key):
            raise bad_request("message to delete not found")
        self._deleted.add(key)
        if key in self._sent:
            self._sent[key].deleted = True
        self._activity.set()
        return True

    async def _m_answerCallbackQuery(self, params: JSONDict, files: dict[str, FileTuple]) -> bool:
        entry = self.callback_queries.get(params["callback_query_id"])
        if entry is None or entry["answered"]:
            raise bad_request(_QUERY_TOO_OLD)
        if self.clock() - entry["created"] > self.callback_query_ttl:
            raise bad_request(_QUERY_TOO_OLD)
        entry["answered"] = True
        entry["answer"] = params
        self._activity.set()
        return True

    async def _m_getChat(self, params: JSONDict, files: dict[str, FileTuple]) -> JSONDict:
        chat = copy.deepcopy(self._chat(params["chat_id"]))
        chat.update(
            {
                "accent_color_id": 0,
                "max_reaction_count": 11,
                "accepted_gift_types": {
                    "unlimited_gifts": False,
                    "limited_gifts": False,
                    "unique_gifts": False,
                    "premium_subscription": False,
                    "gifts_from_channels": False,
                },
            }
        )
        return chat

    async def _m_getFile(self, params: JSONDict, files: dict[str, FileTuple]) -> JSONDict:
        stored = self.files.get(params["file_id"])
        if stored is None:
            raise bad_request("wrong file_id or the file is temporarily unavailable")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
            "file_path": stored.file_path,
        }
