"""The RFC 9457 problem+json body every API error uses, for the OpenAPI document.

Why: errors are mapped once to HTTP (DESIGN.md §5). Arsip's problem body is bilingual: ``title``/``detail`` in
Indonesian and ``title_en``/``detail_en`` in English, and ``errors`` carries field messages (each already
"Indonesian / English"). `flatten_errors` turns marshmallow's nested error dict into that flat shape.
"""

from __future__ import annotations

import typing

from marshmallow import INCLUDE

from schemas.base import BaseSchema, Dict, Integer, List, String

__all__ = ["ProblemSchema", "flatten_errors"]


class ProblemSchema(BaseSchema):
    """An RFC 9457 problem detail (dump), with English twins of ``title`` and ``detail``.

    Other members are allowed (RFC 9457 §3.2 extension members), so the OpenAPI document says
    ``additionalProperties: true``."""

    class Meta:
        unknown = INCLUDE

    type = String(dump_default="about:blank", metadata={"description": "URI identifying the problem type."})
    title = String(required=True, metadata={"description": "Short summary (Indonesian)."})
    title_en = String(metadata={"description": "Short summary (English)."})
    status = Integer(required=True, metadata={"description": "HTTP status code."})
    detail = String(metadata={"description": "Explanation of this occurrence (Indonesian)."})
    detail_en = String(metadata={"description": "Explanation of this occurrence (English)."})
    instance = String(metadata={"description": "URI of this occurrence."})
    errors = Dict(
        keys=String(),
        values=List(String()),
        metadata={"description": 'Field → messages; nested fields are dotted ("access_groups.2").'},
    )


def flatten_errors(messages: typing.Any, prefix: str = "") -> dict[str, list[str]]:
    """Flatten marshmallow's ``ValidationError.messages`` into ``{"a.0.b": ["msg", ...]}``.

    Schema-level errors (key ``_schema``) and a bare list of messages are reported under ``"_schema"`` unless
    nested under a field.
    """
    flat: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = str(key)
            path = (prefix or name) if name == "_schema" else ".".join(filter(None, (prefix, name)))
            for field, msgs in flatten_errors(value, path).items():
                flat.setdefault(field, []).extend(msgs)
    elif isinstance(messages, (list, tuple)):
        for item in messages:
            if isinstance(item, (dict, list, tuple)):
                for field, msgs in flatten_errors(item, prefix).items():
                    flat.setdefault(field, []).extend(msgs)
            else:
                flat.setdefault(prefix or "_schema", []).append(str(item))
    else:
        flat.setdefault(prefix or "_schema", []).append(str(messages))
    return flat
