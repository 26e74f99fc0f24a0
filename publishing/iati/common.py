"""What every part of the IATI activity file shares: codes, numbers, and element helpers."""

import datetime as dt
import re
from decimal import Decimal

from lxml import etree

IATI_VERSION = "2.03"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CURRENCY = "USD"

REPORTING_ORG_NAME = "U.S. Department of State"
ORG_TYPE_GOVERNMENT = "10"  # OrganisationType

# Said in the descriptions of an activity, a transaction or a result whose figures include
# sample data (cpc/samples.py): IATI has no flag for it, so the text says it.
SAMPLE_DATA = "Sample data, invented for demonstration and not official figures: {what}."


def number(value: Decimal) -> str:
    """A decimal as IATI writes it: plain digits, no exponent, no trailing zeros."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def money(amount: Decimal) -> str:
    return f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"


# Characters XML 1.0 cannot carry (control characters but tab, newline and carriage return;
# lone surrogates; U+FFFE and U+FFFF): a record's text may hold them, the file never does.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    return NOT_XML.sub("\ufffd", text)


def sub(parent, tag: str, text: str | None = None, **attributes) -> etree._Element:
    """A child element; ``text`` as its ``narrative``; attribute names with ``_`` for ``-``."""
    element = etree.SubElement(parent, tag, {k.replace("_", "-"): xml_text(v)
                                             for k, v in attributes.items()})
    if text is not None:
        narrative(element, text)
    return element


def narrative(parent, text: str) -> None:
    etree.SubElement(parent, "narrative").text = xml_text(text)


def org(parent, tag: str, name: str, *, ref: str | None = None, org_type: str | None = None,
        role: str | None = None) -> etree._Element:
    """An organisation element; the reference and type only when known."""
    attributes = {}
    if ref:
        attributes["ref"] = ref
    if org_type:
        attributes["type"] = org_type
    if role:
        attributes["role"] = role
    return sub(parent, tag, name, **attributes)


def value(parent, amount: Decimal, value_date: dt.date) -> None:
    sub(parent, "value", currency=CURRENCY, value_date=value_date.isoformat()).text = number(amount)
