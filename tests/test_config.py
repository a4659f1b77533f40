"""Configuration: every field documented in config.example.toml, defaults, errors, environment."""

from __future__ import annotations

import re
import tomllib
from dataclasses import fields, is_dataclass
from pathlib import Path

import pytest

from marketbot.config import Config, ConfigError, load_config

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "config.example.toml"


def _keys(cls: type, prefix: str = "") -> set[str]:
    keys = set()
    for f in fields(cls):
        default = f.default_factory() if callable(f.default_factory) else f.default
        if is_dataclass(default):
            keys |= _keys(type(default), f"{prefix}{f.name}.")
        else:
            keys.add(f"{prefix}{f.name}")
    return keys


def test_example_documents_every_field_with_a_comment() -> None:
    data = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    flat = {f"{table}.{key}" for table, values in data.items() for key in values}
    assert flat == _keys(Config)
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines):
        if re.match(r"^[a-z_]+ = ", line):
            assert lines[number - 1].startswith("#"), f"no comment above {line!r}"


def test_example_loads_to_the_defaults() -> None:
    assert load_config(EXAMPLE, environ={}) == Config()


def test_defaults_without_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert load_config(environ={}) == Config()


def test_token_from_the_environment() -> None:
    config = load_config(EXAMPLE, environ={"MARKETBOT_TELEGRAM_TOKEN": "123:abc"})
    assert config.telegram.token == "123:abc"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[bot]\ntimezone = 'Mars/Olympus'", "bot.timezone"),
        ("[bot]\nlanguage = 'fr'", "bot.language must be one of 'zh', 'en'"),
        ("[secretaries]\ntelegram = ['alice']", "secretaries.telegram must be a whole number"),
        ("[telegram]\nmode = 'carrier-pigeon'", "telegram.mode"),
        ("[telegram]\nwebhook_port = 'high'", "telegram.webhook_port must be a whole number"),
        ("[databse]\npath = 'x.db'", "Unknown key 'databse'"),
        ("[database]\npaht = 'x.db'", "Unknown key 'paht' in [database]"),
        ("database = 3", "[database] must be a table"),
        ("[market]\nopens = '8am'", "market.opens"),
        ("[telegram\n", "not valid TOML"),
        (
            "[telegram]\ntoken = '1:a'\nmode = 'webhook'\nwebhook_url = 'http://x'",
            "telegram.webhook_url",
        ),
        ("[telegram]\nwebhook_secret = 'has space'", "telegram.webhook_secret"),
        ("[telegram]\nwebhook_path = 'a b'", "telegram.webhook_path"),
        ("[telegram]\nwebhook_path = '/'", "telegram.webhook_path"),
        ("[web]\nport = 70000", "web.port must be a port"),
        ("[web]\nport = '8080'", "web.port must be a whole number"),
        ("[web]\nlisten = ''", "web.listen"),
        ("[web]\nhost = '0.0.0.0'", "Unknown key 'host' in [web]"),
    ],
)
def test_bad_config_names_the_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_config(path, environ={})


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "nope.toml", environ={})


def test_web_server_settings(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[web]\nlisten = '0.0.0.0'\nport = 9000\n", encoding="utf-8")
    web = load_config(path, environ={}).web
    assert (web.listen, web.port) == ("0.0.0.0", 9000)


def test_old_webhook_listen_and_port_still_place_the_web_server(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        "[telegram]\nwebhook_listen = '0.0.0.0'\nwebhook_port = 8443\n", encoding="utf-8"
    )
    web = load_config(path, environ={}).web
    assert (web.listen, web.port) == ("0.0.0.0", 8443)
    assert (Config().web.listen, Config().web.port) == ("127.0.0.1", 8080)
