"""The deployment files (``deploy/``) and the README's "Deployment" section held to the code:
every command they run is a ``marketbot`` command with its options, the deployment's config
loads with its secrets and port from the environment, nginx routes the configured paths to the
processes' ports and keeps the operators' pages to their network, and every config key,
environment variable, command, file and event the section names exists."""

from __future__ import annotations

import re
import shlex
from dataclasses import fields, is_dataclass
from pathlib import Path

import pytest

from marketbot import config as config_module
from marketbot.cli import _parser
from marketbot.config import Config, ConfigError, WeChatConfig, load_config

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
NGINX = (DEPLOY / "nginx" / "marketbot.conf").read_text(encoding="utf-8")
UNIT = (DEPLOY / "systemd" / "marketbot@.service").read_text(encoding="utf-8")
ENVIRONMENT = {
    "MARKETBOT_DATABASE_URL": "postgresql://marketbot:pw-of-the-db@localhost/marketbot",
    "MARKETBOT_TELEGRAM_TOKEN": "123456:token-of-the-bot",
    "MARKETBOT_WEB_PORT": "8081",
}


def _section(title: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(f"\n## {title}\n")
    return text[start : text.index("\n## ", start + 1)]


def _commands() -> list[tuple[str, list[str]]]:
    """Every ``marketbot …`` command the deploy files run (systemd's ``ExecStart``, the
    Procfile's processes): (file, its arguments)."""
    found: list[tuple[str, list[str]]] = []
    for path in sorted(DEPLOY.rglob("*")):
        if not path.is_file():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            runs = line.startswith("ExecStart=") or (
                path.name == "Procfile" and not line.startswith("#")
            )
            if not runs:
                continue
            line = line.replace("${MARKETBOT_CONFIG:-config.toml}", "config.toml")
            for match in re.finditer(r"(?:^|[\s=/])marketbot ([^;&|\n]+)", line):
                found.append((path.name, shlex.split(match[1])))
    return found


def test_every_command_the_deploy_files_run_is_a_marketbot_command() -> None:
    commands = _commands()
    assert {name for name, _ in commands} == {
        "marketbot@.service",
        "marketbot-migrate.service",
        "Procfile",
    }
    assert {args[0] for _, args in commands} == {"run", "migrate"}
    for name, args in commands:
        parsed = _parser().parse_args(args)  # an unknown command or option exits here
        assert parsed.config in {"/etc/marketbot/config.toml", "config.toml"}, name


def test_the_deployment_config_loads_with_the_environment() -> None:
    config = load_config(DEPLOY / "config.toml", environ=ENVIRONMENT)
    assert config.database.target == ENVIRONMENT["MARKETBOT_DATABASE_URL"]
    assert config.telegram.mode == "webhook" and config.telegram.webhook_secret
    assert config.web.port == 8081 and config.web.listen == "127.0.0.1"
    assert config.log.format == "json"


def test_each_instance_listens_on_its_port() -> None:
    assert "Environment=MARKETBOT_WEB_PORT=%i" in UNIT
    upstream = re.search(r"upstream marketbot \{(.*?)\}", NGINX, re.S)
    assert upstream is not None
    ports = re.findall(r"server 127\.0\.0\.1:(\d+)", upstream[1])
    roll = (DEPLOY / "roll.sh").read_text(encoding="utf-8")
    assert f'ports="${{*:-{" ".join(ports)}}}"' in roll
    assert re.search(r"fail_timeout=(\d+)s", upstream[1])[1] == "5"  # type: ignore[index]
    assert "settle=6" in roll  # longer than nginx holds a process out


def _location(path: str) -> str:
    match = re.search(rf"location = {re.escape(path)} \{{(.*?)\n    \}}", NGINX, re.S)
    assert match is not None, f"no location = {path}"
    return match[1]


def test_nginx_routes_the_configured_paths_to_the_processes() -> None:
    config = load_config(DEPLOY / "config.toml", environ=ENVIRONMENT)
    host = re.findall(r"server_name (\S+);", NGINX)
    assert set(host) == {"ganji.example.cn"}
    assert config.telegram.webhook_url == f"https://{host[0]}/{config.telegram.webhook_path}"
    assert config.web.public_url == f"https://{host[0]}"
    telegram = _location("/" + config.telegram.webhook_path)
    assert "limit_except POST" in telegram and "proxy_pass http://marketbot;" in telegram
    assert "proxy_pass http://marketbot;" in _location(WeChatConfig().path)
    assert "proxy_pass http://marketbot;" in _location("/healthz")
    for private in ("/status", "/readyz"):
        assert "deny all;" in _location(private)


def _keys(cls: type, prefix: str = "") -> set[str]:
    keys: set[str] = set()
    for f in fields(cls):  # type: ignore[arg-type]
        default = f.default_factory() if callable(f.default_factory) else f.default
        if is_dataclass(default):
            keys |= _keys(type(default), f"[{f.name}] ")
        else:
            keys.add(f"{prefix}{f.name}")
    return keys


def test_the_readme_names_only_what_exists() -> None:
    section = _section("Deployment")
    keys = set(re.findall(r"`(\[\w+\] \w+)", section))
    assert keys and keys <= _keys(Config)
    variables = set(re.findall(r"MARKETBOT_[A-Z_]+", section))
    defined = {v for k, v in vars(config_module).items() if k.endswith("_ENV")}
    assert variables and variables <= defined
    commands = set(re.findall(r"`marketbot ([a-z][a-z-]*)", section))
    assert commands == {"run", "migrate", "status"}
    for command in commands:
        _parser().parse_args([command])
    files = set(re.findall(r"`(deploy/[\w@./-]+)`", section))
    assert files and all((ROOT / name).is_file() for name in files)
    code = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "marketbot").rglob("*.py"))
    events = set(re.findall(r"`([a-z]+\.[a-z_]+)`", section)) - {"roll.sh", "config.toml"}
    assert {"outbox.depth", "broadcast.started", "lease.taken_over"} <= events
    for event in events:
        assert f'"{event}"' in code, event


def test_the_web_port_from_the_environment() -> None:
    assert load_config(environ={"MARKETBOT_WEB_PORT": "8082"}).web.port == 8082
    for wrong in ("80a", "99999", "-1"):
        with pytest.raises(ConfigError, match="port"):
            load_config(environ={"MARKETBOT_WEB_PORT": wrong})
