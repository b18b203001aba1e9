"""Logs never carry the token."""

from __future__ import annotations

import json
import logging

from bot.logs import JsonFormatter, RedactTokens


def test_a_token_in_a_log_message_is_masked():
    token = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
    url = "POST https://api.telegram.org/bot%s/getMe"
    record = logging.LogRecord("httpx", logging.INFO, __file__, 1, url, (token,), None)
    RedactTokens().filter(record)
    assert "AAHdq" not in record.getMessage()
    assert "<token>" in record.getMessage()


def test_json_lines_are_valid_json():
    record = logging.LogRecord("bot", logging.WARNING, __file__, 1, "hello %s", ("world",), None)
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "hello world" and entry["level"] == "WARNING"
