"""Structured logs: ``[log] format = "json"`` (or MARKETBOT_LOG_FORMAT) writes one JSON object a
line with time in UTC, level, logger, message, pid, owner and the event's fields; text stays the
default; every configured secret is masked in both, the fields included; the level follows
``[log] level``."""

from __future__ import annotations

import io
import json
import logging
import os
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from marketbot.config import (
    Config,
    ConfigError,
    DatabaseConfig,
    LogConfig,
    WeChatConfig,
    load_config,
)
from marketbot.services.logs import configure, event, secrets
from marketbot.storage.leases import process_owner

TOKEN = "123456:SECRET-token-abcdef"


@pytest.fixture
def root() -> Iterator[logging.Logger]:
    """The root logger, given back as it was."""
    logger = logging.getLogger()
    handlers, level = list(logger.handlers), logger.level
    try:
        yield logger
    finally:
        for handler in list(logger.handlers):
            logger.removeHandler(handler)
        for handler in handlers:
            logger.addHandler(handler)
        logger.setLevel(level)


def _configured(log: LogConfig, *, chatting: bool = True) -> io.StringIO:
    stream = io.StringIO()
    configure(log, [TOKEN], chatting=chatting, stream=stream)
    return stream


def test_json_lines_carry_the_event_and_its_fields(root: logging.Logger) -> None:
    stream = _configured(LogConfig(format="json"))
    logger = logging.getLogger("marketbot.services.broadcasts")
    event(logger, "broadcast.finished", id=12, audience="everyone", sent=980, failed=3)
    logger.warning("plain %s", "words")
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    when = datetime.fromisoformat(first.pop("time"))
    assert when.utcoffset() == timedelta(0)
    assert first == {
        "level": "info",
        "logger": "marketbot.services.broadcasts",
        "message": "broadcast.finished id=12 audience=everyone sent=980 failed=3",
        "pid": os.getpid(),
        "owner": process_owner(),
        "event": "broadcast.finished",
        "id": 12,
        "audience": "everyone",
        "sent": 980,
        "failed": 3,
    }
    assert (second["level"], second["message"]) == ("warning", "plain words")
    assert "event" not in second


def test_secrets_are_masked_in_the_message_and_the_fields(root: logging.Logger) -> None:
    stream = _configured(LogConfig(format="json"))
    event(logging.getLogger("marketbot.platforms.web.server"), "webhook.error", path=f"/{TOKEN}")
    logging.getLogger("httpx").warning("POST https://api.telegram.org/bot%s/sendMessage", TOKEN)
    text = stream.getvalue()
    assert TOKEN not in text and "SECRET-token" not in text
    assert json.loads(text.splitlines()[0])["path"] == "/***"


def test_an_exception_is_one_line_too(root: logging.Logger) -> None:
    stream = _configured(LogConfig(format="json"))
    try:
        raise RuntimeError(f"bad {TOKEN}")
    except RuntimeError:
        logging.getLogger("marketbot").exception("failed")
    (line,) = stream.getvalue().splitlines()
    record = json.loads(line)
    assert "RuntimeError: bad ***" in record["exception"]


def test_text_is_the_default(root: logging.Logger) -> None:
    stream = _configured(Config().log)
    event(logging.getLogger("marketbot.x"), "outbox.depth", platform="telegram", queued=3)
    (line,) = stream.getvalue().splitlines()
    assert line.endswith(" INFO marketbot.x: outbox.depth platform=telegram queued=3")
    assert not line.startswith("{")


@pytest.mark.parametrize(
    ("level", "chatting", "shown"),
    [
        ("auto", True, ["info", "warning"]),
        ("auto", False, ["warning"]),
        ("debug", False, ["debug", "info", "warning"]),
        ("error", True, []),
    ],
)
def test_the_level(root: logging.Logger, level: str, chatting: bool, shown: list[str]) -> None:
    stream = _configured(LogConfig(level=level), chatting=chatting)  # type: ignore[arg-type]
    logger = logging.getLogger("marketbot.level")
    logger.debug("debug")
    logger.info("info")
    logger.warning("warning")
    assert [line.rsplit(": ", 1)[1] for line in stream.getvalue().splitlines()] == shown


def test_format_from_the_environment_and_checked() -> None:
    assert load_config(environ={"MARKETBOT_LOG_FORMAT": "json"}).log.format == "json"
    with pytest.raises(ConfigError, match="MARKETBOT_LOG_FORMAT must be one of 'text', 'json'"):
        load_config(environ={"MARKETBOT_LOG_FORMAT": "xml"})


def test_every_configured_secret_is_masked() -> None:
    config = replace(
        Config(),
        database=DatabaseConfig(url="postgresql://bot:db-password-1@db.internal/marketbot"),
        wechat=WeChatConfig(app_secret="wechat-app-secret", token="Tok3nTok3n"),
    )
    found = secrets(config)
    assert {"db-password-1", "wechat-app-secret", "Tok3nTok3n"} <= set(found)
    assert "" not in found
