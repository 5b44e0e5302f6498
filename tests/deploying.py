"""What a deployment is built from and what it must carry: a clean checkout of the project, the
egg scrapyd-deploy builds from it, and the portal definitions every artifact has to hold."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from govcrawl.definitions import load_definitions

ROOT = Path(__file__).resolve().parents[1]
# The console scripts of the test environment (scrapyd-deploy comes from the `test` extra).
SCRIPTS = Path(sys.executable).parent
# The wheel is about 120 kB, the egg about 340 kB with its bytecode; the replica's site trees, once
# packed by mistake, added 5.7 MB.
SMALL = 1024 * 1024


def clean_checkout(dest: Path) -> Path:
    """The project as a fresh clone of the working tree has it: tracked and new files, nothing git
    ignores (no .venv, no replica/.built, no stale build/ that setuptools would pack)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():  # a tracked file deleted in the working tree is not in a clone either
            target = dest / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read_bytes())
    return dest


def build_egg(project: Path, egg: Path) -> Path:
    """The egg `scrapyd-deploy` uploads, built the way it builds it for a deploy."""
    built = subprocess.run(
        [str(SCRIPTS / "scrapyd-deploy"), "--build-egg", str(egg)], cwd=project, capture_output=True, text=True
    )
    assert built.returncode == 0, built.stderr[-3000:]
    return egg


def portal_files(project: Path = ROOT) -> dict[str, bytes]:
    """Every portal definition of a project tree, by its path inside the package."""
    return {f"govcrawl/portals/{p.name}": p.read_bytes() for p in sorted((project / "govcrawl" / "portals").glob("*.toml"))}


def shipped_portal_files(archive_path: Path) -> dict[str, bytes]:
    """The portal definitions inside a wheel or an egg."""
    with zipfile.ZipFile(archive_path) as archive:
        return {
            name: archive.read(name)
            for name in archive.namelist()
            if name.startswith("govcrawl/portals/") and name.endswith(".toml")
        }


def spider_names() -> list[str]:
    """One spider per packaged portal definition, as `scrapy list` prints them."""
    return sorted(d.name for d in load_definitions())
