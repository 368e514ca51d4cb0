"""The floors of app/ (docs/architecture.md): an import may only point down.

    app.routes      -> sections, platform, odoo, app core
    app.services    -> platform, odoo, app core     (never routes)
    app.platform    -> odoo, platform               (never sections or routes)
    app.odoo        -> odoo                         (never platform, sections or routes)
    nothing in app/ -> odoo_emulator
"""

import ast
import pathlib

import pytest

APP = pathlib.Path(__file__).resolve().parents[2] / "app"

# floor -> the packages it must not import
FORBIDDEN = {
    "app.odoo": ("app.platform", "app.services", "app.routes"),
    "app.platform": ("app.services", "app.routes"),
    "app.services": ("app.routes",),
}
EVERYWHERE = ("odoo_emulator",)


def module_name(path: pathlib.Path) -> str:
    parts = path.relative_to(APP.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(source: str, module: str, is_package: bool) -> list[tuple[int, str]]:
    """Every module a source imports (top level and inside functions), absolute names."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = module.split(".") if is_package else module.split(".")[:-1]
                package = package[: len(package) - (node.level - 1)]
                base = ".".join(package + ([base] if base else []))
            found.append((node.lineno, base))
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def violations(module: str, source: str, *, is_package=False) -> list[str]:
    """The imports of ``module`` that break a floor, as "module:line -> target"."""
    banned = list(EVERYWHERE)
    for floor, forbidden in FORBIDDEN.items():
        if module == floor or module.startswith(floor + "."):
            banned += forbidden
    return [f"{module}:{line} -> {target}"
            for line, target in imported(source, module, is_package)
            if any(target == b or target.startswith(b + ".") for b in banned)]


def test_no_import_breaks_a_floor():
    broken = []
    for path in sorted(APP.rglob("*.py")):
        broken += violations(module_name(path), path.read_text(),
                             is_package=path.name == "__init__.py")
    assert broken == []


@pytest.mark.parametrize("module, source", [
    ("app.platform.media", "from app.services import jobs"),
    ("app.platform.store", "import app.routes.jobs"),
    ("app.odoo.client", "from app.platform.store import get_store"),
    ("app.odoo.versions", "def f():\n    from app.services.viewer import Viewer\n"),
    ("app.services.jobs.detail", "from app.routes import jobs"),
    ("app.services.sales.quotes", "from ...routes.sales import bp"),
    ("app.routes.jobs", "import odoo_emulator.server"),
])
def test_a_planted_bad_import_is_found(module, source):
    assert violations(module, source)


@pytest.mark.parametrize("module, source", [
    ("app.services.jobs.detail", "from app.platform import chatter\nfrom app.odoo import versions"),
    ("app.platform.media", "from app.odoo.client import OdooError"),
    ("app.routes.jobs", "from app.services import jobs"),
    ("app.services.sales.quotes", "from .common import money"),
])
def test_imports_that_point_down_are_allowed(module, source):
    assert violations(module, source) == []
