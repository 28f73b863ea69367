"""The package's stages import only the stages below them: load → validate → compile → evaluate →
render, with no module reaching back up, and no `engine` package is installed."""
import ast
import importlib.metadata
import subprocess
import sys
from pathlib import Path

import jixiao

SOURCE = Path(__file__).resolve().parent.parent / "engine"
# lowest first; a stage may import itself and any stage before it
ORDER = ["core", "records", "forms", "extract", "expressions", "rulesets", "engines", "scoring", "authoring",
         "outputs",
         "cycle", "batch", "service", "cli"]


def _imported_stages(path: Path) -> set[str]:
    stages = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = [node.module] if isinstance(node, ast.ImportFrom) and node.module else (
            [a.name for a in node.names] if isinstance(node, ast.Import) else [])
        for name in names:
            parts = name.split(".")
            if parts[0] == "jixiao" and len(parts) > 1:
                stages.add(parts[1])
    return stages


def test_every_stage_folder_is_in_the_order():
    folders = {p.name for p in SOURCE.iterdir() if p.is_dir() and any(p.glob("[!_]*.py"))}  # schemas/: data
    assert folders == set(ORDER)


def test_no_stage_imports_a_later_one():
    upward = []
    for stage in ORDER:
        allowed = set(ORDER[:ORDER.index(stage) + 1])
        for path in sorted((SOURCE / stage).rglob("*.py")):
            for used in _imported_stages(path) - allowed:
                upward.append(f"{path.relative_to(SOURCE)} imports jixiao.{used}")
    assert upward == []


def test_installed_as_jixiao_only(tmp_path):
    """Outside the checkout (whose own folder is named engine/), only `jixiao` imports."""
    code = ("import importlib.util, pathlib, jixiao; "
            "print(importlib.util.find_spec('engine') is None, jixiao.__version__, "
            "(pathlib.Path(jixiao.__file__).parent / 'py.typed').exists())")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", jixiao.__version__, "True"]
    assert jixiao.__version__ == importlib.metadata.version("jixiao")


def test_python_dash_m(tmp_path):
    out = subprocess.run([sys.executable, "-m", "jixiao", "--help"], cwd=tmp_path, capture_output=True, text=True)
    assert out.returncode == 0 and "jixiao [OPTIONS] COMMAND" in out.stdout


def test_every_package_is_installed():
    """An editable install finds any folder; a wheel carries only the packages pyproject lists."""
    import tomllib

    listed = set(tomllib.loads((SOURCE.parent / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    folders = {"jixiao." + str(p.parent.relative_to(SOURCE)).replace("/", ".") for p in SOURCE.rglob("__init__.py")
               if p.parent != SOURCE}
    assert folders - listed == set()
