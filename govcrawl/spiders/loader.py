"""Scrapy's spider loader, plus one spider class per portal definition.

The definitions are read here rather than at import so that the PORTAL_DIRS setting (and the
environment) can add a user's own portals to the packaged ones (govcrawl/definitions.py).
"""

from __future__ import annotations

from scrapy.spiderloader import SpiderLoader

from govcrawl.cms import list_rules
from govcrawl.definitions import PortalDefinition, load_definitions, user_directories
from govcrawl.spiders.base import PortalSpider


def spider_class(definition: PortalDefinition, definitions: list[PortalDefinition]) -> type[PortalSpider]:
    """The spider of one portal; `definitions` are all loaded ones (for its `-a scope=all` members)."""
    list_rules(definition)  # an unknown CMS family or bad list options fail here, when spiders load
    return type(
        "".join(part.capitalize() for part in definition.name.split("_")) + "Spider",
        (PortalSpider,),
        {
            "name": definition.name,
            "definition": definition,
            "members": tuple(d for d in definitions if d.part_of == definition.name),
            "allowed_domains": list(definition.allowed_domains),
            "custom_settings": dict(definition.settings),
            "__doc__": definition.description or f"{definition.name} ({definition.cms})",
            "__module__": __name__,
        },
    )


class PortalSpiderLoader(SpiderLoader):
    def __init__(self, settings):
        self.portal_dirs = user_directories(settings.getlist("PORTAL_DIRS"))
        super().__init__(settings)

    def _load_all_spiders(self) -> None:
        super()._load_all_spiders()
        definitions = load_definitions(self.portal_dirs)
        for definition in definitions:
            cls = spider_class(definition, definitions)
            self._found[cls.name].append((cls.__module__, cls.__name__))
            self._spiders[cls.name] = cls
        self._check_name_duplicates()
