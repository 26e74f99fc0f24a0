"""The error answers every operation may give, declared once for the whole OpenAPI schema.

drf-spectacular documents each view's success answer; the errors come from shared code (the
permission class, the scoped querysets, the exception handler, If-Match), so a
postprocessing hook declares them on every operation they apply to, with their shapes:
400 a field-keyed object (API contract), the others ``{"detail": "..."}``.
"""

from cpc.api.conditional import ERR_PRECONDITION_FAILED

DETAIL = {"$ref": "#/components/schemas/ErrorDetail"}
FIELD_ERRORS = {"$ref": "#/components/schemas/FieldErrors"}
SCHEMAS = {
    "ErrorDetail": {
        "type": "object",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
    "FieldErrors": {
        "type": "object",
        "description": "Each field named with its messages (``non_field_errors`` for the "
                       "record as a whole); nested fields nest the same way.",
        "additionalProperties": True,
    },
}
RESPONSES = {
    "400": ("Invalid input: each field named with what is wrong.", FIELD_ERRORS),
    "401": ("No credentials, or a token that is unknown or expired.", DETAIL),
    "403": ("The role may not do this.", DETAIL),
    "404": ("No such record, or one outside the caller's countries.", DETAIL),
    "409": ("Impossible in the record's current state.", DETAIL),
    "412": (ERR_PRECONDITION_FAILED + " Only when If-Match was sent.", DETAIL),
    "429": ("Too many requests.", DETAIL),
}
# Answered by the web server (gunicorn) before the application sees the request.
URI_TOO_LONG = {"description": "The URL is longer than the web server accepts.",
                "content": {"text/html": {"schema": {"type": "string"}}}}
IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "required": False,
    "schema": {"type": "string"},
    "description": "The ETag of the record as last read (GET). When it no longer matches, "
                   "the answer is 412 and nothing is written. Optional: without it there is "
                   "no check.",
}
ETAG_HEADER = {"ETag": {"schema": {"type": "string"},
                        "description": "The record's version: send it back as If-Match."}}
WRITES = {"post", "put", "patch", "delete"}


def _response(code: str) -> dict:
    description, schema = RESPONSES[code]
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _is_record_write(path: str, method: str, operations: dict) -> bool:
    """A write to a record itself: PATCH/PUT/DELETE of ``/<id>/`` or a POST action on it
    that is not a nested collection, whose path also lists (``GET``) what the POST adds
    (cpc.api.conditional.ConditionalMixin)."""
    if "{id}" not in path or method not in WRITES:
        return False
    if method != "post":
        return path.endswith("{id}/")
    return "get" not in operations


def _created_not_listed(operation: dict, schemas: dict) -> None:
    """A nested collection's POST (``/<id>/participants/``...) answers 201 with the record it
    added; the view's one declaration describes the GET's list for both."""
    responses = operation["responses"]
    if "201" in responses or "200" not in responses:
        return
    body = operation.get("requestBody", {}).get("content", {})
    media = body.get("application/json") or next(iter(body.values()), {})
    ref = media.get("schema", {}).get("$ref", "")
    name = ref.rsplit("/", 1)[-1].removesuffix("Request")
    if name not in schemas:
        return
    responses.pop("200")
    responses["201"] = {
        "description": "The record added.",
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}},
    }


def declare_error_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {}).update(SCHEMAS)
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            codes = ["400", "401", "403", "429"] if path.endswith("/auth/token/") else [
                "400", "401", "403"]
            # An unknown id, another country's record, or a page past the last of a list.
            codes.append("404")
            if method in WRITES:
                codes.append("409")
            if _is_record_write(path, method, operations):
                codes.append("412")
                parameters = operation.setdefault("parameters", [])
                if not any(p.get("name") == "If-Match" for p in parameters):
                    parameters.append(IF_MATCH)
            if method == "post" and "{id}" in path and "get" in operations:
                _created_not_listed(operation, result["components"]["schemas"])
            for code in codes:
                responses.setdefault(code, _response(code))
            responses.setdefault("414", URI_TOO_LONG)
            if method == "get" and path.endswith("{id}/") and "200" in responses:
                responses["200"].setdefault("headers", {}).update(ETAG_HEADER)
    return result
