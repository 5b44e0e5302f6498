"""Portal definitions: the TOML files that spiders are generated from.

A definition names the spider, its CMS family (how its lists are read), the domains it may
enter, where it starts, the unit that owns the portal and the unit folders already known. A
malformed file fails loudly when the spiders are loaded, naming the file and the field.

The project's own definitions are package data (govcrawl/portals/*.toml), read with
importlib.resources so that they load from a checkout, a wheel or a scrapyd egg alike. A user's
own portals live in directories named by GOVCRAWL_PORTAL_DIRS (GOVCRAWL_SEEDS, its former name,
still works) and the PORTAL_DIRS setting, read after the packaged ones; a name defined twice is
an error.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

PACKAGED_PORTALS = "govcrawl.portals"
PORTAL_DIRS_ENV = ("GOVCRAWL_PORTAL_DIRS", "GOVCRAWL_SEEDS")

UNIT_LEVELS = ("province", "city", "district", "county", "department", "township")
_SPIDER_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_REGION_CODE = re.compile(r"^\d{6}$")


class DefinitionError(ValueError):
    """A portal definition that cannot be used; the message names the file and the field."""


@dataclass(frozen=True)
class Unit:
    name: str
    region_code: str | None = None
    level: str | None = None

    def as_hint(self) -> dict:
        return {"name": self.name, "region_code": self.region_code, "level": self.level}


@dataclass(frozen=True)
class PortalDefinition:
    name: str
    cms: str
    allowed_domains: tuple[str, ...]
    start_urls: tuple[str, ...]
    owner: Unit
    units: dict[str, Unit] = field(default_factory=dict)  # column folder → unit
    # Columns of another portal that list many portals' units (gk.tj.gov.cn's 区县 column):
    # (url, words) — only the units whose link text contains the words are followed.
    shared_columns: tuple[tuple[str, str], ...] = ()
    lists: dict = field(default_factory=dict)  # options of the CMS family (linklist: URL shapes)
    render_lists: tuple[str, ...] = ()  # regexes of list URLs only a browser can read
    settings: dict = field(default_factory=dict)
    part_of: str | None = None  # the spider whose `-a scope=all` crawl includes this portal
    description: str = ""
    source: str | None = None  # the file it was read from, for messages


def _unit(data: object, where: str) -> Unit:
    if not isinstance(data, dict):
        raise DefinitionError(f"{where}: expected a table with name, region_code, level")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise DefinitionError(f"{where}.name: missing or empty")
    code = data.get("region_code")
    if code is not None and not (isinstance(code, str) and _REGION_CODE.match(code)):
        raise DefinitionError(f"{where}.region_code: {code!r} is not a six-digit GB/T 2260 code")
    level = data.get("level")
    if level is not None and level not in UNIT_LEVELS:
        raise DefinitionError(f"{where}.level: {level!r} is not one of {', '.join(UNIT_LEVELS)}")
    return Unit(name=name.strip(), region_code=code, level=level)


def _string_list(data: dict, key: str, where: str) -> tuple[str, ...]:
    value = data.get(key)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
        raise DefinitionError(f"{where}: field {key!r} must be a non-empty list of strings")
    return tuple(value)


def parse_definition(data: dict, source: object, where: str | None = None) -> PortalDefinition:
    """One portal from its TOML table; `where` names it in errors (the file, and the row)."""
    where = where or str(source)
    name = data.get("name")
    if not isinstance(name, str) or not _SPIDER_NAME.match(name):
        raise DefinitionError(f"{where}: field 'name' must be a lower-case spider name, got {name!r}")
    cms = data.get("cms")
    if not isinstance(cms, str) or not cms:
        raise DefinitionError(f"{where}: field 'cms' is missing")
    start_urls = _string_list(data, "start_urls", where)
    for url in start_urls:
        if not re.match(r"^https?://[^/]+", url):
            raise DefinitionError(f"{where}: field 'start_urls': {url!r} is not an http(s) URL")
    units = {}
    for i, row in enumerate(data.get("units", [])):
        folder = row.get("folder") if isinstance(row, dict) else None
        if not isinstance(folder, str) or not folder:
            raise DefinitionError(f"{where}: units[{i}].folder: missing")
        units[folder] = _unit(row, f"{where}: units[{i}]")
    shared_columns = []
    for i, row in enumerate(data.get("shared_columns", [])):
        url, words = (row.get("url"), row.get("units_named")) if isinstance(row, dict) else (None, None)
        if not isinstance(url, str) or not re.match(r"^https?://[^/]+", url):
            raise DefinitionError(f"{where}: shared_columns[{i}].url: missing or not an http(s) URL")
        if not isinstance(words, str) or not words:
            raise DefinitionError(f"{where}: shared_columns[{i}].units_named: missing")
        shared_columns.append((url, words))
    render_lists = data.get("render_lists", [])
    if not isinstance(render_lists, list):
        raise DefinitionError(f"{where}: field 'render_lists' must be a list of regular expressions")
    for pattern in render_lists:
        try:
            re.compile(pattern)
        except (re.error, TypeError) as error:
            raise DefinitionError(f"{where}: field 'render_lists': {pattern!r} is not a regular expression: {error}") from error
    settings = data.get("settings", {})
    lists = data.get("lists", {})
    for key, value in (("settings", settings), ("lists", lists)):
        if not isinstance(value, dict):
            raise DefinitionError(f"{where}: field {key!r} must be a table")
    return PortalDefinition(
        name=name,
        cms=cms,
        allowed_domains=_string_list(data, "allowed_domains", where),
        start_urls=start_urls,
        owner=_unit(data.get("owner"), f"{where}: owner"),
        units=units,
        shared_columns=tuple(shared_columns),
        lists=lists,
        render_lists=tuple(render_lists),
        settings=settings,
        part_of=data.get("part_of"),
        description=str(data.get("description", "")),
        source=str(source),
    )


def user_directories(setting: Iterable[str] = ()) -> list[str]:
    """The user's definition directories: the environment's (os.pathsep-separated), then the setting's."""
    found = [d for var in PORTAL_DIRS_ENV for d in os.environ.get(var, "").split(os.pathsep) if d]
    return found + [str(d) for d in setting if str(d)]


def _location(spec: str) -> Traversable:
    """A directory, or `package:folder` for definitions shipped inside a Python package (an egg)."""
    path = Path(spec)
    if path.is_dir():
        return path
    package, colon, folder = spec.partition(":")
    if colon and re.fullmatch(r"[A-Za-z_][\w.]*", package):
        try:
            root = files(package)
        except ModuleNotFoundError as error:
            raise DefinitionError(f"portal definitions {spec!r}: no package {package!r}") from error
        return root.joinpath(folder) if folder else root
    raise DefinitionError(f"portal definitions {spec!r}: no such directory")


def read_directory(location: Traversable) -> list[PortalDefinition]:
    """Every definition in one directory's *.toml files, in file-name order."""
    definitions = []
    for entry in sorted((e for e in location.iterdir() if e.name.endswith(".toml")), key=lambda e: e.name):
        try:
            data = tomllib.loads(entry.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as error:
            raise DefinitionError(f"{entry}: not valid TOML: {error}") from error
        # A file is one portal, or a table of portals as [[portal]] rows (the Tianjin districts).
        if isinstance(data.get("portal"), list):
            definitions.extend(parse_definition(row, entry, f"{entry} [[portal]] #{i + 1}") for i, row in enumerate(data["portal"]))
        else:
            definitions.append(parse_definition(data, entry))
    return definitions


def load_definitions(directories: Iterable[str | Path] = (), *, packaged: bool = True) -> list[PortalDefinition]:
    """The packaged definitions (unless `packaged` is false), then those of `directories`."""
    locations = ([files(PACKAGED_PORTALS)] if packaged else []) + [_location(str(d)) for d in directories]
    definitions = [definition for location in locations for definition in read_directory(location)]
    if not definitions:
        raise DefinitionError(f"no portal definitions found in {', '.join(map(str, locations)) or 'nothing'}")
    by_name: dict[str, PortalDefinition] = {}
    for definition in definitions:
        if definition.name in by_name:
            raise DefinitionError(
                f"spider name {definition.name!r} defined twice: {by_name[definition.name].source} and {definition.source}"
            )
        by_name[definition.name] = definition
    for definition in definitions:
        if definition.part_of is not None and definition.part_of not in by_name:
            raise DefinitionError(f"{definition.source}: field 'part_of': no portal named {definition.part_of!r}")
    return definitions
