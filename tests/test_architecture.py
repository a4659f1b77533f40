"""Rules of the architecture that a reviewer would otherwise have to remember."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

from handlers import build_router
from marketbot.texts import catalogue

ROOT = Path(__file__).resolve().parent.parent


def _python_files(*folders: str) -> list[Path]:
    return [p for folder in folders for p in sorted((ROOT / folder).rglob("*.py"))]


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_and_handlers_never_import_telegram() -> None:
    checked = 0
    for path in _python_files("marketbot", "handlers"):
        if path.parent.name == "adapters" and path.name.startswith("telegram"):
            continue
        offending = {n for n in _imports(path) if n == "telegram" or n.startswith("telegram.")}
        assert not offending, f"{path.relative_to(ROOT)} imports {offending}"
        checked += 1
    assert checked > 20


def test_every_module_has_a_docstring() -> None:
    for path in _python_files("marketbot", "handlers"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert ast.get_docstring(tree), f"{path.relative_to(ROOT)} has no module docstring"


def test_catalogue_is_complete_and_placeholders_agree() -> None:
    formatter = string.Formatter()
    for key, (zh, en) in catalogue().items():
        assert zh.strip() and en.strip(), key
        fields_zh = {f for _, f, _, _ in formatter.parse(zh) if f}
        fields_en = {f for _, f, _, _ in formatter.parse(en) if f}
        assert fields_zh == fields_en, key


_KEY_CALL = re.compile(
    r"""(?:\bt|\.t|\.button)\(\s*(?:lang,\s*|ctx\.lang,\s*)?["']([a-z_.]+)["']"""
)


def test_every_text_key_used_in_code_exists() -> None:
    keys = set(catalogue())
    used = 0
    for path in _python_files("marketbot", "handlers"):
        for key in _KEY_CALL.findall(path.read_text(encoding="utf-8")):
            if key in ("zh", "en"):  # t("zh", …): a language, not a key
                continue
            assert key in keys, f"{path.relative_to(ROOT)} uses missing text key {key!r}"
            used += 1
    assert used > 100


def test_readme_command_table_matches_registered_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = set(re.findall(r"^\| `/([a-z_]+)", readme, flags=re.MULTILINE))
    assert table == {c.name for c in build_router().menu()}


def test_commands_fit_telegram_rules() -> None:
    for command in build_router().menu():
        assert re.fullmatch(r"[a-z0-9_]{1,32}", command.name)
