"""The API's JSON parser: DRF's, with a nesting limit checked before the body is decoded.

Python's decoder recurses once per level: a body nested 1,500 deep raised ``RecursionError``
(a 500), on the unauthenticated token endpoint too. No request of this API nests more than a
few levels, so ``API_MAX_JSON_DEPTH`` (32 by default) is far above any real body. The depth is
counted without recursion, in one pass that skips the brackets inside strings. NIST SI-10, SC-5.
"""

import codecs
import re

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.settings import api_settings
from rest_framework.utils import json

DEFAULT_MAX_DEPTH = 32
# A bracket or the quote that opens a string; the rest of a string, escapes included.
_NEXT = re.compile(r'[\[\]{}"]')
_STRING_REST = re.compile(r'[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
ERR_TOO_DEEP = _("JSON nested more than {limit} levels deep, the limit (API_MAX_JSON_DEPTH).")


def max_depth() -> int:
    return int(getattr(settings, "API_MAX_JSON_DEPTH", DEFAULT_MAX_DEPTH))


def json_depth(text: str, *, limit: int) -> int:
    """How deep ``text`` nests arrays and objects, counting no further than ``limit + 1``.
    Linear whatever the text holds: each string is skipped by one match."""
    if text.count("[") + text.count("{") <= limit:
        return limit  # cannot be deeper: no need to look
    depth = deepest = position = 0
    while match := _NEXT.search(text, position):
        char, position = match.group(), match.end()
        if char == '"':
            rest = _STRING_REST.match(text, position)
            if rest is None:
                break  # an unterminated string: the decoder refuses the body
            position = rest.end()
        elif char in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    return deepest
        else:
            depth -= 1
    return deepest


class DepthLimitedJSONParser(JSONParser):
    """DRF's ``JSONParser``, refusing a body nested deeper than ``API_MAX_JSON_DEPTH`` with a
    400 before it is decoded. The default parser of the API (``DEFAULT_PARSER_CLASSES``)."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.getreader(encoding)(stream).read()
        except ValueError as error:  # UnicodeDecodeError included
            raise ParseError(f"JSON parse error - {error}") from error
        limit = max_depth()
        if json_depth(text, limit=limit) > limit:
            raise ParseError({api_settings.NON_FIELD_ERRORS_KEY: [
                str(ERR_TOO_DEEP).format(limit=limit)]})
        try:
            return json.loads(text, parse_constant=json.strict_constant if self.strict
                              else None)
        except (ValueError, RecursionError) as error:
            raise ParseError(f"JSON parse error - {error}") from error
