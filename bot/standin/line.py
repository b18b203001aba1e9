"""A stand-in for the LINE Messaging API, for tests and the console.

It plays both sides of LINE: the platform's HTTP API (reply, push, quota, profile, content) and
the platform's webhook calls to the bot, which it signs with the channel secret. It rejects what
LINE rejects, so the bot's LINE channel meets LINE's rules before it meets LINE:

- a missing or wrong channel access token → 401;
- a reply token that is unknown, already used or older than a minute → 400 "Invalid reply token";
- 0 or more than 5 message objects, a text over 5,000 characters (counted in UTF-16 units, as
  LINE counts), more than 13 quick-reply items, a label over 20 characters, postback data over
  300 characters, an alt text over its limit → 400 with LINE's ``details``;
- a push to a user id LINE doesn't know → 400 "Failed to send messages"; to a user who blocked
  the account → 200 and nothing delivered, not counted (as LINE documents);
- a push retried with an ``X-Line-Retry-Key`` that was already accepted → 409 and the
  ``x-line-accepted-request-id`` header, nothing sent twice;
- pushes beyond the monthly limit → 429 "You have reached your monthly limit.";
- a rich menu outside LINE's rules (size, name, chat bar text, ≤ 20 areas inside the menu, the
  action types and lengths a rich menu takes) → 400 with ``details``; its image not a PNG or
  JPEG of exactly the menu's size, or over 1 MB → 400.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import re
import time
import uuid
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import aiohttp
from aiohttp import web

REPLY_TOKEN_LIFETIME_S = 60.0
MAX_MESSAGES_PER_REQUEST = 5
MAX_TEXT_UNITS = 5000
MAX_QUICK_REPLY_ITEMS = 13
MAX_ACTION_LABEL = 20
MAX_POSTBACK_DATA = 300
MAX_MESSAGE_ACTION_TEXT = 300
ALT_TEXT_LIMITS = {"flex": 1500, "template": 400}
FREE_PLAN_MONTHLY_PUSHES = 200
MAX_RICH_MENU_AREAS = 20
MAX_RICH_MENU_NAME = 300
MAX_CHAT_BAR_TEXT = 14
MAX_RICH_MENU_IMAGE_BYTES = 1024 * 1024
RICH_MENU_ACTION_TYPES = ("postback", "message", "uri", "datetimepicker", "richmenuswitch")

_USER_ID = re.compile(r"^U[0-9a-f]{32}$")


def utf16_units(text: str) -> int:
    """LINE counts characters outside the BMP (most emoji) as two."""
    return len(text.encode("utf-16-le")) // 2


@dataclass
class LineUser:
    user_id: str
    display_name: str
    language: str = "zh-Hant"
    following: bool = True


@dataclass
class DeliveredMessage:
    """A message object LINE accepted for one user."""

    to: str
    via: str  # "reply" or "push"
    message: dict[str, Any]

    @property
    def text(self) -> str:
        if self.message.get("type") == "text":
            return str(self.message.get("text", ""))
        return str(self.message.get("altText", ""))

    @property
    def quick_reply_labels(self) -> list[str]:
        items = (self.message.get("quickReply") or {}).get("items") or []
        return [str(item.get("action", {}).get("label", "")) for item in items]


@dataclass
class _ReplyToken:
    user_id: str
    issued_at: float
    used: bool = False


@dataclass
class LineStandin:
    """The state LINE's platform would hold for one channel."""

    channel_secret: str = "standin-channel-secret"
    access_token: str = "standin-access-token"
    monthly_push_limit: int | None = FREE_PLAN_MONTHLY_PUSHES
    clock: Any = time.monotonic
    users: dict[str, LineUser] = field(default_factory=dict)
    delivered: list[DeliveredMessage] = field(default_factory=list)
    contents: dict[str, bytes] = field(default_factory=dict)
    pushes_this_month: int = 0
    rejected: list[tuple[str, int, dict[str, Any]]] = field(default_factory=list)
    _reply_tokens: dict[str, _ReplyToken] = field(default_factory=dict)
    _accepted_retry_keys: dict[str, str] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    rich_menus: dict[str, dict[str, Any]] = field(default_factory=dict)
    rich_menu_images: dict[str, bytes] = field(default_factory=dict)
    default_rich_menu: str | None = None

    # ---- users and webhook events -------------------------------------------------------

    def add_user(self, display_name: str, *, language: str = "zh-Hant") -> LineUser:
        user_id = "U" + hashlib.sha256(display_name.encode()).hexdigest()[:32]
        user = LineUser(user_id=user_id, display_name=display_name, language=language)
        self.users[user_id] = user
        return user

    def _event_base(
        self, user_id: str, kind: str, *, with_reply_token: bool = True
    ) -> dict[str, Any]:
        event: dict[str, Any] = {
            "type": kind,
            "mode": "active",
            "timestamp": int(time.time() * 1000),
            "source": {"type": "user", "userId": user_id},
            "webhookEventId": uuid.uuid4().hex.upper()[:26],
            "deliveryContext": {"isRedelivery": False},
        }
        if with_reply_token:
            token = uuid.uuid4().hex
            self._reply_tokens[token] = _ReplyToken(user_id=user_id, issued_at=self.clock())
            event["replyToken"] = token
        return event

    def text_event(self, user_id: str, text: str) -> dict[str, Any]:
        event = self._event_base(user_id, "message")
        event["message"] = {"type": "text", "id": str(next(self._ids)), "text": text}
        return event

    def image_event(self, user_id: str, content: bytes) -> dict[str, Any]:
        event = self._event_base(user_id, "message")
        message_id = str(next(self._ids))
        self.contents[message_id] = content
        event["message"] = {
            "type": "image",
            "id": message_id,
            "contentProvider": {"type": "line"},
        }
        return event

    def postback_event(self, user_id: str, data: str) -> dict[str, Any]:
        event = self._event_base(user_id, "postback")
        event["postback"] = {"data": data}
        return event

    def follow_event(self, user_id: str) -> dict[str, Any]:
        self.users[user_id].following = True
        event = self._event_base(user_id, "follow")
        event["follow"] = {"isUnblocked": False}
        return event

    def unfollow_event(self, user_id: str) -> dict[str, Any]:
        self.users[user_id].following = False
        return self._event_base(user_id, "unfollow", with_reply_token=False)

    def join_event(self, group_id: str) -> dict[str, Any]:
        token = uuid.uuid4().hex
        self._reply_tokens[token] = _ReplyToken(user_id=group_id, issued_at=self.clock())
        return {
            "type": "join",
            "mode": "active",
            "timestamp": int(time.time() * 1000),
            "source": {"type": "group", "groupId": group_id},
            "webhookEventId": uuid.uuid4().hex.upper()[:26],
            "deliveryContext": {"isRedelivery": False},
            "replyToken": token,
        }

    def webhook_body(self, *events: dict[str, Any]) -> bytes:
        payload = {"destination": "U" + "0" * 32, "events": list(events)}
        return json.dumps(payload, ensure_ascii=False).encode()

    def sign(self, body: bytes) -> str:
        digest = hmac.new(self.channel_secret.encode(), body, hashlib.sha256).digest()
        return base64.b64encode(digest).decode()

    async def deliver(
        self, webhook_url: str, *events: dict[str, Any], signature: str | None = None
    ) -> int:
        """POST events to the bot's webhook as LINE does; returns the HTTP status."""
        body = self.webhook_body(*events)
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "X-Line-Signature": self.sign(body) if signature is None else signature,
        }
        async with (
            aiohttp.ClientSession() as session,
            session.post(webhook_url, data=body, headers=headers) as response,
        ):
            return response.status

    def messages_to(self, user_id: str) -> list[DeliveredMessage]:
        return [message for message in self.delivered if message.to == user_id]

    # ---- the platform's API -------------------------------------------------------------

    def authorised(self, authorization: str | None) -> bool:
        return authorization == f"Bearer {self.access_token}"

    def reply(self, body: Any) -> tuple[int, dict[str, Any]]:
        if not isinstance(body, dict) or not isinstance(body.get("replyToken"), str):
            return _invalid("replyToken", "must be specified")
        problems = validate_messages(body.get("messages"))
        if problems:
            return _details(problems)
        token = self._reply_tokens.get(body["replyToken"])
        if token is None or token.used or self.clock() - token.issued_at > REPLY_TOKEN_LIFETIME_S:
            return 400, {"message": "Invalid reply token"}
        token.used = True
        for message in body["messages"]:
            self.delivered.append(DeliveredMessage(token.user_id, "reply", message))
        return 200, {"sentMessages": [{"id": str(next(self._ids))} for _ in body["messages"]]}

    def push(self, body: Any, retry_key: str | None) -> tuple[int, dict[str, Any], dict[str, str]]:
        if retry_key is not None:
            try:
                uuid.UUID(retry_key)
            except ValueError:
                return 400, {"message": "The retry key is invalid"}, {}
            if retry_key in self._accepted_retry_keys:
                request_id = self._accepted_retry_keys[retry_key]
                return (
                    409,
                    {"message": "The retry key is already accepted"},
                    {"x-line-accepted-request-id": request_id},
                )
        if not isinstance(body, dict) or not isinstance(body.get("to"), str):
            return (*_invalid("to", "must be specified"), {})
        problems = validate_messages(body.get("messages"))
        if problems:
            return (*_details(problems), {})
        user = self.users.get(body["to"])
        if user is None or not _USER_ID.match(body["to"]):
            return 400, {"message": "Failed to send messages"}, {}
        request_id = uuid.uuid4().hex
        if user.following:
            if self.monthly_push_limit is not None and (
                self.pushes_this_month >= self.monthly_push_limit
            ):
                return 429, {"message": "You have reached your monthly limit."}, {}
            self.pushes_this_month += 1
            for message in body["messages"]:
                self.delivered.append(DeliveredMessage(user.user_id, "push", message))
        if retry_key is not None:
            self._accepted_retry_keys[retry_key] = request_id
        sent = [{"id": str(next(self._ids))} for _ in body["messages"]]
        return 200, {"sentMessages": sent}, {"x-line-request-id": request_id}

    def quota(self) -> dict[str, Any]:
        if self.monthly_push_limit is None:
            return {"type": "none"}
        return {"type": "limited", "value": self.monthly_push_limit}

    def profile(self, user_id: str) -> tuple[int, dict[str, Any]]:
        user = self.users.get(user_id)
        if user is None:
            return 404, {"message": "Not found"}
        return 200, {
            "userId": user.user_id,
            "displayName": user.display_name,
            "language": user.language,
        }

    def create_rich_menu(self, body: Any) -> tuple[int, dict[str, Any]]:
        problems = validate_rich_menu(body)
        if problems:
            return _details(problems)
        rich_menu_id = "richmenu-" + uuid.uuid4().hex
        self.rich_menus[rich_menu_id] = body
        return 200, {"richMenuId": rich_menu_id}

    def set_rich_menu_image(
        self, rich_menu_id: str, content_type: str, image: bytes
    ) -> tuple[int, dict[str, Any]]:
        menu = self.rich_menus.get(rich_menu_id)
        if menu is None:
            return 404, {"message": "Not found"}
        if rich_menu_id in self.rich_menu_images:
            return 400, {"message": "An image has already been uploaded to the richmenu"}
        size = image_size(image)
        if content_type not in ("image/png", "image/jpeg") or size is None:
            return 400, {"message": "The image must be a PNG or JPEG"}
        if len(image) > MAX_RICH_MENU_IMAGE_BYTES:
            return 413, {"message": "The image is over 1 MB"}
        if size != (menu["size"]["width"], menu["size"]["height"]):
            return 400, {"message": "Image size does not match the rich menu size"}
        self.rich_menu_images[rich_menu_id] = image
        return 200, {}

    def set_default_rich_menu(self, rich_menu_id: str) -> tuple[int, dict[str, Any]]:
        if rich_menu_id not in self.rich_menus:
            return 404, {"message": "Not found"}
        if rich_menu_id not in self.rich_menu_images:
            return 400, {"message": "must upload richmenu image before applying it to user"}
        self.default_rich_menu = rich_menu_id
        return 200, {}


def image_size(image: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG or (baseline or progressive) JPEG; None for anything else."""
    if image[:8] == b"\x89PNG\r\n\x1a\n" and image[12:16] == b"IHDR":
        return int.from_bytes(image[16:20], "big"), int.from_bytes(image[20:24], "big")
    if image[:2] != b"\xff\xd8":
        return None
    at = 2
    while at + 9 <= len(image) and image[at] == 0xFF:
        marker = image[at + 1]
        length = int.from_bytes(image[at + 2 : at + 4], "big")
        if marker in (0xC0, 0xC1, 0xC2):
            height = int.from_bytes(image[at + 5 : at + 7], "big")
            width = int.from_bytes(image[at + 7 : at + 9], "big")
            return width, height
        at += 2 + length
    return None


def validate_rich_menu(menu: Any) -> list[dict[str, str]]:
    """LINE's checks on a rich menu object, as LINE's ``details`` entries."""
    if not isinstance(menu, dict):
        return [{"message": "must be an object", "property": "richMenu"}]
    problems: list[dict[str, str]] = []
    size = menu.get("size")
    width = size.get("width") if isinstance(size, dict) else None
    height = size.get("height") if isinstance(size, dict) else None
    if not (
        isinstance(width, int)
        and isinstance(height, int)
        and 800 <= width <= 2500
        and height >= 250
        and width / height >= 1.45
    ):
        problems.append(
            {
                "message": "width must be 800 to 2500, height 250 or more, width/height >= 1.45",
                "property": "size",
            }
        )
        width = height = None
    if not isinstance(menu.get("selected"), bool):
        problems.append({"message": "must be specified", "property": "selected"})
    for key, limit in (("name", MAX_RICH_MENU_NAME), ("chatBarText", MAX_CHAT_BAR_TEXT)):
        value = menu.get(key)
        if not isinstance(value, str) or not 1 <= utf16_units(value) <= limit:
            problems.append({"message": f"Length must be between 1 and {limit}", "property": key})
    areas = menu.get("areas")
    if not isinstance(areas, list) or not 1 <= len(areas) <= MAX_RICH_MENU_AREAS:
        problems.append(
            {"message": f"Size must be between 1 and {MAX_RICH_MENU_AREAS}", "property": "areas"}
        )
        areas = []
    for index, area in enumerate(areas):
        where = f"areas[{index}]"
        bounds = area.get("bounds") if isinstance(area, dict) else None
        numbers = [bounds.get(k) for k in ("x", "y", "width", "height")] if bounds else []
        if len(numbers) != 4 or not all(isinstance(n, int) and n >= 0 for n in numbers):
            problems.append({"message": "x, y, width, height required", "property": where})
        elif width is not None and height is not None:
            x, y, w, h = numbers
            if w == 0 or h == 0 or x + w > width or y + h > height:
                problems.append(
                    {"message": "must lie inside the rich menu", "property": f"{where}.bounds"}
                )
        action = area.get("action") if isinstance(area, dict) else None
        if isinstance(action, dict) and action.get("type") not in RICH_MENU_ACTION_TYPES:
            problems.append({"message": "Invalid action type", "property": f"{where}.action"})
        elif isinstance(action, dict) and action.get("type") == "richmenuswitch":
            if not action.get("richMenuAliasId") or not action.get("data"):
                problems.append(
                    {"message": "richMenuAliasId and data required", "property": f"{where}.action"}
                )
        else:
            problems.extend(_action_problems(action, f"{where}.action", needs_label=False))
        display = action.get("displayText") if isinstance(action, dict) else None
        if display is not None and (
            not isinstance(display, str) or not 1 <= utf16_units(display) <= 300
        ):
            problems.append(
                {
                    "message": "Length must be between 1 and 300",
                    "property": f"{where}.action.displayText",
                }
            )
    return problems


def validate_messages(messages: Any) -> list[dict[str, str]]:
    """LINE's checks on a ``messages`` array, as LINE's ``details`` entries."""
    if not isinstance(messages, list) or not 1 <= len(messages) <= MAX_MESSAGES_PER_REQUEST:
        return [{"message": "Size must be between 1 and 5", "property": "messages"}]
    problems: list[dict[str, str]] = []
    for index, message in enumerate(messages):
        where = f"messages[{index}]"
        if not isinstance(message, dict):
            problems.append({"message": "must be an object", "property": where})
            continue
        kind = message.get("type")
        if kind == "text":
            text = message.get("text")
            if not isinstance(text, str) or not 1 <= utf16_units(text) <= MAX_TEXT_UNITS:
                problems.append(
                    {"message": "Length must be between 1 and 5000", "property": f"{where}.text"}
                )
        elif kind == "image":
            for key in ("originalContentUrl", "previewImageUrl"):
                url = message.get(key)
                if not isinstance(url, str) or not url.startswith("https://") or len(url) > 2000:
                    problems.append(
                        {"message": "must be an https URL", "property": f"{where}.{key}"}
                    )
        elif kind in ALT_TEXT_LIMITS:
            alt = message.get("altText")
            limit = ALT_TEXT_LIMITS[kind]
            if not isinstance(alt, str) or not 1 <= utf16_units(alt) <= limit:
                problems.append(
                    {
                        "message": f"Length must be between 1 and {limit}",
                        "property": f"{where}.altText",
                    }
                )
            problems.extend(_actions_problems(message, where))
        elif kind != "sticker":
            problems.append({"message": "Invalid message type", "property": f"{where}.type"})
        quick_reply = message.get("quickReply")
        if quick_reply is not None:
            problems.extend(_quick_reply_problems(quick_reply, f"{where}.quickReply"))
    return problems


def _quick_reply_problems(quick_reply: Any, where: str) -> list[dict[str, str]]:
    items = quick_reply.get("items") if isinstance(quick_reply, dict) else None
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_QUICK_REPLY_ITEMS:
        return [{"message": "Size must be between 1 and 13", "property": f"{where}.items"}]
    problems: list[dict[str, str]] = []
    for index, item in enumerate(items):
        action = item.get("action") if isinstance(item, dict) else None
        problems.extend(
            _action_problems(action, f"{where}.items[{index}].action", needs_label=True)
        )
    return problems


def _actions_problems(node: Any, where: str) -> list[dict[str, str]]:
    """Every ``action`` nested in a template or Flex message."""
    problems: list[dict[str, str]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "action" and isinstance(value, dict):
                problems.extend(_action_problems(value, f"{where}.action", needs_label=False))
            elif key != "quickReply":
                problems.extend(_actions_problems(value, f"{where}.{key}"))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            problems.extend(_actions_problems(value, f"{where}[{index}]"))
    return problems


def _action_problems(action: Any, where: str, *, needs_label: bool) -> list[dict[str, str]]:
    if not isinstance(action, dict):
        return [{"message": "must be an object", "property": where}]
    problems: list[dict[str, str]] = []
    label = action.get("label")
    label_required = needs_label and action.get("type") not in ("camera", "cameraRoll", "location")
    label_fits = isinstance(label, str) and 1 <= utf16_units(label) <= MAX_ACTION_LABEL
    if (label_required or label is not None) and not label_fits:
        problems.append(
            {"message": "Length must be between 1 and 20", "property": f"{where}.label"}
        )
    kind = action.get("type")
    if kind == "postback":
        data = action.get("data")
        if not isinstance(data, str) or not 1 <= utf16_units(data) <= MAX_POSTBACK_DATA:
            problems.append(
                {"message": "Length must be between 1 and 300", "property": f"{where}.data"}
            )
    elif kind == "message":
        text = action.get("text")
        if not isinstance(text, str) or not 1 <= utf16_units(text) <= MAX_MESSAGE_ACTION_TEXT:
            problems.append(
                {"message": "Length must be between 1 and 300", "property": f"{where}.text"}
            )
    elif kind not in ("uri", "datetimepicker", "camera", "cameraRoll", "location", "clipboard"):
        problems.append({"message": "Invalid action type", "property": f"{where}.type"})
    return problems


def _invalid(prop: str, reason: str) -> tuple[int, dict[str, Any]]:
    return _details([{"message": reason, "property": prop}])


def _details(problems: list[dict[str, str]]) -> tuple[int, dict[str, Any]]:
    return 400, {
        "message": f"The request body has {len(problems)} error(s)",
        "details": problems,
    }


class LineStandinServer:
    """aiohttp server in front of a :class:`LineStandin`; use as ``async with``."""

    def __init__(self, standin: LineStandin):
        self.standin = standin
        self._runner: web.AppRunner | None = None
        self._base_url: str | None = None

    async def __aenter__(self) -> LineStandinServer:
        app = web.Application()
        app.router.add_post("/v2/bot/message/reply", self._reply)
        app.router.add_post("/v2/bot/message/push", self._push)
        app.router.add_get("/v2/bot/message/quota", self._quota)
        app.router.add_get("/v2/bot/message/quota/consumption", self._consumption)
        app.router.add_get("/v2/bot/profile/{user_id}", self._profile)
        app.router.add_get("/v2/bot/message/{message_id}/content", self._content)
        app.router.add_post("/v2/bot/chat/loading/start", self._loading)
        app.router.add_post("/v2/bot/richmenu/validate", self._validate_rich_menu)
        app.router.add_post("/v2/bot/richmenu", self._create_rich_menu)
        app.router.add_post("/v2/bot/richmenu/{rich_menu_id}/content", self._rich_menu_image)
        app.router.add_post("/v2/bot/user/all/richmenu/{rich_menu_id}", self._default_rich_menu)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self._runner = runner
        port = runner.addresses[0][1]
        self._base_url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def base_url(self) -> str:
        """What ``LINE_API_BASE_URL`` should be set to."""
        if self._base_url is None:
            raise RuntimeError("server not started")
        return self._base_url

    def _refused(self, request: web.Request) -> web.Response | None:
        if self.standin.authorised(request.headers.get("Authorization")):
            return None
        return web.json_response(
            {
                "message": "Authentication failed. Confirm that the access token in the "
                "authorization header is valid."
            },
            status=401,
        )

    async def _json(self, request: web.Request) -> Any:
        try:
            return await request.json()
        except ValueError:
            return None

    def _answer(self, path: str, status: int, body: dict[str, Any], **headers: str) -> web.Response:
        if status >= 400:
            self.standin.rejected.append((path, status, body))
        return web.json_response(body, status=status, headers=headers or None)

    async def _reply(self, request: web.Request) -> web.Response:
        if (refusal := self._refused(request)) is not None:
            return refusal
        status, body = self.standin.reply(await self._json(request))
        return self._answer("reply", status, body)

    async def _push(self, request: web.Request) -> web.Response:
        if (refusal := self._refused(request)) is not None:
            return refusal
        retry_key = request.headers.get("X-Line-Retry-Key")
        status, body, headers = self.standin.push(await self._json(request), retry_key)
        return self._answer("push", status, body, **headers)

    async def _quota(self, request: web.Request) -> web.Response:
        if (refusal := self._refused(request)) is not None:
            return refusal
        return web.json_response(self.standin.quota())

    async def _consumption(self, request: web.Request) -> web.Response:
        if (refusal := self._refused(request)) is not None:
            return refusal
        return web.json_response({"totalUsage": self.standin.pushes_this_month})

    async def _profile(self, request: web.Request) -> web.Response:
        if (refusal := self._refused(request)) is not None:
            return refusal
        status, body = self.standin.profile(request.match_info["user_id"])
        return web.json_response(body, status=status)

    async def _content(self, request: web.Request) -> web.Response:
        if (refusal := self._refused(request)) is not None:
            return refusal
        content = self.standin.contents.get(request.match_info["message_id"])
        if content is None:
            return web.json_response({"message": "Not found"}, status=404)
        return web.Response(body=content, content_type="image/jpeg")

    async def _loading(self, request: web.Request) -> web.Response:
        if (refusal := self._refused(request)) is not None:
            return refusal
        return web.json_response({}, status=202)

    async def _validate_rich_menu(self, request: web.Request) -> web.Response:
        if (refusal := self._refused(request)) is not None:
            return refusal
        problems = validate_rich_menu(await self._json(request))
        status, body = _details(problems) if problems else (200, {})
        return self._answer("richmenu/validate", status, body)

    async def _create_rich_menu(self, request: web.Request) -> web.Response:
        if (refusal := self._refused(request)) is not None:
            return refusal
        status, body = self.standin.create_rich_menu(await self._json(request))
        return self._answer("richmenu", status, body)

    async def _rich_menu_image(self, request: web.Request) -> web.Response:
        if (refusal := self._refused(request)) is not None:
            return refusal
        status, body = self.standin.set_rich_menu_image(
            request.match_info["rich_menu_id"], request.content_type, await request.read()
        )
        return self._answer("richmenu/content", status, body)

    async def _default_rich_menu(self, request: web.Request) -> web.Response:
        if (refusal := self._refused(request)) is not None:
            return refusal
        status, body = self.standin.set_default_rich_menu(request.match_info["rich_menu_id"])
        return self._answer("user/all/richmenu", status, body)
