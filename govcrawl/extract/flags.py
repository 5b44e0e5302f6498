"""Facts about a source worth filtering on (schema.md "flags")."""

from __future__ import annotations

import re

from govcrawl.extract.document import Block
from govcrawl.extract.sections import STATUTORY_KEYS

# Statutory sections holding fewer numbers than this have no table in any form, not even as text.
MIN_TABLE_NUMBERS = 10
NUMBER = re.compile(r"\d+")


def source_flags(
    *,
    is_report: bool,
    blocks_by_section: list[tuple[str | None, Block]],
    tables_read: bool,
    converted_from_traditional: bool,
    period_consistent: bool,
) -> list[str]:
    statutory = [block for key, block in blocks_by_section if key in STATUTORY_KEYS]
    images = any(block.kind == "image" for block in statutory)
    table_blocks = any(block.kind == "table" for block in statutory)
    numbers = sum(len(NUMBER.findall(block.text)) for block in statutory if block.kind == "text")
    flags = []
    if not is_report:
        flags.append("not_a_report")
    if images and not tables_read and not table_blocks:
        flags.append("tables_as_images")
    if statutory and not (tables_read or table_blocks or images) and numbers < MIN_TABLE_NUMBERS:
        flags.append("tables_missing")
    if converted_from_traditional:
        flags.append("converted_from_traditional")
    if not period_consistent:
        flags.append("period_inconsistent")
    return flags
