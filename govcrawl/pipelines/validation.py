"""Every item against its JSON Schema (SPIDERMON_VALIDATION_SCHEMAS): Spidermon's item validation,
with each schema compiled once.

Spidermon's validator walks the schema with `jsonschema` for every item, resolving the record
schema's `$ref`s again each time: about 12 ms per record, more than reading a report page takes.
Here an item is first checked by the schema compiled once by jsonschema-rs (a report page's record
and its cells in about 12 µs; fastjsonschema's generated Python took 110 µs, in the crawl's own
thread); only an item that fails it is validated again by Spidermon's own validator, so the
messages and the stats the monitors read (`spidermon/validation/…`) are exactly Spidermon's.
And the item is validated as it is, not a deep copy of it (below).
"""

from __future__ import annotations

import json
from functools import cache

import jsonschema_rs
from itemadapter import ItemAdapter
from spidermon.contrib.scrapy.pipelines import ItemValidationPipeline
from spidermon.contrib.validation import JSONSchemaValidator


class CompiledSchemaValidator(JSONSchemaValidator):
    def __init__(self, schema: dict):
        super().__init__(schema)
        self._compiled = _compiled(json.dumps(schema, sort_keys=True))

    def _validate(self, data, strict=False):
        if not self._compiled.is_valid(data):
            super()._validate(data, strict)  # the errors, in Spidermon's words


@cache
def _compiled(schema: str):
    """The schema (its JSON text) compiled once per process: the crawls of one process (`govcrawl
    demo`, crawl_together) validate against the same schemas. The draft is the schema's own
    `$schema` (2020-12), as for Spidermon's validator."""
    return jsonschema_rs.validator_for(json.loads(schema))


class ItemValidation(ItemValidationPipeline):
    @classmethod
    def _load_jsonschema_validator(cls, schema):
        loaded = super()._load_jsonschema_validator(schema)  # a schema given by path or object path, loaded
        return CompiledSchemaValidator(loaded._schema)

    def process_item(self, item, spider=None):
        """Spidermon's, but for `dict(adapter)` where Spidermon takes `adapter.asdict()`, which
        copies every nested dict and list (a record and its hundreds of cells) through a Python
        call per value: that copy took longer than the validation. The items validated here
        (Report, CrawlError) hold plain JSON values, which is all the validators read."""
        validators = self.find_validators(item)
        if not validators:
            return item
        item_adapter = ItemAdapter(item)
        item_dict = dict(item_adapter)
        self.stats.add_item()
        self.stats.add_fields(len(item_dict))
        for validator in validators:
            ok, errors = validator.validate(item_dict)
            if not ok:
                self._add_error_stats(errors)
                if self.add_errors_to_items:
                    self._add_errors_to_item(item_adapter, errors)
                if self.drop_items_with_errors:
                    self._drop_item(item, errors)
        return item
