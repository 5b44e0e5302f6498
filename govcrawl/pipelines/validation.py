"""Every item against its JSON Schema (SPIDERMON_VALIDATION_SCHEMAS): Spidermon's item validation,
with each schema compiled once into Python code.

Spidermon's validator walks the schema with `jsonschema` for every item, resolving the record
schema's `$ref`s again each time: about 12 ms per record, more than reading a report page takes.
Here an item is first checked by the schema compiled with fastjsonschema (about half a
millisecond); only an item that fails it is validated again by Spidermon's own validator, so the
messages and the stats the monitors read (`spidermon/validation/…`) are exactly Spidermon's.
"""

from __future__ import annotations

import fastjsonschema
from spidermon.contrib.scrapy.pipelines import ItemValidationPipeline
from spidermon.contrib.validation import JSONSchemaValidator


class CompiledSchemaValidator(JSONSchemaValidator):
    def __init__(self, schema: dict):
        super().__init__(schema)
        self._compiled = fastjsonschema.compile(schema)

    def _validate(self, data, strict=False):
        try:
            self._compiled(data)
        except fastjsonschema.JsonSchemaException:
            super()._validate(data, strict)  # the errors, in Spidermon's words


class ItemValidation(ItemValidationPipeline):
    @classmethod
    def _load_jsonschema_validator(cls, schema):
        loaded = super()._load_jsonschema_validator(schema)  # a schema given by path or object path, loaded
        return CompiledSchemaValidator(loaded._schema)
