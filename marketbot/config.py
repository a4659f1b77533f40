"""Configuration: frozen dataclasses loaded from TOML, with secrets from the environment.

`config.example.toml` documents every key; a test fails when a field here is missing there.
Errors are :class:`ConfigError` with one paragraph naming the key and what is expected.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from typing import Any, Literal, TypeVar, get_args, get_origin, get_type_hints
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "BotConfig",
    "Config",
    "ConfigError",
    "ConsoleConfig",
    "DatabaseConfig",
    "DeliveryConfig",
    "LogConfig",
    "MarketConfig",
    "SearchConfig",
    "SecretariesConfig",
    "TelegramConfig",
    "WeChatConfig",
    "WebConfig",
    "load_config",
]

TOKEN_ENV = "MARKETBOT_TELEGRAM_TOKEN"
WECHAT_SECRET_ENV = "MARKETBOT_WECHAT_SECRET"
DATABASE_URL_ENV = "MARKETBOT_DATABASE_URL"
LOG_FORMAT_ENV = "MARKETBOT_LOG_FORMAT"
WEB_PORT_ENV = "MARKETBOT_WEB_PORT"


class ConfigError(Exception):
    """A configuration problem, explained in one paragraph for the person running the bot."""


@dataclass(frozen=True)
class DatabaseConfig:
    path: str = "marketbot.db"
    """SQLite file; created and migrated on first start."""
    url: str = ""
    """A PostgreSQL database instead of the file, ``postgresql://user:password@host/name`` (it
    must exist; its tables are created and migrated on first start); MARKETBOT_DATABASE_URL
    overrides it. Empty: the SQLite file."""

    @property
    def target(self) -> str:
        """What :meth:`marketbot.storage.db.Database.open` opens: the URL if set, else the
        file."""
        return self.url or self.path


@dataclass(frozen=True)
class BotConfig:
    timezone: str = "Asia/Shanghai"
    """IANA time zone in which market days and times are shown."""
    language: Literal["zh", "en"] = "zh"
    """Language for people whose platform does not say theirs."""
    demo_data: bool = True
    """Seed a new database once with the demo stalls and goods."""


@dataclass(frozen=True)
class MarketConfig:
    name: str = "水磨头村山货集"
    """The market created when the database is new."""
    place: str = "平遥县东泉镇水磨头村 铺则底街"
    """Where it is held."""
    opens: str = "08:00"
    """Opening time, HH:MM in the bot's time zone."""
    closes: str = "13:00"
    """Closing time, HH:MM."""


@dataclass(frozen=True)
class SearchConfig:
    tables: str = "search-tables"
    """Folder of extra word tables (synonyms, English names…) a secretary adds."""


_PLATFORMS = ("telegram", "console", "wechat")


@dataclass(frozen=True)
class SecretariesConfig:
    telegram: tuple[int, ...] = ()
    """Telegram user ids of village secretaries."""
    console: tuple[str, ...] = ("secretary",)
    """Terminal-chat names that act as village secretaries."""
    wechat: tuple[str, ...] = ()
    """WeChat openids of village secretaries (as the Official Account sees them)."""

    def ids(self, platform: str) -> frozenset[str]:
        """The configured secretaries of ``platform``, as that platform's user ids (text)."""
        listed: tuple[object, ...] = getattr(self, platform, ()) if platform in _PLATFORMS else ()
        return frozenset(str(item) for item in listed)

    def by_platform(self) -> dict[str, frozenset[str]]:
        """Every platform's configured secretaries."""
        return {platform: self.ids(platform) for platform in _PLATFORMS}


@dataclass(frozen=True)
class ConsoleConfig:
    user: str = "visitor"
    """Who is speaking in the terminal chat until a line `#as NAME` changes it."""


@dataclass(frozen=True)
class TelegramConfig:
    token: str = ""
    """Bot token from @BotFather; MARKETBOT_TELEGRAM_TOKEN overrides it. Empty: terminal chat."""
    username: str = ""
    """The bot's username without @ (for deep links); read from Telegram when running."""
    base_url: str = "https://api.telegram.org/bot"
    """Bot API endpoint; point it at a self-hosted Bot API server if you run one."""
    base_file_url: str = "https://api.telegram.org/file/bot"
    """Bot API file endpoint (self-hosted servers have their own)."""
    mode: Literal["polling", "webhook"] = "polling"
    """How updates arrive: long polling, or a webhook Telegram calls on the [web] server."""
    webhook_path: str = "telegram"
    """Webhook mode: URL path on the [web] server the updates are posted to."""
    webhook_url: str = ""
    """Webhook mode: public HTTPS URL of that path, registered with Telegram."""
    webhook_secret: str = ""
    """Webhook mode: secret token Telegram sends in a header; requests without it are refused."""
    webhook_listen: str = ""
    """Deprecated, use [web] listen (when set, it is used instead)."""
    webhook_port: int = 0
    """Deprecated, use [web] port (when set, it is used instead)."""


@dataclass(frozen=True)
class WeChatConfig:
    app_id: str = ""
    """The Official Account's AppID (开发 → 基本配置). Set: `marketbot run` serves WeChat."""
    app_secret: str = ""
    """Its AppSecret; MARKETBOT_WECHAT_SECRET overrides it."""
    token: str = ""
    """The Token pasted in the MP console (3-32 letters and digits): signs every callback."""
    encoding_aes_key: str = ""
    """The EncodingAESKey (43 characters) of safe or compatible mode; empty: plaintext mode."""
    account: Literal["subscription", "service"] = "subscription"
    """'subscription' (订阅号, 测试号: replies only) or 'service' (verified 服务号: pushes too)."""
    api_base_url: str = "https://api.weixin.qq.com"
    """WeChat's API; point it at a proxy (or a test server) if needed."""
    path: str = "/wechat"
    """URL path of the callback on the [web] server (the URL pasted in the MP console)."""
    reminder_template: str = ""
    """服务号: template id (from the template library) for reminders and notices; two fields
    thing1 (what) and thing2 (detail). Empty: they go as customer-service messages or wait."""


@dataclass(frozen=True)
class WebConfig:
    listen: str = "127.0.0.1"
    """Address of the one web server every HTTP platform shares (Telegram's webhook now)."""
    port: int = 8080
    """Its port (0: any free port); MARKETBOT_WEB_PORT overrides it (one per process)."""
    public_url: str = ""
    """The address people reach the server at (https://ganji.example.cn): when set, the market's
    web pages are served and QR codes and posters point at them."""

    def with_aliases(self, telegram: TelegramConfig) -> WebConfig:
        """This server as the deprecated ``[telegram] webhook_listen/_port`` still set it."""
        return replace(
            self,
            listen=telegram.webhook_listen or self.listen,
            port=telegram.webhook_port or self.port,
        )


@dataclass(frozen=True)
class DeliveryConfig:
    rate_per_second: float = 25.0
    """Messages per second across all chats (Telegram allows about 30)."""
    per_chat_interval: float = 1.0
    """Seconds between two messages to the same chat."""
    max_attempts: int = 5
    """Attempts per message for timeouts and server errors before it counts as failed."""
    keep_days: int = 30
    """Days the outbox keeps the rows of a finished announcement (its report is kept)."""


@dataclass(frozen=True)
class LogConfig:
    format: Literal["text", "json"] = "text"
    """'text' (a line a record) or 'json' (one JSON object a line, for a log collector);
    MARKETBOT_LOG_FORMAT overrides it."""
    level: Literal["auto", "debug", "info", "warning", "error"] = "auto"
    """Lowest level written; 'auto': info when Telegram or WeChat is configured, else warning
    (the terminal chat stays quiet)."""
    outbox_every: float = 60.0
    """Seconds between two 'outbox.depth' records of `marketbot run` (0: none)."""


@dataclass(frozen=True)
class Config:
    database: DatabaseConfig = field(default_factory=DatabaseConfig)
    bot: BotConfig = field(default_factory=BotConfig)
    market: MarketConfig = field(default_factory=MarketConfig)
    secretaries: SecretariesConfig = field(default_factory=SecretariesConfig)
    console: ConsoleConfig = field(default_factory=ConsoleConfig)
    telegram: TelegramConfig = field(default_factory=TelegramConfig)
    delivery: DeliveryConfig = field(default_factory=DeliveryConfig)
    search: SearchConfig = field(default_factory=SearchConfig)
    web: WebConfig = field(default_factory=WebConfig)
    wechat: WeChatConfig = field(default_factory=WeChatConfig)
    log: LogConfig = field(default_factory=LogConfig)


_T = TypeVar("_T")
_HHMM = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


def _describe(tp: Any) -> str:
    origin = get_origin(tp)
    if origin is Literal:
        return "one of " + ", ".join(repr(a) for a in get_args(tp))
    if origin is tuple:
        return f"a list of {_describe(get_args(tp)[0])}s"
    names = {str: "a string", int: "a whole number", float: "a number", bool: "true or false"}
    return names.get(tp, str(tp))


def _convert(value: Any, tp: Any, key: str) -> Any:
    origin = get_origin(tp)
    ok: bool
    if origin is Literal:
        ok = value in get_args(tp)
    elif origin is tuple:
        if not isinstance(value, list):
            ok = False
        else:
            item = get_args(tp)[0]
            return tuple(_convert(v, item, key) for v in value)
    elif tp is bool:
        ok = isinstance(value, bool)
    elif tp is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif tp is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        value = float(value) if ok else value
    else:
        ok = isinstance(value, tp)
    if not ok:
        raise ConfigError(f"{key} must be {_describe(tp)}, but the file has {value!r}.")
    return value


def _build(cls: type[_T], data: dict[str, Any], prefix: str) -> _T:
    hints = get_type_hints(cls)
    names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(data) - names)
    if unknown:
        where = f"[{prefix}]" if prefix else "the top level"
        raise ConfigError(
            f"Unknown key {unknown[0]!r} in {where}; the keys there are: "
            + ", ".join(sorted(names))
            + ". See config.example.toml."
        )
    values: dict[str, Any] = {}
    for name, value in data.items():
        key = f"{prefix}.{name}" if prefix else name
        tp = hints[name]
        if is_dataclass(tp):
            if not isinstance(value, dict):
                raise ConfigError(f"[{key}] must be a table of settings, not {value!r}.")
            values[name] = _build(tp, value, key)  # type: ignore[arg-type]
        else:
            values[name] = _convert(value, tp, key)
    return cls(**values)


def _validate(config: Config) -> None:
    try:
        ZoneInfo(config.bot.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"bot.timezone must be an IANA time zone such as 'Asia/Shanghai', "
            f"but the file has {config.bot.timezone!r}."
        ) from None
    tg = config.telegram
    if tg.webhook_secret and not _SECRET.match(tg.webhook_secret):
        raise ConfigError(
            "telegram.webhook_secret must be 1-256 characters of A-Z, a-z, 0-9, _ and -."
        )
    if tg.token and tg.mode == "webhook" and not tg.webhook_url.startswith("https://"):
        raise ConfigError(
            "telegram.webhook_url must be the public https:// URL Telegram will call "
            "when telegram.mode is 'webhook'."
        )
    for key, port in (("web.port", config.web.port), ("telegram.webhook_port", tg.webhook_port)):
        if not 0 <= port <= 65535:
            raise ConfigError(f"{key} must be a port, 1 to 65535 (0: any free one), not {port}.")
    if config.web.public_url and not re.fullmatch(
        r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~/-]*)?", config.web.public_url
    ):
        raise ConfigError(
            "web.public_url must be the address people open, such as "
            f"'https://ganji.example.cn' (no query, no spaces), not {config.web.public_url!r}."
        )
    if not config.web.listen.strip():
        raise ConfigError("web.listen must be an address such as '127.0.0.1' or '0.0.0.0'.")
    if not re.fullmatch(r"[A-Za-z0-9._~/-]{1,200}", tg.webhook_path.strip("/")):
        raise ConfigError(
            "telegram.webhook_path must be a URL path of letters, digits and . _ ~ - /, "
            f"not {tg.webhook_path!r}."
        )
    for key in ("opens", "closes"):
        value = getattr(config.market, key)
        if not _HHMM.match(value):
            raise ConfigError(f"market.{key} must be a time like '08:00', not {value!r}.")
    if not 0 < config.delivery.rate_per_second <= 1000:
        raise ConfigError("delivery.rate_per_second must be a number above 0 (default 25).")
    wx = config.wechat
    if wx.app_id:
        if not re.fullmatch(r"[A-Za-z0-9]{3,32}", wx.token):
            raise ConfigError(
                "wechat.token must be the Token of the MP console: 3-32 letters and digits."
            )
        if wx.encoding_aes_key and not re.fullmatch(r"[A-Za-z0-9]{43}", wx.encoding_aes_key):
            raise ConfigError(
                "wechat.encoding_aes_key must be the 43 letters and digits of the MP console "
                "(empty for plaintext mode)."
            )
        if not re.fullmatch(r"/[A-Za-z0-9._~/-]{1,200}", wx.path):
            raise ConfigError(
                f"wechat.path must be a URL path such as '/wechat', not {wx.path!r}."
            )
    if config.database.url and not config.database.url.startswith(
        ("postgresql://", "postgres://")
    ):
        raise ConfigError(
            "database.url must be a PostgreSQL URL such as "
            "'postgresql://marketbot:secret@localhost/marketbot' (empty: the SQLite file in "
            "database.path)."
        )
    if config.log.outbox_every < 0:
        raise ConfigError("log.outbox_every must be 0 (none) or a number of seconds.")
    if config.delivery.max_attempts < 1:
        raise ConfigError("delivery.max_attempts must be at least 1.")


def load_config(
    path: str | Path | None = None, *, environ: dict[str, str] | None = None
) -> Config:
    """Read ``path`` (or ``./config.toml`` when present, else defaults) and the environment."""
    env = os.environ if environ is None else environ
    data: dict[str, Any] = {}
    chosen = Path(path) if path is not None else Path("config.toml")
    if path is not None or chosen.exists():
        try:
            data = tomllib.loads(chosen.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"The config file {str(chosen)!r} does not exist.") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"The config file {str(chosen)!r} cannot be read: {exc}.") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(
                f"The config file {str(chosen)!r} is not valid TOML ({exc}). "
                "Compare it with config.example.toml."
            ) from None
    config = _build(Config, data, "")
    config = replace(config, web=config.web.with_aliases(config.telegram))
    token = env.get(TOKEN_ENV, "").strip()
    if token:
        config = replace(config, telegram=replace(config.telegram, token=token))
    secret = env.get(WECHAT_SECRET_ENV, "").strip()
    if secret:
        config = replace(config, wechat=replace(config.wechat, app_secret=secret))
    url = env.get(DATABASE_URL_ENV, "").strip()
    if url:
        config = replace(config, database=replace(config.database, url=url))
    port = env.get(WEB_PORT_ENV, "").strip()
    if port:
        if not (port.isascii() and port.isdigit() and len(port) <= 5):
            raise ConfigError(f"{WEB_PORT_ENV} must be a port, 1 to 65535, not {port!r}.")
        config = replace(config, web=replace(config.web, port=int(port)))
    log_format = env.get(LOG_FORMAT_ENV, "").strip()
    if log_format:
        fmt = _convert(log_format, get_type_hints(LogConfig)["format"], LOG_FORMAT_ENV)
        config = replace(config, log=replace(config.log, format=fmt))
    _validate(config)
    return config
