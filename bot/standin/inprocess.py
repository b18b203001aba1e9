"""A python-telegram-bot request backend that talks to a stand-in without sockets.

``InProcessRequest`` hands each request to :class:`BotApiStandin` exactly as
``HTTPXRequest`` would put it on the wire: parameters as ``RequestData.json_parameters``
(strings, non-strings JSON-encoded) and uploads from ``RequestData.multipart_data``.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import IO, cast
from urllib.parse import unquote, urlsplit

from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import TimedOut
from telegram.request import BaseRequest, RequestData

from bot.standin.core import BotApiStandin, FileTuple

logger = logging.getLogger(__name__)


class InProcessRequest(BaseRequest):
    """Routes PTB's Bot API requests straight into a :class:`BotApiStandin`."""

    def __init__(self, standin: BotApiStandin, *, read_timeout: float | None = 5.0):
        self.standin = standin
        self._read_timeout = read_timeout

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        path = unquote(urlsplit(url).path)
        segments = [s for s in path.split("/") if s]
        if "file" in segments[:-1] and method == "GET":
            return self._download(segments)
        bot_index = next((i for i, s in enumerate(segments) if s.startswith("bot")), None)
        if bot_index is None or bot_index + 1 >= len(segments):
            return 404, _envelope_bytes(
                {"ok": False, "error_code": 404, "description": "Not Found"}
            )
        token = segments[bot_index][len("bot") :]
        api_method = segments[bot_index + 1]
        params: dict[str, object] = dict(request_data.json_parameters) if request_data else {}
        files = _files(request_data)

        timeout = self._read_timeout if isinstance(read_timeout, DefaultValue) else read_timeout
        call = self.standin.handle(api_method, params, files, token)
        try:
            # Mirrors HTTPXRequest: a slow answer surfaces as TimedOut in the bot.
            status, body = await asyncio.wait_for(call, timeout)
        except TimeoutError as exc:
            raise TimedOut from exc
        return status, _envelope_bytes(body)

    def _download(self, segments: list[str]) -> tuple[int, bytes]:
        file_index = segments.index("file")
        file_path = "/".join(segments[file_index + 2 :])
        stored = self.standin.file_by_path(file_path)
        if stored is None:
            return 404, _envelope_bytes(
                {"ok": False, "error_code": 404, "description": "Not Found"}
            )
        return 200, stored.data


def _envelope_bytes(body: dict[str, object]) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def _files(request_data: RequestData | None) -> dict[str, FileTuple]:
    if request_data is None or not request_data.contains_files:
        return {}
    files: dict[str, FileTuple] = {}
    for name, field_tuple in request_data.multipart_data.items():
        filename, content, mime = cast(tuple[str, object, str], field_tuple)
        data = content if isinstance(content, bytes) else cast(IO[bytes], content).read()
        files[name] = (filename, data, mime)
    return files
