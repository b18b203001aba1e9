"""`python -m bot line-rich-menu`: upload the rich menu (deploy/line-rich-menu.json and its
image) to the LINE channel and make it every user's default."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

import aiohttp
from linebot.v3.messaging import (
    ApiException,
    AsyncApiClient,
    AsyncMessagingApi,
    Configuration,
    RichMenuRequest,
)

from bot.settings import Settings

RICH_MENU_FILE = Path(__file__).resolve().parents[1] / "deploy" / "line-rich-menu.json"
EXIT_REFUSED = 1
EXIT_BAD_INPUT = 2


def _content_type(image: bytes) -> str | None:
    if image.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if image.startswith(b"\xff\xd8"):
        return "image/jpeg"
    return None


def _refusal(exc: ApiException) -> str:
    try:
        body = json.loads(exc.body or "{}")
    except ValueError:
        return f"HTTP {exc.status}"
    details = "; ".join(
        f"{d.get('property', '')}: {d.get('message', '')}" for d in body.get("details") or []
    )
    return f"HTTP {exc.status}: {body.get('message', '')}" + (f" ({details})" if details else "")


def run_rich_menu(
    settings: Settings, *, menu_file: Path, image_file: Path | None, check_only: bool
) -> int:
    """Check the rich menu with LINE, or upload it with its image as the default; exit code."""
    try:
        menu = json.loads(menu_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(f"error: cannot read the rich menu {menu_file}: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    image: bytes | None = None
    if not check_only:
        if image_file is None:
            print("error: give the menu's image with --image FILE (or --check)", file=sys.stderr)
            return EXIT_BAD_INPUT
        try:
            image = image_file.read_bytes()
        except OSError as exc:
            print(f"error: cannot read the image {image_file}: {exc}", file=sys.stderr)
            return EXIT_BAD_INPUT
        if _content_type(image) is None:
            print(f"error: {image_file} is neither a PNG nor a JPEG", file=sys.stderr)
            return EXIT_BAD_INPUT
    _, access_token = settings.line_credentials()
    return asyncio.run(_upload(settings, access_token, menu, image))


async def _upload(
    settings: Settings, access_token: str, menu: dict[str, Any], image: bytes | None
) -> int:
    base = settings.LINE_API_BASE_URL.rstrip("/")
    request = RichMenuRequest.from_dict(menu)
    async with AsyncApiClient(Configuration(host=base, access_token=access_token)) as client:
        api = AsyncMessagingApi(client)
        api.line_base_path = base
        try:
            await api.validate_rich_menu_object(request)
            if image is None:
                print("LINE accepts the rich menu")
                return 0
            rich_menu_id = (await api.create_rich_menu(request)).rich_menu_id
        except ApiException as exc:
            print(f"error: LINE refused the rich menu: {_refusal(exc)}", file=sys.stderr)
            return EXIT_REFUSED
        url = f"{settings.line_data_base_url}/v2/bot/richmenu/{rich_menu_id}/content"
        headers = {
            "Authorization": f"Bearer {access_token}",
            "Content-Type": _content_type(image) or "image/png",
        }
        async with (
            aiohttp.ClientSession() as session,
            session.post(url, data=image, headers=headers) as response,
        ):
            if response.status != 200:
                text = (await response.text())[:300]
                print(
                    f"error: LINE refused the image: HTTP {response.status} {text}", file=sys.stderr
                )
                return EXIT_REFUSED
        try:
            await api.set_default_rich_menu(rich_menu_id)
        except ApiException as exc:
            print(f"error: LINE refused the default menu: {_refusal(exc)}", file=sys.stderr)
            return EXIT_REFUSED
    print(f"rich menu {rich_menu_id} uploaded; it is now every user's default")
    return 0
