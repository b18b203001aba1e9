"""The LINE SDK's HTTP layer replaced by calls into a :class:`LineStandin`, without sockets.

``use_standin(client, standin)`` swaps the ``rest_client`` of an ``AsyncApiClient``: the SDK
still builds and serialises every request (so LINE's rules are checked on the JSON it would
send), and the stand-in answers as :class:`LineStandinServer` does over HTTP.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote, urlsplit

from linebot.v3.messaging import ApiException, AsyncApiClient
from multidict import CIMultiDict, CIMultiDictProxy

from bot.standin.line import LineStandin

_UNAUTHORISED = {
    "message": "Authentication failed. Confirm that the access token in the authorization "
    "header is valid."
}


class _Response:
    """What the SDK reads of an HTTP response (as its ``RESTResponse`` offers it)."""

    def __init__(self, status: int, data: bytes, headers: dict[str, str]) -> None:
        self.status = status
        self.reason = "OK" if status < 400 else "Error"
        self.data = data
        self._headers = CIMultiDictProxy(
            CIMultiDict({"Content-Type": "application/json", **headers})
        )

    def getheaders(self) -> CIMultiDictProxy[str]:
        return self._headers

    def getheader(self, name: str, default: str | None = None) -> str | None:
        return self._headers.get(name, default)


class InProcessLineRest:
    """Stands in for the SDK's ``RESTClientObject``: each request goes to the stand-in."""

    def __init__(self, standin: LineStandin) -> None:
        self.standin = standin

    async def close(self) -> None:
        """Nothing to close."""

    async def request(
        self,
        method: str,
        url: str,
        query_params: Any = None,
        headers: dict[str, str] | None = None,
        body: Any = None,
        post_params: Any = None,
        _preload_content: bool = True,
        _request_timeout: Any = None,
    ) -> _Response:
        """Answer one request as LINE's platform would; raise ApiException on 4xx/5xx."""
        headers = headers or {}
        path = unquote(urlsplit(url).path)
        if isinstance(body, bytes):
            body = json.loads(body or b"null")
        status, answer, extra = self._route(method.upper(), path, headers, body)
        if status >= 400 and isinstance(answer, dict):
            self.standin.rejected.append((path.rsplit("/", 1)[-1], status, answer))
        data = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
        response = _Response(status, data, extra)
        if not 200 <= status <= 299:
            raise ApiException(http_resp=response)
        return response

    def _route(
        self, method: str, path: str, headers: dict[str, str], body: Any
    ) -> tuple[int, dict[str, Any] | bytes, dict[str, str]]:
        standin = self.standin
        if not standin.authorised(headers.get("Authorization")):
            return 401, _UNAUTHORISED, {}
        if method == "POST" and path == "/v2/bot/message/reply":
            return (*standin.reply(body), {})
        if method == "POST" and path == "/v2/bot/message/push":
            return standin.push(body, headers.get("X-Line-Retry-Key"))
        if method == "GET" and path == "/v2/bot/message/quota":
            return 200, standin.quota(), {}
        if method == "GET" and path == "/v2/bot/message/quota/consumption":
            return 200, {"totalUsage": standin.pushes_this_month}, {}
        if method == "GET" and path.startswith("/v2/bot/profile/"):
            return (*standin.profile(path.removeprefix("/v2/bot/profile/")), {})
        if method == "GET" and path.endswith("/content"):
            message_id = path.removesuffix("/content").rsplit("/", 1)[-1]
            content = standin.contents.get(message_id)
            if content is None:
                return 404, {"message": "Not found"}, {}
            return 200, content, {"Content-Type": "image/jpeg"}
        if method == "POST" and path == "/v2/bot/chat/loading/start":
            return 202, {}, {}
        return 404, {"message": "Not found"}, {}

    async def get_request(self, url: str, **kwargs: Any) -> _Response:
        return await self.request("GET", url, **kwargs)

    async def post_request(self, url: str, **kwargs: Any) -> _Response:
        return await self.request("POST", url, **kwargs)

    async def put_request(self, url: str, **kwargs: Any) -> _Response:
        return await self.request("PUT", url, **kwargs)

    async def delete_request(self, url: str, **kwargs: Any) -> _Response:
        return await self.request("DELETE", url, **kwargs)


async def use_standin(client: AsyncApiClient, standin: LineStandin) -> None:
    """Route every call of ``client`` to ``standin`` instead of the network."""
    await client.rest_client.close()
    client.rest_client = InProcessLineRest(standin)
