"""Validation of Bot API calls against the spec, with Telegram's error wording."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.standin.make_spec import build_spec, render
from bot.standin.spec import (
    SPEC_PATH,
    ApiError,
    BotApiSpec,
    parse_html,
    parse_markdown,
    parse_markdown_v2,
)

REPO_ROOT = Path(__file__).resolve().parents[3]
SHARED_API_JSON = REPO_ROOT.parent / "shared" / "telegram-bot-api" / "api.json"


@pytest.fixture(scope="module")
def spec() -> BotApiSpec:
    return BotApiSpec.load()


def error_of(spec: BotApiSpec, method: str, params: dict[str, Any]) -> tuple[int, str]:
    with pytest.raises(ApiError) as caught:
        spec.validate_call(method, params)
    return caught.value.error_code, caught.value.description


def keyboard(*buttons: dict[str, Any]) -> str:
    return json.dumps({"inline_keyboard": [list(buttons)]})


@pytest.mark.skipif(not SHARED_API_JSON.exists(), reason="shared api.json not available")
def test_generated_spec_is_up_to_date() -> None:
    api = json.loads(SHARED_API_JSON.read_text(encoding="utf-8"))
    assert render(build_spec(api)) == SPEC_PATH.read_text(encoding="utf-8")


def test_spec_keeps_abstract_types(spec: BotApiSpec) -> None:
    assert spec.version.startswith("Bot API")
    assert spec.types["MaybeInaccessibleMessage"]["subtypes"] == ["Message", "InaccessibleMessage"]
    assert "InlineQueryResultArticle" in spec.types["InlineQueryResult"]["subtypes"]
    assert spec.types["BotCommandScopeChat"]["discriminator"] == {"field": "type", "value": "chat"}
    assert spec.methods["sendMessage"]["params"]["text"] == {"types": ["String"], "required": True}


def test_form_values_are_normalised(spec: BotApiSpec) -> None:
    params = spec.validate_call(
        "sendMessage",
        {
            "chat_id": "-1001234",
            "text": "123",
            "disable_notification": "true",
            "reply_markup": keyboard({"text": "ok", "callback_data": "a"}),
            "unknown_param": "ignored",
        },
    )
    assert params == {
        "chat_id": -1001234,
        "text": "123",
        "disable_notification": True,
        "reply_markup": {"inline_keyboard": [[{"text": "ok", "callback_data": "a"}]]},
    }
    assert spec.validate_call("sendMessage", {"chat_id": "@teachers", "text": "x"})["chat_id"] == (
        "@teachers"
    )
    assert spec.validate_call("getUpdates", {"timeout": "5", "allowed_updates": '["message"]'}) == {
        "timeout": 5,
        "allowed_updates": ["message"],
    }


@pytest.mark.parametrize(
    ("method", "params", "expected"),
    [
        ("sendMessage", {"chat_id": 1}, (400, "Bad Request: message text is empty")),
        ("sendMessage", {"chat_id": 1, "text": ""}, (400, "Bad Request: message text is empty")),
        (
            "sendMessage",
            {"chat_id": 1, "text": "<b> </b>", "parse_mode": "HTML"},
            (400, "Bad Request: message text is empty"),
        ),
        ("sendMessage", {"text": "hi"}, (400, "Bad Request: chat_id is empty")),
        (
            "sendMessage",
            {"chat_id": 1, "text": "x" * 4097},
            (400, "Bad Request: message is too long"),
        ),
        (
            "setMyCommands",
            {},
            (400, 'Bad Request: parameter "commands" is required'),
        ),
        ("noSuchMethod", {}, (404, "Not Found")),
        (
            "sendMessage",
            {"chat_id": 1, "text": "x", "disable_notification": "maybe"},
            (400, 'Bad Request: field "disable_notification" must be of type Boolean'),
        ),
        (
            "getUpdates",
            {"limit": "many"},
            (400, 'Bad Request: field "limit" must be of type Integer'),
        ),
        (
            "sendMessage",
            {"chat_id": 1, "text": "x", "parse_mode": "Textile"},
            (400, "Bad Request: unsupported parse_mode"),
        ),
        (
            "sendMessage",
            {"chat_id": 1, "text": "x", "reply_markup": "{not json"},
            (400, "Bad Request: can't parse reply_markup JSON object"),
        ),
        (
            "answerCallbackQuery",
            {"callback_query_id": "1", "text": "長" * 201},
            (400, "Bad Request: MESSAGE_TOO_LONG"),
        ),
    ],
)
def test_rejections(
    spec: BotApiSpec, method: str, params: dict[str, Any], expected: tuple[int, str]
) -> None:
    assert error_of(spec, method, params) == expected


def test_text_length_counts_utf16_after_parsing(spec: BotApiSpec) -> None:
    # Astral-plane characters count twice, as in Telegram.
    assert error_of(spec, "sendMessage", {"chat_id": 1, "text": "🏫" * 2049})[1] == (
        "Bad Request: message is too long"
    )
    spec.validate_call("sendMessage", {"chat_id": 1, "text": "🏫" * 2048})
    # Markup does not count toward the limit; entities unescape to one character.
    spec.validate_call(
        "sendMessage", {"chat_id": 1, "text": "<b>" + "&lt;" * 4096 + "</b>", "parse_mode": "HTML"}
    )
    with pytest.raises(ApiError, match="caption is too long"):
        spec.validate_call("sendPhoto", {"chat_id": 1, "photo": "id", "caption": "x" * 1025})
    spec.validate_call("sendPhoto", {"chat_id": 1, "photo": "id", "caption": "x" * 1024})


@pytest.mark.parametrize(
    ("button", "description"),
    [
        ({"text": "a", "callback_data": "x" * 65}, "Bad Request: BUTTON_DATA_INVALID"),
        ({"text": "a", "callback_data": "é" * 33}, "Bad Request: BUTTON_DATA_INVALID"),
        (
            {"text": "a"},
            "Bad Request: can't parse inline keyboard button: "
            "Text buttons are unallowed in the inline keyboard",
        ),
        (
            {"callback_data": "a"},
            "Bad Request: can't parse inline keyboard button: Can't find field \"text\"",
        ),
        (
            {"text": "a", "callback_data": "x", "url": "https://example.org"},
            "Bad Request: can't parse inline keyboard button: exactly one of the optional "
            "fields must be used, got callback_data, url",
        ),
        (
            {"text": 5, "callback_data": {"x": 1}},
            "Bad Request: can't parse inline keyboard button: "
            'Field "callback_data" must be of type String',
        ),
    ],
)
def test_inline_buttons(spec: BotApiSpec, button: dict[str, Any], description: str) -> None:
    params = {"chat_id": 1, "text": "x", "reply_markup": keyboard(button)}
    assert error_of(spec, "sendMessage", params) == (400, description)


def test_callback_data_limit_is_64_bytes(spec: BotApiSpec) -> None:
    params = {
        "chat_id": 1,
        "text": "x",
        "reply_markup": keyboard({"text": "a", "callback_data": "x" * 64}),
    }
    spec.validate_call("sendMessage", params)


def test_other_reply_markups(spec: BotApiSpec) -> None:
    for markup in (
        {"keyboard": [[{"text": "📅 行事曆"}]], "resize_keyboard": True},
        {"remove_keyboard": True},
        {"force_reply": True, "input_field_placeholder": "姓名"},
    ):
        params = spec.validate_call(
            "sendMessage", {"chat_id": 1, "text": "x", "reply_markup": markup}
        )
        assert params["reply_markup"] == markup
    with pytest.raises(ApiError, match=r'keyboard button: Field "text" must be of type String'):
        spec.validate_call(
            "sendMessage",
            {"chat_id": 1, "text": "x", "reply_markup": {"keyboard": [[{"text": []}]]}},
        )


def test_link_preview_and_reply_parameters(spec: BotApiSpec) -> None:
    spec.validate_call(
        "sendMessage",
        {
            "chat_id": 1,
            "text": "x",
            "link_preview_options": '{"is_disabled": true}',
            "reply_parameters": '{"message_id": 3}',
        },
    )
    _, description = error_of(
        spec, "sendMessage", {"chat_id": 1, "text": "x", "reply_parameters": "{}"}
    )
    assert (
        description == "Bad Request: can't parse reply parameters: Can't find field \"message_id\""
    )


@pytest.mark.parametrize(
    ("commands", "description"),
    [
        ([{"command": "Start", "description": "開始"}], "Bad Request: BOT_COMMAND_INVALID"),
        ([{"command": "a" * 33, "description": "開始"}], "Bad Request: BOT_COMMAND_INVALID"),
        ([{"command": "start-now", "description": "x"}], "Bad Request: BOT_COMMAND_INVALID"),
        ([{"command": "start", "description": ""}], "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID"),
        (
            [{"command": "start", "description": "x" * 257}],
            "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID",
        ),
        (
            [{"command": f"c{i}", "description": "x"} for i in range(101)],
            "Bad Request: BOT_COMMANDS_TOO_MUCH",
        ),
        (
            [{"command": "start"}],
            "Bad Request: can't parse BotCommand: Can't find field \"description\"",
        ),
    ],
)
def test_bot_commands(spec: BotApiSpec, commands: list[dict[str, Any]], description: str) -> None:
    assert error_of(spec, "setMyCommands", {"commands": json.dumps(commands)}) == (400, description)


def test_bot_command_scopes(spec: BotApiSpec) -> None:
    commands = json.dumps([{"command": "start_1", "description": "開始"}])
    ok = spec.validate_call(
        "setMyCommands", {"commands": commands, "scope": '{"type": "chat", "chat_id": "-100"}'}
    )
    assert ok["scope"] == {"type": "chat", "chat_id": -100}
    assert error_of(spec, "setMyCommands", {"commands": commands, "scope": '{"type": "chat"}'})[
        1
    ] == ("Bad Request: can't parse BotCommandScope: Can't find field \"chat_id\"")
    assert error_of(spec, "setMyCommands", {"commands": commands, "scope": '{"type": "planet"}'})[
        1
    ] == ("Bad Request: can't parse BotCommandScope: Unsupported type specified")


# ---------------------------------------------------------------------------- HTML


def html_error(text: str) -> str:
    spec = BotApiSpec.load()
    return error_of(spec, "sendMessage", {"chat_id": 1, "text": text, "parse_mode": "HTML"})[1]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("<foo>x</foo>", 'Unsupported start tag "foo" at byte offset 0'),
        ("好<foo>", 'Unsupported start tag "foo" at byte offset 3'),
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b", "Unclosed start tag at byte offset 0"),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
        ("Q&A", "Character '&' at byte offset 1 must be escaped as &amp;"),
        ('<span class="x">s</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
    ],
)
def test_html_rejections(text: str, message: str) -> None:
    assert html_error(text) == f"Bad Request: can't parse entities: {message}"


def test_html_supported_tags() -> None:
    parsed = parse_html(
        "<b>粗</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s>"
        '<strike>k</strike><del>d</del><span class="tg-spoiler">p</span><tg-spoiler>q</tg-spoiler>'
        '<a href="https://example.org/?a=1&amp;b=2">link</a><code>c</code>'
        '<pre><code class="language-python">print()</code></pre>'
        "<blockquote>quote</blockquote><blockquote expandable>more</blockquote>"
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji> &lt;&gt;&amp;&quot;&#34;&#x41;'
    )
    assert parsed.text == '粗sieunskdpqlinkcprint()quotemore👍 <>&""A'
    types = [e["type"] for e in parsed.entities]
    assert types == [
        "bold", "bold", "italic", "italic", "underline", "underline", "strikethrough",
        "strikethrough", "strikethrough", "spoiler", "spoiler", "text_link", "code", "pre",
        "blockquote", "expandable_blockquote", "custom_emoji",
    ]  # fmt: skip
    link = next(e for e in parsed.entities if e["type"] == "text_link")
    assert link["url"] == "https://example.org/?a=1&b=2"
    pre = next(e for e in parsed.entities if e["type"] == "pre")
    assert pre["language"] == "python"


def test_html_entities_offsets_are_utf16() -> None:
    parsed = parse_html("🏫 <b>高雄</b>")
    assert parsed.entities == [{"type": "bold", "offset": 3, "length": 2}]


@given(st.text(max_size=300))
def test_escaped_text_always_validates(text: str) -> None:
    spec = BotApiSpec.load()
    escaped = html.escape(text)
    if not text.strip(" \t\r\n"):
        return
    if len(text.encode("utf-16-le")) // 2 > 4096:
        return
    params = spec.validate_call(
        "sendMessage", {"chat_id": 1, "text": f"<b>{escaped}</b>", "parse_mode": "HTML"}
    )
    assert params["text"] == f"<b>{escaped}</b>"
    assert parse_html(escaped).text == text


SUPPORTED_TAGS = frozenset(
    {"a", "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler",
     "code", "pre", "blockquote", "tg-emoji"}
)  # fmt: skip


@given(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz-", min_size=1, max_size=12).filter(
        lambda name: name not in SUPPORTED_TAGS
    ),
    st.text(alphabet="xyz 高雄", max_size=10),
)
def test_unknown_tags_are_rejected(name: str, before: str) -> None:
    description = html_error(f"{html.escape(before)}<{name}>x")
    assert description.startswith(
        f'Bad Request: can\'t parse entities: Unsupported start tag "{name}"'
    )


# ---------------------------------------------------------------------------- Markdown


@pytest.mark.parametrize("char", list("_*[]()~`>#+-=|{}.!"))
def test_markdown_v2_reserved_characters(char: str) -> None:
    spec = BotApiSpec.load()
    text = f"a{char}b" if char not in "_*~`[" else f"a {char}"
    _, description = error_of(
        spec, "sendMessage", {"chat_id": 1, "text": text, "parse_mode": "MarkdownV2"}
    )
    assert description.startswith("Bad Request: can't parse entities: ")
    escaped = spec.validate_call(
        "sendMessage", {"chat_id": 1, "text": f"a\\{char}b", "parse_mode": "MarkdownV2"}
    )
    assert escaped["text"] == f"a\\{char}b"


def test_markdown_v2_entities() -> None:
    parsed = parse_markdown_v2(
        "*粗* _i_ __u__ ~s~ ||p|| `c` [連結](https://example.org/a\\)b) 1\\.0\n>引用"
    )
    assert parsed.text == "粗 i u s p c 連結 1.0\n引用"
    assert [e["type"] for e in parsed.entities] == [
        "bold", "italic", "underline", "strikethrough", "spoiler", "code", "text_link",
        "blockquote",
    ]  # fmt: skip
    assert parsed.entities[6]["url"] == "https://example.org/a)b"


def test_markdown_v2_unclosed() -> None:
    spec = BotApiSpec.load()
    _, description = error_of(
        spec, "sendMessage", {"chat_id": 1, "text": "*bold", "parse_mode": "MarkdownV2"}
    )
    assert (
        description
        == "Bad Request: can't parse entities: Can't find end of Bold entity at byte offset 0"
    )


def test_legacy_markdown() -> None:
    parsed = parse_markdown("*b* _i_ `c` [t](https://x.org) 1.0 - ok!")
    assert parsed.text == "b i c t 1.0 - ok!"
    assert [e["type"] for e in parsed.entities] == ["bold", "italic", "code", "text_link"]
    spec = BotApiSpec.load()
    _, description = error_of(
        spec, "sendMessage", {"chat_id": 1, "text": "snake_case", "parse_mode": "Markdown"}
    )
    assert description == (
        "Bad Request: can't parse entities: Can't find end of the entity starting at byte offset 5"
    )
