"""The CMS families: how each one's list pages are read (list_rules.ListRules and its subclasses).

A portal definition's `cms` picks one; the rules are plain functions of a response, shared by
every portal of that family, and import nothing of the spiders.
"""

from __future__ import annotations

from govcrawl.cms.hanweb import HanwebRules
from govcrawl.cms.link_list import LinkListRules
from govcrawl.cms.list_rules import ListRules
from govcrawl.cms.trs_wcm import TrsWcmRules
from govcrawl.definitions import DefinitionError, PortalDefinition

FAMILIES: dict[str, type[ListRules]] = {"trs_wcm": TrsWcmRules, "hanweb": HanwebRules, "link_list": LinkListRules}


def list_rules(definition: PortalDefinition) -> ListRules:
    family = FAMILIES.get(definition.cms)
    if family is None:
        raise DefinitionError(
            f"{definition.source}: field 'cms': unknown CMS family {definition.cms!r} (known: {', '.join(sorted(FAMILIES))})"
        )
    return family(definition)
