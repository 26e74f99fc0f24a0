"""Validation of the published IATI file against the IATI 2.03 activity schema shipped in
``publishing/iati_schema/`` (loaded from the files, so no network is needed). The tests hold
the program's output to the standard; the program itself publishes what it builds."""

import functools
from pathlib import Path

from lxml import etree

import publishing

SCHEMA_DIR = Path(publishing.__file__).resolve().parent / "iati_schema"
ACTIVITIES_SCHEMA = SCHEMA_DIR / "iati-activities-schema.xsd"


@functools.cache
def activities_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(ACTIVITIES_SCHEMA)))


def schema_errors(document: bytes | etree._Element) -> list[str]:
    """What the schema finds wrong with ``document`` (an empty list when it is valid)."""
    if isinstance(document, bytes):
        document = etree.fromstring(document, etree.XMLParser(resolve_entities=False,
                                                              no_network=True))
    schema = activities_schema()
    if schema.validate(document):
        return []
    return [f"line {error.line}: {error.message}" for error in schema.error_log]
