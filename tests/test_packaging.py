"""What the project ships, built from a clean checkout: the wheel `pip wheel --no-deps .` gives and
the egg scrapyd-deploy uploads. Both are small, hold every module, data file and portal definition and the
`scrapy` settings entry point, and carry neither the replica nor the tests; the wheel, installed
into a fresh virtualenv, gives every spider from an empty directory."""

from __future__ import annotations

import configparser
import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from govcrawl import __version__

from .deploying import SMALL, build_egg, clean_checkout, portal_files, shipped_portal_files, spider_names


@pytest.fixture(scope="module")
def checkout(tmp_path_factory) -> Path:
    return clean_checkout(tmp_path_factory.mktemp("checkout"))


@pytest.fixture(scope="module")
def wheel(checkout, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", ".", "--wheel-dir", str(out)],
        cwd=checkout, capture_output=True, text=True,
    )
    assert built.returncode == 0, built.stderr[-3000:]
    (path,) = out.glob("govcrawl-*.whl")
    return path


@pytest.fixture(scope="module")
def egg(checkout, tmp_path_factory) -> Path:
    return build_egg(checkout, tmp_path_factory.mktemp("egg") / "govcrawl.egg")


@pytest.mark.parametrize("artifact", ["wheel", "egg"])
def test_holds_every_module_and_portal_definition_and_nothing_else(artifact, checkout, request):
    path: Path = request.getfixturevalue(artifact)
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
    assert shipped_portal_files(path) == portal_files(checkout)
    package = {p.relative_to(checkout).as_posix() for p in (checkout / "govcrawl").rglob("*") if p.is_file()}
    assert package <= set(names), sorted(package - set(names))  # every module and data file
    # bdist_egg adds bytecode (jobs import from the zipped egg, which cannot cache it); nothing else.
    assert [n for n in names if n.startswith("govcrawl/") and n not in package and not n.endswith(".pyc")] == []
    # Only the runtime package and its metadata: no replica site tree, no tests, no benchmarks.
    metadata = "EGG-INFO" if artifact == "egg" else f"govcrawl-{__version__}.dist-info"
    assert {name.split("/")[0] for name in names} == {"govcrawl", metadata}
    assert path.stat().st_size < SMALL, f"{path.name}: {path.stat().st_size} bytes"


@pytest.mark.parametrize("artifact", ["wheel", "egg"])
def test_names_the_settings_module_for_scrapyd_and_scrapy(artifact, request):
    """scrapyd's runner takes the settings module from this entry point (without it addversion.json
    answered a RunnerError)."""
    path: Path = request.getfixturevalue(artifact)
    with zipfile.ZipFile(path) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(("EGG-INFO/entry_points.txt", ".dist-info/entry_points.txt"))]
        entry_points = configparser.ConfigParser()
        entry_points.read_string(archive.read(name).decode())
    assert entry_points["scrapy"]["settings"] == "govcrawl.settings"


def test_the_wheel_in_a_fresh_virtualenv_lists_every_spider_from_an_empty_directory(wheel, tmp_path):
    env_dir, empty = tmp_path / "venv", tmp_path / "empty"
    empty.mkdir()
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    # The wheel is installed by pip into the new environment; its dependencies are those of the test
    # environment, reached through a path (.pth) entry. That entry does not activate the test
    # environment's editable govcrawl (an import hook), so govcrawl can only come from the wheel.
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
        check=True, capture_output=True,
    )
    site_packages = Path(subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], capture_output=True, text=True, check=True
    ).stdout.strip())
    (site_packages / "test_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOVCRAWL_", "PYTHON", "SCRAPY_"))}
    env["SCRAPY_SETTINGS_MODULE"] = "govcrawl.settings"

    imported = subprocess.run(
        [python, "-c", "import govcrawl; print(govcrawl.__file__)"], cwd=empty, env=env, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert Path(imported).is_relative_to(site_packages), imported
    listed = subprocess.run([python, "-m", "scrapy", "list"], cwd=empty, env=env, capture_output=True, text=True)
    assert listed.returncode == 0, listed.stderr[-3000:]
    assert listed.stdout.split() == spider_names()
