"""Generate ``botapi_spec.json`` from the machine-readable Telegram Bot API description.

The input is ``api.json`` from PaulSonOfLars/telegram-bot-api-spec (MIT licence,
copyright (c) 2020 Paul Larsen). The output is a compact subset of that data: for
every method its parameters (types, required) and return types, and for every type
its fields, its ``subtypes`` (for abstract types such as ``MaybeInaccessibleMessage``
or ``InlineQueryResult``) and, for concrete subtypes, the discriminator field and the
value it must hold (``{"field": "type", "value": "chat"}``), read from the field
description ("must be chat", "always “emoji”").

Run as ``python -m bot.standin.make_spec /path/to/api.json [output.json]``.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

DEFAULT_OUTPUT = Path(__file__).with_name("botapi_spec.json")
_DISCRIMINATOR_RE = re.compile(r"(?:must be|always)\s+[“\"]?([A-Za-z0-9_]+)[”\"]?")


def _fields(entries: list[dict[str, Any]] | None) -> dict[str, dict[str, Any]]:
    return {
        entry["name"]: {"types": list(entry["types"]), "required": bool(entry["required"])}
        for entry in entries or []
    }


def _discriminator(entries: list[dict[str, Any]] | None) -> dict[str, str] | None:
    for entry in entries or []:
        if not entry["required"] or entry["types"] != ["String"]:
            continue
        description = entry.get("description", "")
        if isinstance(description, list):
            description = " ".join(description)
        match = _DISCRIMINATOR_RE.search(description)
        if match:
            return {"field": entry["name"], "value": match.group(1)}
    return None


def build_spec(api: dict[str, Any]) -> dict[str, Any]:
    """Reduce the full ``api.json`` document to what the stand-in validates against."""
    methods = {
        name: {"params": _fields(method.get("fields")), "returns": list(method["returns"])}
        for name, method in sorted(api["methods"].items())
    }
    types: dict[str, Any] = {}
    for name, type_ in sorted(api["types"].items()):
        entry: dict[str, Any] = {"fields": _fields(type_.get("fields"))}
        if type_.get("subtypes"):
            entry["subtypes"] = list(type_["subtypes"])
        if type_.get("subtype_of"):
            entry["subtype_of"] = list(type_["subtype_of"])
            discriminator = _discriminator(type_.get("fields"))
            if discriminator:
                entry["discriminator"] = discriminator
        types[name] = entry
    return {
        "version": api["version"],
        "source": "telegram-bot-api-spec api.json by Paul Larsen (MIT licence)",
        "methods": methods,
        "types": types,
    }


def render(spec: dict[str, Any]) -> str:
    """Serialise deterministically so regenerating yields byte-identical output."""
    text = json.dumps(spec, ensure_ascii=False, sort_keys=True, indent=0, separators=(",", ":"))
    return text + "\n"


def generate(api_path: Path, output: Path = DEFAULT_OUTPUT) -> str:
    api = json.loads(api_path.read_text(encoding="utf-8"))
    text = render(build_spec(api))
    output.write_text(text, encoding="utf-8")
    logger.info("wrote %s (%s)", output, api["version"])
    return text


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or len(args) > 2:
        logger.error("usage: python -m bot.standin.make_spec /path/to/api.json [output.json]")
        return 2
    output = Path(args[1]) if len(args) == 2 else DEFAULT_OUTPUT
    logging.basicConfig(level=logging.INFO)
    generate(Path(args[0]), output)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
