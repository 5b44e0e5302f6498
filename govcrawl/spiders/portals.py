"""One spider class per portal definition in seeds/, built at import time.

Scrapy finds spiders as classes in the modules of SPIDER_MODULES, so the generated classes are
placed in this module's namespace under the CamelCase of their name.
"""

from __future__ import annotations

from govcrawl.portals import PortalDefinition, load_definitions
from govcrawl.spiders.base import PortalSpider, list_rules


def spider_class(definition: PortalDefinition) -> type[PortalSpider]:
    list_rules(definition)  # an unknown CMS family or bad list options fail here, at import
    return type(
        "".join(part.capitalize() for part in definition.name.split("_")) + "Spider",
        (PortalSpider,),
        {
            "name": definition.name,
            "definition": definition,
            "allowed_domains": list(definition.allowed_domains),
            "custom_settings": dict(definition.settings),
            "__doc__": definition.description or f"{definition.name} ({definition.cms})",
            "__module__": __name__,
        },
    )


globals().update({cls.__name__: cls for cls in map(spider_class, load_definitions())})
