"""Settings, read once at start-up and passed in.

Priority, highest first: process environment, then the `.env` file in the working directory,
then the defaults below.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.program import DEFAULT_PROGRAM_FILE

DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_LINE_API_BASE_URL = "https://api.line.me"
# The token the local console and tests use; the stand-in accepts it, Telegram would not.
CONSOLE_TOKEN = "1000001:local-console-token"


def default_data_dir() -> Path:
    """Where the bot keeps its SQLite file unless told otherwise."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "gifted-community-bot"


class SettingsError(Exception):
    """A setting is missing or malformed; the message names the variable."""


class BotApiUnreachable(Exception):
    """The Bot API could not be reached (or refused the token) at start-up; the message says
    which endpoint, in one line for the operator (bot/runner.py raises it)."""


class Settings(BaseSettings):
    """Every setting of the bot, one field per environment variable."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=True
    )

    TELEGRAM_BOT_TOKEN: SecretStr | None = None
    TELEGRAM_API_BASE_URL: str = DEFAULT_API_BASE_URL
    DATABASE_URL: str | None = None
    BOT_ADMIN_IDS: Annotated[frozenset[int], NoDecode] = frozenset()
    PROGRAM_FILE: Path = DEFAULT_PROGRAM_FILE
    BOT_TIMEZONE: str = "Asia/Taipei"
    BOT_DATA_DIR: Path = Field(default_factory=default_data_dir)
    BROADCAST_RATE_PER_SECOND: float = Field(default=25.0, gt=0, le=30)
    WEBHOOK_SECRET_TOKEN: SecretStr | None = None
    LINE_CHANNEL_SECRET: SecretStr | None = None
    LINE_CHANNEL_ACCESS_TOKEN: SecretStr | None = None
    LINE_API_BASE_URL: str = DEFAULT_LINE_API_BASE_URL
    # The LINE official account's ID (@123abcde): invites then carry a LINE link as well.
    LINE_ACCOUNT_ID: str | None = Field(default=None, pattern=r"^@?[A-Za-z0-9._-]{1,40}$")
    # Pushes a month the bot may spend on reminders and broadcasts to LINE users (LINE's free
    # plan has 200; answers on the reply token are free and not counted).
    LINE_MONTHLY_PUSH_BUDGET: int = Field(default=200, ge=0)
    # Names, usernames, message texts and plain user ids in the logs: off unless asked for.
    LOG_PERSONAL_DATA: bool = False
    LOG_HASH_KEY: SecretStr | None = None

    @field_validator("BOT_ADMIN_IDS", mode="before")
    @classmethod
    def _parse_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [part.strip() for part in value.replace(";", ",").split(",")]
            try:
                return frozenset(int(part) for part in parts if part)
            except ValueError:
                raise ValueError("must be comma-separated Telegram user ids (numbers)") from None
        return value

    @field_validator("BOT_TIMEZONE")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @field_validator("TELEGRAM_API_BASE_URL")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @field_validator("DATABASE_URL")
    @classmethod
    def _async_driver(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        return to_async_url(value)

    @property
    def timezone(self) -> ZoneInfo:
        """The zone all program dates and reminders are in."""
        return ZoneInfo(self.BOT_TIMEZONE)

    @property
    def database_url(self) -> str:
        """The async SQLAlchemy URL; a SQLite file in the data directory by default."""
        if self.DATABASE_URL:
            return self.DATABASE_URL
        return f"sqlite+aiosqlite:///{self.BOT_DATA_DIR / 'bot.sqlite3'}"

    @property
    def line_data_base_url(self) -> str:
        """Where LINE serves uploads and message content (api-data.line.me); a stand-in
        serves them on its one host."""
        base = self.LINE_API_BASE_URL.rstrip("/")
        return "https://api-data.line.me" if base == DEFAULT_LINE_API_BASE_URL else base

    def log_hash_key(self) -> bytes | None:
        """The key of the user ids' hash in logs: LOG_HASH_KEY, else derived from the token
        (the same in every process of one bot), else None (a random key for this process)."""
        if self.LOG_HASH_KEY is not None and self.LOG_HASH_KEY.get_secret_value():
            return self.LOG_HASH_KEY.get_secret_value().encode()
        if self.TELEGRAM_BOT_TOKEN is not None and self.TELEGRAM_BOT_TOKEN.get_secret_value():
            secret = self.TELEGRAM_BOT_TOKEN.get_secret_value().encode()
            return hashlib.sha256(b"gifted-community-bot log ids\0" + secret).digest()
        return None

    def token(self) -> str:
        """The bot token; raises SettingsError when it is needed and not set."""
        if self.TELEGRAM_BOT_TOKEN is None or not self.TELEGRAM_BOT_TOKEN.get_secret_value():
            raise SettingsError(
                "TELEGRAM_BOT_TOKEN is not set: get a token from @BotFather and set it "
                "(or try the bot without one: python -m bot console)"
            )
        return self.TELEGRAM_BOT_TOKEN.get_secret_value()

    def has_token(self) -> bool:
        """Whether TELEGRAM_BOT_TOKEN is set."""
        return self.TELEGRAM_BOT_TOKEN is not None and bool(
            self.TELEGRAM_BOT_TOKEN.get_secret_value()
        )

    def has_line_credentials(self) -> bool:
        """Whether both LINE settings are set."""
        return all(
            value is not None and value.get_secret_value()
            for value in (self.LINE_CHANNEL_SECRET, self.LINE_CHANNEL_ACCESS_TOKEN)
        )

    def line_credentials(self) -> tuple[str, str]:
        """The LINE channel secret and access token; raises SettingsError when one is missing."""
        missing = [
            name
            for name in ("LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN")
            if not (value := getattr(self, name)) or not value.get_secret_value()
        ]
        if missing:
            raise SettingsError(
                f"{' and '.join(missing)} not set: find them in the LINE Developers console, "
                "under the channel's Basic settings and Messaging API tabs (see README)"
            )
        assert self.LINE_CHANNEL_SECRET is not None and self.LINE_CHANNEL_ACCESS_TOKEN is not None
        return (
            self.LINE_CHANNEL_SECRET.get_secret_value(),
            self.LINE_CHANNEL_ACCESS_TOKEN.get_secret_value(),
        )


def to_async_url(url: str) -> str:
    """Give plain database URLs the async driver SQLAlchemy needs."""
    for plain, driver in (
        ("postgresql://", "postgresql+asyncpg://"),
        ("postgres://", "postgresql+asyncpg://"),
        ("sqlite://", "sqlite+aiosqlite://"),
    ):
        if url.startswith(plain):
            return driver + url[len(plain) :]
    return url


def load_settings(**overrides: object) -> Settings:
    """Read the settings; raise SettingsError naming the variable at fault."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = ".".join(str(part) for part in first["loc"]) or "settings"
        reason = first["msg"].removeprefix("Value error, ")
        raise SettingsError(f"{name}: {reason}") from None
