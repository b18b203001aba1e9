"""Validation of Bot API calls against the official method/type description.

The data file ``botapi_spec.json`` next to this module is derived (by ``make_spec.py``)
from ``api.json`` of the telegram-bot-api-spec project, MIT licence, copyright (c) 2020
Paul Larsen. Error descriptions follow the wording of Telegram's own Bot API server
where it is known; a few checks are stricter than Telegram (documented where they are
made) because the stand-in exists to catch bugs before they reach real users.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar

logger = logging.getLogger(__name__)

SPEC_PATH = Path(__file__).with_name("botapi_spec.json")

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_CALLBACK_ANSWER_LENGTH = 200
MAX_COMMANDS = 100
MAX_COMMAND_LENGTH = 32
MAX_COMMAND_DESCRIPTION_LENGTH = 256

_SCALARS = frozenset({"Integer", "String", "Boolean", "Float", "InputFile"})
_INT_RE = re.compile(r"-?\d+")
_FLOAT_RE = re.compile(r"-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")
_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
# Fields of InlineKeyboardButton that only decorate it; every other optional field is an
# action, and the spec says exactly one action must be set.
_BUTTON_DECORATION = frozenset({"text", "icon_custom_emoji_id", "style"})
# Telegram prefixes nested parse errors with the kind of object that failed.
_OBJECT_LABELS = {
    "InlineKeyboardButton": "inline keyboard button",
    "KeyboardButton": "keyboard button",
    "BotCommand": "BotCommand",
    "BotCommandScope": "BotCommandScope",
    "MessageEntity": "MessageEntity",
    "MenuButton": "menu button",
    "LinkPreviewOptions": "link preview options",
    "ReplyParameters": "reply parameters",
}
PARSE_MODES = {"html": "HTML", "markdownv2": "MarkdownV2", "markdown": "Markdown"}


class ApiError(Exception):
    """A Bot API failure, carried to the client as Telegram's error envelope."""

    def __init__(self, error_code: int, description: str, retry_after: int | None = None):
        super().__init__(f"{error_code}: {description}")
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after

    def to_response(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(message: str) -> ApiError:
    """Build a 400 the way Telegram phrases it: prefix, first letter lower-cased unless
    the message is an upper-case error code such as ``BUTTON_DATA_INVALID``."""
    if message.startswith("Bad Request"):
        return ApiError(400, message)
    if len(message) >= 2 and (message[1] == "_" or message[1].isupper()):
        return ApiError(400, f"Bad Request: {message}")
    return ApiError(400, f"Bad Request: {message[:1].lower()}{message[1:]}")


class _FieldError(Exception):
    """A problem inside a JSON object; becomes a 400 once the parameter is known."""

    def __init__(self, message: str, *, labelled: bool = False):
        super().__init__(message)
        self.message = message
        self.labelled = labelled


class EntityParseError(Exception):
    """Formatted text Telegram would refuse with ``can't parse entities``."""


@dataclass(frozen=True)
class UploadedFile:
    """Marks a parameter whose value is a multipart upload."""

    name: str


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


# --------------------------------------------------------------------------- formatting


@dataclass
class FormattedText:
    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


_HTML_TAGS = frozenset(
    {
        "a", "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span",
        "tg-spoiler", "code", "pre", "blockquote", "tg-emoji",
    }
)  # fmt: skip
_HTML_ENTITY_TYPES = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough",
    "del": "strikethrough", "span": "spoiler", "tg-spoiler": "spoiler", "code": "code",
    "pre": "pre", "blockquote": "blockquote", "tg-emoji": "custom_emoji", "a": "text_link",
}  # fmt: skip
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(?:(lt|gt|amp|quot);?|#(\d+);?|#[xX]([0-9a-fA-F]+);?|([a-zA-Z]+);)")
_HTML_SPACE = " \t\r\n\f"
_NAME_TOKEN_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _decode_entity(text: str, i: int) -> tuple[str, int]:
    """Decode the HTML entity starting at ``text[i] == '&'``.

    Telegram leaves an unrecognised ``&`` literal; the stand-in rejects it (stricter),
    because unescaped user input in HTML messages is exactly the bug it should expose.
    Recognised-looking but unknown named entities (``&laquo;``) stay literal, as Telegram
    does.
    """
    match = _ENTITY_RE.match(text, i)
    if match is None:
        raise EntityParseError(
            f"Character '&' at byte offset {_byte_offset(text, i)} must be escaped as &amp;"
        )
    named, decimal, hexadecimal, other = match.groups()
    if named:
        return _NAMED_ENTITIES[named], match.end()
    if other:
        return match.group(0), match.end()
    code = int(decimal) if decimal else int(hexadecimal, 16)
    if 0xD800 <= code <= 0xDFFF:
        raise EntityParseError(
            "Text contains invalid Unicode characters after decoding HTML entities, "
            "check for unmatched surrogate code units"
        )
    if code > 0x10FFFF:
        return match.group(0), match.end()
    return chr(code), match.end()


def _decode_attribute(value: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(value):
        if value[i] == "&":
            try:
                decoded, i = _decode_entity(value, i)
            except EntityParseError:
                decoded, i = "&", i + 1
            out.append(decoded)
        else:
            out.append(value[i])
            i += 1
    return "".join(out)


def _parse_html_start_tag(text: str, begin: int) -> tuple[str, dict[str, str], int]:
    """Parse ``<tag attr=value ...>`` at ``begin``; return name, attributes, index after."""
    n = len(text)
    offset = _byte_offset(text, begin)
    i = begin + 1
    while i < n and text[i] not in _HTML_SPACE and text[i] != ">":
        i += 1
    if i >= n:
        raise EntityParseError(f"Unclosed start tag at byte offset {offset}")
    name = text[begin + 1 : i].lower()
    if name not in _HTML_TAGS:
        raise EntityParseError(f'Unsupported start tag "{name}" at byte offset {offset}')
    attributes: dict[str, str] = {}
    while True:
        while i < n and text[i] in _HTML_SPACE:
            i += 1
        if i >= n:
            raise EntityParseError(f'Unclosed start tag "{name}" at byte offset {offset}')
        if text[i] == ">":
            return name, attributes, i + 1
        attr_start = i
        while i < n and text[i] not in _HTML_SPACE and text[i] not in "=>":
            i += 1
        attr = text[attr_start:i].lower()
        if not attr:
            raise EntityParseError(
                f'Empty attribute name in the tag "{name}" at byte offset {offset}'
            )
        while i < n and text[i] in _HTML_SPACE:
            i += 1
        if i >= n:
            raise EntityParseError(f'Unclosed start tag "{name}" at byte offset {offset}')
        if text[i] != "=":
            if name == "blockquote" and attr == "expandable":
                attributes[attr] = ""
                continue
            raise EntityParseError(
                "Expected equal sign in declaration of an attribute of the tag "
                f'"{name}" at byte offset {offset}'
            )
        i += 1
        while i < n and text[i] in _HTML_SPACE:
            i += 1
        if i >= n:
            raise EntityParseError(f'Unclosed start tag "{name}" at byte offset {offset}')
        if text[i] in "\"'":
            quote = text[i]
            end = text.find(quote, i + 1)
            if end < 0:
                raise EntityParseError(f"Unclosed start tag at byte offset {offset}")
            value = _decode_attribute(text[i + 1 : end])
            i = end + 1
        else:
            value_start = i
            while i < n and text[i] in _NAME_TOKEN_CHARS:
                i += 1
            if i >= n or (text[i] not in _HTML_SPACE and text[i] != ">"):
                raise EntityParseError(
                    f"Unexpected end of name token at byte offset {_byte_offset(text, i)}"
                )
            value = text[value_start:i]
        attributes[attr] = value


@dataclass
class _OpenTag:
    name: str
    attributes: dict[str, str]
    start: int  # UTF-16 offset in the output text


def _html_entity(tag: _OpenTag, end: int) -> dict[str, Any] | None:
    length = end - tag.start
    if length <= 0:
        return None
    entity: dict[str, Any] = {"type": _HTML_ENTITY_TYPES[tag.name], "offset": tag.start}
    entity["length"] = length
    if tag.name == "a":
        href = tag.attributes.get("href")
        if not href:
            return None
        entity["url"] = href
    elif tag.name == "blockquote" and "expandable" in tag.attributes:
        entity["type"] = "expandable_blockquote"
    elif tag.name == "tg-emoji":
        entity["custom_emoji_id"] = tag.attributes.get("emoji-id", "")
    elif tag.name == "code":
        language = tag.attributes.get("class", "")
        if language.startswith("language-") and len(language) > len("language-"):
            entity["language"] = language[len("language-") :]
    return entity


def parse_html(text: str) -> FormattedText:
    """Strip Telegram-HTML markup from ``text``, returning plain text and entities.

    Raises :class:`EntityParseError` with Telegram's message for markup it rejects.
    """
    out: list[str] = []
    position = 0  # UTF-16 length of out
    stack: list[_OpenTag] = []
    entities: list[dict[str, Any]] = []
    n = len(text)
    i = 0
    while i < n:
        char = text[i]
        if char == "&":
            decoded, i = _decode_entity(text, i)
            out.append(decoded)
            position += utf16_len(decoded)
            continue
        if char == ">":
            # Telegram tolerates a bare '>', but its docs require &gt;; stay lenient.
            out.append(char)
            position += 1
            i += 1
            continue
        if char != "<":
            out.append(char)
            position += utf16_len(char)
            i += 1
            continue
        offset = _byte_offset(text, i)
        if i + 1 < n and text[i + 1] == "/":
            if not stack:
                raise EntityParseError(f"Unexpected end tag at byte offset {offset}")
            end = text.find(">", i + 2)
            if end < 0:
                raise EntityParseError(f"Unclosed end tag at byte offset {offset}")
            end_name = text[i + 2 : end].strip(_HTML_SPACE).lower()
            top = stack.pop()
            if end_name and end_name != top.name:
                raise EntityParseError(
                    f'Unmatched end tag at byte offset {offset}, expected "</{top.name}>", '
                    f'found "</{end_name}>"'
                )
            entity = _html_entity(top, position)
            if entity is not None:
                entities.append(entity)
            i = end + 1
            continue
        name, attributes, i = _parse_html_start_tag(text, i)
        if name == "span" and attributes.get("class") != "tg-spoiler":
            raise EntityParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {offset}'
            )
        if name == "tg-emoji" and not attributes.get("emoji-id"):
            raise EntityParseError(
                f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {offset}'
            )
        stack.append(_OpenTag(name, attributes, position))
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    return FormattedText("".join(out), _merge_pre_code(entities))


def _merge_pre_code(entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``<pre><code class="language-x">`` is one ``pre`` entity with a language."""
    spans = {(e["offset"], e["length"]) for e in entities if e["type"] == "pre"}
    merged: list[dict[str, Any]] = []
    for entity in entities:
        span = (entity["offset"], entity["length"])
        if entity["type"] == "code" and span in spans:
            if "language" in entity:
                for pre in entities:
                    if pre["type"] == "pre" and (pre["offset"], pre["length"]) == span:
                        pre["language"] = entity["language"]
            continue
        if entity["type"] == "code":
            entity.pop("language", None)
        merged.append(entity)
    merged.sort(key=lambda e: (e["offset"], -e["length"]))
    return merged


_MARKDOWN_V2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_MARKDOWN_V2_NAMES = {
    "_": ("Italic", "italic"), "*": ("Bold", "bold"), "__": ("Underline", "underline"),
    "~": ("Strikethrough", "strikethrough"), "||": ("Spoiler", "spoiler"),
    "`": ("Code", "code"), "```": ("Pre", "pre"), "[": ("TextUrl", "text_link"),
}  # fmt: skip


@dataclass
class _OpenMarker:
    marker: str
    start: int  # UTF-16 offset in output
    byte_offset: int
    language: str = ""


def _reserved(char: str) -> EntityParseError:
    return EntityParseError(
        f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
    )


def _markdown_v2_url(text: str, i: int) -> tuple[str, int]:
    """Read ``(url)`` starting at ``text[i] == '('``; ``)`` and ``\\`` must be escaped."""
    offset = _byte_offset(text, i + 1)
    url: list[str] = []
    j = i + 1
    while j < len(text):
        if text[j] == "\\" and j + 1 < len(text):
            url.append(text[j + 1])
            j += 2
            continue
        if text[j] == ")":
            return "".join(url), j + 1
        url.append(text[j])
        j += 1
    raise EntityParseError(f"Can't find end of a URL at byte offset {offset}")


def parse_markdown_v2(text: str) -> FormattedText:
    """Parse Telegram MarkdownV2, rejecting unescaped reserved characters."""
    out: list[str] = []
    position = 0
    stack: list[_OpenMarker] = []
    entities: list[dict[str, Any]] = []
    quote_start: int | None = None
    n = len(text)
    i = 0

    def emit(chunk: str) -> None:
        nonlocal position
        out.append(chunk)
        position += utf16_len(chunk)

    def close(open_marker: _OpenMarker, extra: dict[str, Any] | None = None) -> None:
        length = position - open_marker.start
        if length > 0:
            entity = {
                "type": _MARKDOWN_V2_NAMES[open_marker.marker][1],
                "offset": open_marker.start,
                "length": length,
            }
            if open_marker.language:
                entity["language"] = open_marker.language
            entity.update(extra or {})
            entities.append(entity)

    while i < n:
        char = text[i]
        in_code = bool(stack) and stack[-1].marker in ("`", "```")
        if char == "\\" and i + 1 < n and 0 < ord(text[i + 1]) <= 126:
            emit(text[i + 1])
            i += 2
            continue
        if in_code:
            top = stack[-1]
            if text.startswith(top.marker, i):
                stack.pop()
                close(top)
                i += len(top.marker)
            else:
                emit(char)
                i += 1
            continue
        at_line_start = i == 0 or text[i - 1] == "\n"
        if char == "\n" and quote_start is not None and not text.startswith(">", i + 1):
            entities.append(
                {"type": "blockquote", "offset": quote_start, "length": position - quote_start}
            )
            quote_start = None
        if char not in _MARKDOWN_V2_RESERVED:
            emit(char)
            i += 1
            continue
        if char == ">" and at_line_start:
            if quote_start is None:
                quote_start = position
            i += 1
            continue
        top_marker = stack[-1].marker if stack else None
        if char == "_":
            if top_marker == "__" and text.startswith("__", i):
                marker = "__"
            elif top_marker == "_":
                marker = "_"
            else:
                marker = "__" if text.startswith("__", i) else "_"
        elif char == "|":
            if not text.startswith("||", i):
                raise _reserved(char)
            marker = "||"
        elif char == "`":
            marker = "```" if text.startswith("```", i) else "`"
        elif char in "*~[":
            marker = char
        elif char == "]" and "[" in [m.marker for m in stack]:
            if top_marker != "[":
                top = stack[-1]
                raise EntityParseError(
                    f"Can't find end of {_MARKDOWN_V2_NAMES[top.marker][0]} entity at byte "
                    f"offset {top.byte_offset}"
                )
            opened = stack.pop()
            if i + 1 < n and text[i + 1] == "(":
                url, i = _markdown_v2_url(text, i + 1)
                close(opened, {"url": url})
            else:
                i += 1  # "[text]" without a URL is plain text
            continue
        else:
            raise _reserved(char)
        if marker == top_marker and marker != "[":
            close(stack.pop())
            i += len(marker)
            continue
        open_marker = _OpenMarker(marker, position, _byte_offset(text, i))
        i += len(marker)
        if marker == "```":
            language_end = i
            while language_end < n and not text[language_end].isspace():
                if text.startswith("```", language_end):
                    break
                language_end += 1
            open_marker.language = text[i:language_end]
            i = language_end
            if open_marker.language and text.startswith("\r\n", i):
                i += 2
            elif open_marker.language and i < n and text[i] in "\r\n":
                i += 1
        stack.append(open_marker)
    if stack:
        top = stack[-1]
        name = _MARKDOWN_V2_NAMES[top.marker][0]
        if top.marker == "```" and top.language:
            name = "PreCode"
        raise EntityParseError(f"Can't find end of {name} entity at byte offset {top.byte_offset}")
    if quote_start is not None and position > quote_start:
        entities.append(
            {"type": "blockquote", "offset": quote_start, "length": position - quote_start}
        )
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return FormattedText("".join(out), entities)


def parse_markdown(text: str) -> FormattedText:
    """Parse legacy Telegram Markdown: ``*bold*``, ``_italic_``, ``` `code` ```, pre,
    ``[text](url)``; only unclosed entities are errors."""
    out: list[str] = []
    position = 0
    entities: list[dict[str, Any]] = []
    n = len(text)
    i = 0
    kinds = {"*": "bold", "_": "italic", "`": "code", "```": "pre"}
    while i < n:
        char = text[i]
        if char == "\\" and i + 1 < n and text[i + 1] in "_*`[":
            out.append(text[i + 1])
            position += 1
            i += 2
            continue
        if char not in "_*`[":
            out.append(char)
            position += utf16_len(char)
            i += 1
            continue
        offset = _byte_offset(text, i)
        marker = "```" if text.startswith("```", i) else char
        if marker == "[":
            close_bracket = text.find("](", i + 1)
            end_url = text.find(")", close_bracket + 2) if close_bracket >= 0 else -1
            if close_bracket < 0 or end_url < 0:
                raise EntityParseError(
                    f"Can't find end of the entity starting at byte offset {offset}"
                )
            label = text[i + 1 : close_bracket]
            entities.append(
                {"type": "text_link", "offset": position, "length": utf16_len(label),
                 "url": text[close_bracket + 2 : end_url]}
            )  # fmt: skip
            out.append(label)
            position += utf16_len(label)
            i = end_url + 1
            continue
        end = text.find(marker, i + len(marker))
        if end < 0:
            raise EntityParseError(f"Can't find end of the entity starting at byte offset {offset}")
        inner = text[i + len(marker) : end]
        if inner:
            entities.append({"type": kinds[marker], "offset": position, "length": utf16_len(inner)})
        out.append(inner)
        position += utf16_len(inner)
        i = end + len(marker)
    return FormattedText("".join(out), entities)


def parse_formatted(text: str, parse_mode: str | None) -> FormattedText:
    """Apply ``parse_mode`` (already validated) and Telegram's whitespace trimming."""
    mode = (parse_mode or "").lower()
    try:
        if mode == "html":
            parsed = parse_html(text)
        elif mode == "markdownv2":
            parsed = parse_markdown_v2(text)
        elif mode == "markdown":
            parsed = parse_markdown(text)
        else:
            parsed = FormattedText(text, [])
    except EntityParseError as exc:
        raise bad_request(f"Can't parse entities: {exc}") from None
    return _trim(parsed)


def _trim(parsed: FormattedText) -> FormattedText:
    """Telegram drops leading and trailing whitespace; entities shift with the text."""
    stripped = parsed.text.strip(" \t\r\n")
    if stripped == parsed.text:
        return parsed
    lead = utf16_len(parsed.text[: len(parsed.text) - len(parsed.text.lstrip(" \t\r\n"))])
    total = utf16_len(stripped)
    entities = []
    for entity in parsed.entities:
        start = max(entity["offset"] - lead, 0)
        end = min(entity["offset"] + entity["length"] - lead, total)
        if end > start:
            entities.append({**entity, "offset": start, "length": end - start})
    return FormattedText(stripped, entities)


# --------------------------------------------------------------------------- the spec


class BotApiSpec:
    """The Bot API method and type description, with call validation."""

    _cached: ClassVar[BotApiSpec | None] = None

    def __init__(self, data: dict[str, Any]):
        self.data = data
        self.version: str = data["version"]
        self.methods: dict[str, Any] = data["methods"]
        self.types: dict[str, Any] = data["types"]
        self._method_names = {name.lower(): name for name in self.methods}

    @classmethod
    def load(cls) -> BotApiSpec:
        if cls._cached is None:
            cls._cached = cls(json.loads(SPEC_PATH.read_text(encoding="utf-8")))
        return cls._cached

    def canonical_method(self, method: str) -> str | None:
        """Telegram matches method names case-insensitively."""
        return self._method_names.get(method.lower())

    def returns(self, method: str) -> list[str]:
        return list(self.methods[method]["returns"])

    # -- public entry point -------------------------------------------------------

    def validate_call(
        self,
        method: str,
        params: dict[str, object],
        files: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Check ``params`` like Telegram would and return them normalised.

        ``files`` holds multipart uploads by part name; a parameter satisfied by an upload
        is returned as :class:`UploadedFile`. Raises :class:`ApiError`.
        """
        name = self.canonical_method(method)
        if name is None:
            raise ApiError(404, "Not Found")
        spec_params: dict[str, Any] = self.methods[name]["params"]
        files = files or {}
        result: dict[str, Any] = {}
        for param, value in params.items():
            if param not in spec_params:
                continue  # Telegram ignores unknown parameters.
            if value is None or value == "":
                continue  # Telegram treats empty arguments as absent.
            result[param] = self._coerce_param(param, value, spec_params[param]["types"])
        for param, info in spec_params.items():
            if param in result:
                continue
            if param in files and "InputFile" in info["types"]:
                result[param] = UploadedFile(param)
                continue
            if info["required"]:
                raise self._missing(name, param)
        self._check_semantics(name, result, files)
        return result

    # -- structural checks -----------------------------------------------------------

    @staticmethod
    def _missing(method: str, param: str) -> ApiError:
        if param == "chat_id":
            return bad_request("chat_id is empty")
        if param == "text" and method in ("sendMessage", "editMessageText"):
            return bad_request("Message text is empty")
        if param == "callback_query_id":
            return bad_request("QUERY_ID_INVALID")
        return bad_request(f'Parameter "{param}" is required')

    def _coerce_param(self, param: str, value: object, types: list[str]) -> Any:
        structured = [t for t in types if t not in _SCALARS]
        if isinstance(value, str) and structured and "String" not in types:
            try:
                value = json.loads(value)
            except ValueError:
                raise bad_request(f"Can't parse {param} JSON object") from None
        try:
            return self._coerce(value, types, param)
        except _FieldError as exc:
            if exc.labelled:
                raise bad_request(exc.message) from None
            if structured:
                raise bad_request(f"Can't parse {param} JSON object: {exc.message}") from None
            raise bad_request(exc.message) from None

    def _coerce(self, value: object, types: list[str], name: str) -> Any:
        errors: list[_FieldError] = []
        # Try object types first so a dict is not reported as "must be String".
        ordered = sorted(types, key=lambda t: t in _SCALARS)
        for type_name in ordered:
            try:
                return self._coerce_one(value, type_name, name)
            except _FieldError as exc:
                errors.append(exc)
        if len(errors) == 1:
            raise errors[0]
        labelled = [e for e in errors if e.labelled]
        if labelled:
            raise labelled[0]
        if isinstance(value, dict | list) and any(t not in _SCALARS for t in types):
            raise errors[0]  # the first structured type explains best what is wrong
        raise _FieldError(f'Field "{name}" must be of type {" or ".join(types)}')

    def _coerce_one(self, value: object, type_name: str, name: str) -> Any:
        if type_name.startswith("Array of "):
            if not isinstance(value, list):
                raise _FieldError(f'Field "{name}" must be of type Array')
            inner = type_name[len("Array of ") :]
            return [self._coerce(item, [inner], name) for item in value]
        if type_name == "Integer":
            if isinstance(value, bool):
                raise _FieldError(f'Field "{name}" must be of type Integer')
            if isinstance(value, int):
                return value
            if isinstance(value, float) and value.is_integer():
                return int(value)
            if isinstance(value, str) and _INT_RE.fullmatch(value.strip()):
                return int(value.strip())
            raise _FieldError(f'Field "{name}" must be of type Integer')
        if type_name == "Float":
            if isinstance(value, bool):
                raise _FieldError(f'Field "{name}" must be of type Float')
            if isinstance(value, int | float):
                return value
            if isinstance(value, str) and _FLOAT_RE.fullmatch(value.strip()):
                return float(value)
            raise _FieldError(f'Field "{name}" must be of type Float')
        if type_name == "Boolean":
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value.lower() in ("true", "false", "1", "0"):
                return value.lower() in ("true", "1")
            if isinstance(value, int) and value in (0, 1):
                return bool(value)
            raise _FieldError(f'Field "{name}" must be of type Boolean')
        if type_name == "String":
            if isinstance(value, str):
                return value
            # The Bot API server turns JSON numbers into strings for string fields.
            if isinstance(value, int | float) and not isinstance(value, bool):
                return str(value)
            raise _FieldError(f'Field "{name}" must be of type String')
        if type_name == "InputFile":
            if isinstance(value, str) and value.startswith("attach://"):
                return value
            raise _FieldError(f'Field "{name}" must be of type InputFile')
        return self._coerce_object(value, type_name, name)

    def _coerce_object(self, value: object, type_name: str, name: str) -> dict[str, Any]:
        type_spec = self.types.get(type_name)
        if type_spec is None:
            # Unknown type names in the spec (should not happen) are passed through.
            return value  # type: ignore[return-value]
        if type_spec.get("subtypes"):
            return self._coerce_abstract(value, type_name, name)
        if not isinstance(value, dict):
            raise _FieldError(f'Field "{name}" must be of type Object')
        try:
            result = self._coerce_fields(value, type_name, type_spec)
            self._check_object(type_name, result)
        except _FieldError as exc:
            label = _OBJECT_LABELS.get(type_name)
            for parent in type_spec.get("subtype_of", []):
                label = label or _OBJECT_LABELS.get(parent)
            if label and not exc.labelled:
                raise _FieldError(f"Can't parse {label}: {exc.message}", labelled=True) from None
            raise
        return result

    def _coerce_fields(
        self, value: dict[str, Any], type_name: str, type_spec: dict[str, Any]
    ) -> dict[str, Any]:
        fields: dict[str, Any] = type_spec["fields"]
        discriminator = type_spec.get("discriminator")
        if discriminator and value.get(discriminator["field"]) != discriminator["value"]:
            raise _FieldError(
                f'Field "{discriminator["field"]}" must be "{discriminator["value"]}"'
            )
        result = dict(value)  # unknown fields are kept and ignored, as Telegram does
        for field_name, info in fields.items():
            field_value = value.get(field_name)
            if field_value is None:
                if info["required"]:
                    raise _FieldError(f'Can\'t find field "{field_name}"')
                result.pop(field_name, None)
                continue
            result[field_name] = self._coerce(field_value, info["types"], field_name)
        return result

    def _coerce_abstract(self, value: object, type_name: str, name: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise _FieldError(f'Field "{name}" must be of type Object')
        subtypes = [s for s in self.types[type_name]["subtypes"] if s in self.types]
        matching = [
            s
            for s in subtypes
            if "discriminator" not in self.types[s]
            or value.get(self.types[s]["discriminator"]["field"])
            == self.types[s]["discriminator"]["value"]
        ]
        if not matching:
            label = _OBJECT_LABELS.get(type_name, type_name)
            fields = {
                self.types[s]["discriminator"]["field"]
                for s in subtypes
                if "discriminator" in self.types[s]
            }
            field_name = next(iter(fields), "type")
            raise _FieldError(
                f"Can't parse {label}: Unsupported type specified"
                if field_name in value
                else f"Can't parse {label}: Can't find field \"{field_name}\"",
                labelled=True,
            )
        first_error: _FieldError | None = None
        for subtype in matching:
            try:
                return self._coerce_object(value, subtype, name)
            except _FieldError as exc:
                first_error = first_error or exc
        assert first_error is not None
        raise first_error

    # -- semantic checks -------------------------------------------------------------

    def _check_object(self, type_name: str, value: dict[str, Any]) -> None:
        if type_name == "InlineKeyboardButton":
            known = self.types[type_name]["fields"]
            actions = [k for k in value if k not in _BUTTON_DECORATION and k in known]
            if "callback_data" in value:
                data = value["callback_data"]
                if not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES:
                    raise _FieldError("BUTTON_DATA_INVALID", labelled=True)
            if not actions:
                raise _FieldError("Text buttons are unallowed in the inline keyboard")
            if len(actions) > 1:
                # Telegram silently uses the first; the stand-in insists on the documented rule.
                raise _FieldError(
                    "exactly one of the optional fields must be used, got " + ", ".join(actions)
                )
        elif type_name == "BotCommand":
            if not _COMMAND_RE.fullmatch(value["command"]):
                raise _FieldError("BOT_COMMAND_INVALID", labelled=True)
            description = value["description"]
            if not 1 <= len(description.strip()) <= MAX_COMMAND_DESCRIPTION_LENGTH:
                raise _FieldError("BOT_COMMAND_DESCRIPTION_INVALID", labelled=True)

    def _check_semantics(self, method: str, params: dict[str, Any], files: dict[str, Any]) -> None:
        spec_params = self.methods[method]["params"]
        if "parse_mode" in params and params["parse_mode"] != "":
            mode = str(params["parse_mode"]).lower()
            if mode not in PARSE_MODES and mode != "none":
                raise bad_request("Unsupported parse_mode")
        if "text" in spec_params and "parse_mode" in spec_params:
            text = params.get("text", "")
            parsed = parse_formatted(str(text), params.get("parse_mode")) if text else None
            if parsed is None or not parsed.text:
                raise bad_request("Message text is empty")
            if utf16_len(parsed.text) > MAX_TEXT_LENGTH:
                raise bad_request("Message is too long")
        if "caption" in spec_params and params.get("caption"):
            parsed = parse_formatted(str(params["caption"]), params.get("parse_mode"))
            if utf16_len(parsed.text) > MAX_CAPTION_LENGTH:
                raise bad_request("Message caption is too long")
        answer = params.get("text", "") if method == "answerCallbackQuery" else ""
        if len(answer) > MAX_CALLBACK_ANSWER_LENGTH:
            raise bad_request("MESSAGE_TOO_LONG")
        if method == "setMyCommands" and len(params["commands"]) > MAX_COMMANDS:
            raise bad_request("BOT_COMMANDS_TOO_MUCH")
        for param, value in params.items():
            attached = isinstance(value, str) and value.startswith("attach://")
            if attached and value[len("attach://") :] not in files:
                raise bad_request(f"Can't find attached file for {param}")


@lru_cache(maxsize=1)
def default_spec() -> BotApiSpec:
    return BotApiSpec.load()
