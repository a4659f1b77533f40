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


_PLATFORM_LIBRARIES = ("telegram", "starlette", "uvicorn", "httpx", "defusedxml", "cryptography")


def _platform_folder(path: Path) -> str | None:
    parts = path.relative_to(ROOT).parts
    return parts[2] if parts[:2] == ("marketbot", "platforms") and len(parts) > 3 else None


def test_only_a_platform_folder_imports_its_library() -> None:
    checked = 0
    for path in _python_files("marketbot", "handlers"):
        if _platform_folder(path) is not None or path.name == "app.py":
            continue
        offending = {n for n in _imports(path) if n.split(".")[0] in _PLATFORM_LIBRARIES}
        assert not offending, f"{path.relative_to(ROOT)} imports {offending}"
        checked += 1
    assert checked > 20


def test_the_core_never_names_a_platform() -> None:
    """Only a platform's folder (and the config keys) may say "telegram" or build t.me links."""
    pattern = re.compile(r"""["']telegram["']|t\.me/|user\.platform ==|platform == ["']""")
    for path in _python_files("marketbot", "handlers"):
        if _platform_folder(path) is not None or path.name == "config.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            assert not pattern.search(line), f"{path.relative_to(ROOT)}:{number}: {line.strip()}"


# Lower layers first; a module may import its own layer and those below it, never above.
_LAYERS: tuple[tuple[str, ...], ...] = (
    (
        "marketbot.neutral",
        "marketbot.clock",
        "marketbot.redact",
        "marketbot.config",
        "marketbot.texts",
        "marketbot.domain",
        "marketbot.calendar",
        "marketbot.search",
    ),
    ("marketbot.storage",),
    ("marketbot.delivery",),
    ("marketbot.services",),
    ("marketbot.printouts",),
    ("marketbot.chat",),
    ("handlers",),
    ("marketbot.platforms",),
    ("marketbot.app", "marketbot.cli", "marketbot.__main__", "marketbot"),
)


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _layer(module: str) -> int | None:
    best: tuple[int, int] | None = None
    for number, prefixes in enumerate(_LAYERS):
        for prefix in prefixes:
            inside = module == prefix or module.startswith(prefix + ".")
            if inside and (best is None or len(prefix) > best[1]):
                best = (number, len(prefix))
    return None if best is None else best[0]


def _graph() -> dict[str, set[str]]:
    files = {_module(p): p for p in _python_files("marketbot", "handlers")}
    graph: dict[str, set[str]] = {}
    for module, path in files.items():
        graph[module] = {name for name in _imports(path) if name in files and name != module}
    return graph


def test_no_module_imports_from_a_higher_layer() -> None:
    for module, imported in _graph().items():
        own = _layer(module)
        assert own is not None, f"{module} belongs to no layer"
        for name in imported:
            theirs = _layer(name)
            assert theirs is not None and theirs <= own, (
                f"{module} imports {name} (a higher layer)"
            )


def test_the_import_graph_has_no_circle() -> None:
    graph = _graph()
    # a package's __init__ importing its own modules is how packages export; not a circle
    edges = {
        module: {n for n in names if not module or not n.startswith(module + ".")}
        for module, names in graph.items()
    }
    state: dict[str, int] = {}

    def visit(module: str, trail: list[str]) -> None:
        state[module] = 1
        for name in sorted(edges.get(module, ())):
            if state.get(name) == 1:
                circle = [*trail[trail.index(name) :], name] if name in trail else [module, name]
                raise AssertionError("import circle: " + " -> ".join(circle))
            if state.get(name) is None:
                visit(name, [*trail, name])
        state[module] = 2

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])


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


def test_all_sql_lives_in_storage() -> None:
    sql = re.compile(r"\.execute(?:many|script)?\(|\b(?:SELECT|INSERT INTO|UPDATE|DELETE FROM)\s")
    for path in _python_files("marketbot", "handlers"):
        if path.relative_to(ROOT).parts[:2] == ("marketbot", "storage"):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            assert not sql.search(line), f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
