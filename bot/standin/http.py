"""Serve a :class:`BotApiStandin` over HTTP, shaped like ``api.telegram.org``.

Routes: ``/bot{token}/{method}`` (GET or POST; JSON, form-urlencoded or multipart
bodies, query strings) and ``/file/bot{token}/{file_path}`` for downloads. Replies use
Telegram's envelope and the HTTP status equals ``error_code``, as Telegram does.
"""

from __future__ import annotations

import json
import logging
from types import TracebackType
from typing import Any

from aiohttp import web

from bot.standin.core import BotApiStandin, DroppedConnection, FileTuple

logger = logging.getLogger(__name__)

# Telegram accepts uploads up to 50 MB from bots.
_MAX_BODY = 50 * 1024 * 1024


class StandinHttpServer:
    """aiohttp server in front of a stand-in; use as ``async with``."""

    def __init__(self, standin: BotApiStandin):
        self.standin = standin
        self._runner: web.AppRunner | None = None
        self._host = "127.0.0.1"
        self._port: int | None = None

    def _make_app(self) -> web.Application:
        app = web.Application(client_max_size=_MAX_BODY)
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{file_path:.+}", self._file)
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        if self._runner is not None:
            raise RuntimeError("server already started")
        # Cancel handlers whose client went away, e.g. PTB abandoning a long poll.
        runner = web.AppRunner(self._make_app(), access_log=None, handler_cancellation=True)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        self._runner = runner
        self._host = host
        # With port=0 the OS picks the port; the runner knows which one it got.
        self._port = runner.addresses[0][1] if runner.addresses else port
        logger.info("Telegram stand-in listening on %s", self.base_url)

    async def stop(self) -> None:
        if self._runner is not None:
            self.standin.release_pollers()
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> StandinHttpServer:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("server not started")
        return self._port

    @property
    def base_url(self) -> str:
        """PTB's ``base_url``: PTB appends the token, then ``/method``."""
        return f"http://{self._host}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://{self._host}:{self.port}/file/bot"

    async def _api(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        method = request.match_info["method"]
        try:
            params, files = await _read_params(request)
        except ValueError as exc:
            status, body = (
                400,
                {
                    "ok": False,
                    "error_code": 400,
                    "description": f"Bad Request: {exc}",
                },
            )
        else:
            try:
                status, body = await self.standin.handle(method, params, files, token)
            except DroppedConnection:
                if request.transport is not None:
                    request.transport.abort()
                raise web.HTTPServiceUnavailable() from None  # never reaches the client
        return web.json_response(body, status=status, dumps=_dumps)

    async def _file(self, request: web.Request) -> web.Response:
        stored = self.standin.file_by_path(request.match_info["file_path"])
        if stored is None:
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
            )
        return web.Response(
            body=stored.data, content_type=stored.mime_type or "application/octet-stream"
        )


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


async def _read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, FileTuple]]:
    params: dict[str, Any] = dict(request.query)
    files: dict[str, FileTuple] = {}
    if request.method not in ("POST", "PUT") or not request.can_read_body:
        return params, files
    content_type = request.content_type
    if content_type == "application/json":
        try:
            body = await request.json()
        except ValueError as exc:
            raise ValueError("can't parse JSON body") from exc
        if not isinstance(body, dict):
            raise ValueError("JSON body must be an object")
        params.update(body)
        return params, files
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.post()
        for name, value in form.items():
            if isinstance(value, web.FileField):
                files[name] = (value.filename, value.file.read(), value.content_type)
            else:
                params[name] = value
    return params, files
