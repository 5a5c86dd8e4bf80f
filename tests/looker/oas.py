"""Checking answers against the official Looker API 4.0 OpenAPI spec (vendored in tests/data).

The spec (``Looker.4.0.oas.json`` from looker-open-source/sdk-codegen, MIT; see the LICENSE
beside it) is not strictly valid OAS 3.0, and in places it disagrees with what Looker sends.
:func:`normalise` makes it usable by an OAS 3.0 validator (``openapi-schema-validator``, which
understands ``nullable`` and ``readOnly``); each relaxation is listed there and nothing else is
relaxed: required keys, types and ``nullable: false`` stay strict.

Policy beyond the spec (each deliberate):

* 401 is what Looker answers without a live token, yet no operation declares it: it must still
  be an ``Error``;
* a status the operation does not declare is a violation, and so is a 204 with a body;
* with ``?fields=`` the answer holds only the fields asked for, so ``required`` is not enforced;
* a ``text`` or string-typed body (the ``run_*`` formats) must only be a string.
"""

from __future__ import annotations

import copy
import functools
import json
import re
from pathlib import Path
from typing import Any

from openapi_schema_validator import OAS30ReadValidator

SPEC_FILE = Path(__file__).resolve().parents[1] / "data" / "looker-api" / "Looker.4.0.oas.json"
BASE = "/api/4.0"
_PARAMETER = re.compile(r"\{(\w+)(?::\w+)?\}")
_NULL = {"type": "object", "nullable": True, "enum": [None]}


@functools.cache
def spec() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SPEC_FILE.read_text(encoding="utf-8"))
    return normalise(loaded)


def normalise(raw: dict[str, Any]) -> dict[str, Any]:
    """The spec made validatable:

    1. ``type: "any"`` is not an OAS type: dropped (any value).
    2. A property that is only a ``$ref`` never says ``nullable``, yet Looker answers ``null`` for
       absent sub-objects (``look`` of a dashboard's content error...) and looker-sdk types them
       all optional: it accepts exactly ``null`` as well (``anyOf``; a ``nullable`` beside a
       ``$ref`` has no effect in OAS 3.0).
    3. A component schema with ``properties`` but no ``type`` gets ``type: object``, or a string
       would pass where an object is expected.
    4. An ``enum`` written on an array (``user_attribute_filter_types``) moves to its items, and a
       nullable ``enum`` also accepts ``null`` (``fill_style`` is "null if no fill is possible").
    5. ``JsonBi.rows`` is typed ``[string]``; Looker sends objects keyed by field name.
    """
    found = copy.deepcopy(raw)

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "array" and "enum" in node:
                node.setdefault("items", {})["enum"] = node.pop("enum")
            if node.get("nullable") and isinstance(node.get("enum"), list) and None not in node["enum"]:
                node["enum"] = [*node["enum"], None]
            if node.get("type") == "any":
                node.pop("type")
                node.pop("format", None)
            properties = node.get("properties")
            if isinstance(properties, dict):
                for name, prop in list(properties.items()):
                    if isinstance(prop, dict) and set(prop) == {"$ref"}:
                        properties[name] = {"anyOf": [prop, _NULL]}
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(found)
    for schema in found["components"]["schemas"].values():
        if "properties" in schema and "type" not in schema:
            schema["type"] = "object"
    found["components"]["schemas"]["JsonBi"]["properties"]["rows"]["items"] = {"type": "object"}
    return found


def _shape(path: str) -> str:
    return _PARAMETER.sub("{}", path)


def spec_path(route: str) -> str | None:
    """The spec's path for an emulator route template (``/api/4.0/queries/{query_id}``), if any."""
    if route == "/api/logout":  # the SDK's own logout; the spec has /logout
        return "/logout"
    if route == "/versions":  # also served at the root
        return "/versions"
    if not route.startswith(BASE):
        return None
    wanted = _shape(route[len(BASE) :])
    return next((p for p in spec()["paths"] if _shape(p) == wanted), None)


def _leaves(error: Any) -> list[Any]:
    """The errors inside a nullable-``$ref`` ``anyOf`` (its first branch), for precise messages."""
    if error.validator == "anyOf" and error.context:
        inner = [e for e in error.context if e.relative_schema_path and e.relative_schema_path[0] == 0]
        return [leaf for e in inner for leaf in _leaves(e)] or [error]
    return [error]


def schema_violations(schema: dict[str, Any], data: Any, *, partial: bool = False) -> list[str]:
    """Where ``data`` breaks ``schema`` (refs into the spec's components), one line each."""
    validator = OAS30ReadValidator({"allOf": [schema], "components": spec()["components"]})
    found = []
    for error in validator.iter_errors(data):
        for leaf in _leaves(error):
            if partial and leaf.validator == "required":
                continue
            where = "/".join(map(str, leaf.absolute_path)) or "<root>"
            found.append(f"{where}: {leaf.message[:200]}")
    return found


def component(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def _media(content: dict[str, Any], content_type: str) -> str | None:
    """The spec's content key for a Content-Type (the spec writes a bare ``text`` key)."""
    bare = content_type.split(";")[0].strip().lower()
    if bare in content:
        return bare
    if (bare.startswith("text/") or bare in ("application/sql", "application/octet-stream")) and "text" in content:
        return "text"
    if bare.startswith("application/vnd.openxmlformats") and "text" in content:
        return "text"  # xlsx: the spec declares every run format's body a string
    return None


def response_violations(
    method: str, route: str, status: int, content_type: str, body: bytes, *, partial: bool = False
) -> list[str]:
    """Where one answer breaks the spec: undeclared path, method, status or media type, or its schema."""
    path = spec_path(route)
    if path is None:
        return [f"{route} is not in the spec"]
    operation = spec()["paths"][path].get(method.lower())
    if operation is None:
        return [f"the spec has no {method} {path}"]
    responses = operation["responses"]
    if str(status) in responses:
        response = responses[str(status)]
    elif status == 401:
        response = {"content": {"application/json": {"schema": component("Error")}}}
    else:
        return [f"status {status} is not declared for {method} {path} (declared: {', '.join(responses)})"]
    if status == 204:
        return [f"204 with a body of {len(body)} bytes"] if body else []
    content = response.get("content") or {}
    key = _media(content, content_type)
    if key is None:
        return [f"Content-Type {content_type!r} is not declared ({', '.join(content) or 'none'})"]
    schema = content[key]["schema"]
    if schema.get("type") == "string":
        return []
    try:
        data = json.loads(body)
    except ValueError:
        return [f"the body is not JSON: {body[:80]!r}"]
    return schema_violations(schema, data, partial=partial)
