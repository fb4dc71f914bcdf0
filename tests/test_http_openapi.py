"""``/openapi.json``: a well-formed OpenAPI 3.1 document that names exactly the app's routes.

``openapi-spec-validator`` is not a dependency; the structure is checked here, and every schema
in it is checked as JSON Schema 2020-12 (what OpenAPI 3.1 schemas are) with ``jsonschema``.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from http_support import running, serve_settings
from jsonschema import Draft202012Validator

from otpbridge.bridge.http.api import api_routes
from otpbridge.bridge.http.openapi import openapi_document

_METHODS = {"get", "post", "put", "patch", "delete", "head", "options", "trace"}


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def _resolve(doc: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), ref
    node: Any = doc
    for part in ref[2:].split("/"):
        node = node[part]
    return node


def test_document_structure() -> None:
    doc = openapi_document("https://otp.corp.example")
    assert doc["openapi"] == "3.1.0"
    assert {"title", "version"} <= set(doc["info"])
    assert doc["servers"] == [{"url": "https://otp.corp.example"}]
    assert doc["components"]["securitySchemes"]["bearer"] == {"type": "http", "scheme": "bearer"}
    for path, item in doc["paths"].items():
        assert path.startswith("/v1/")
        templated = set(re.findall(r"{(\w+)}", path))
        for method, op in item.items():
            if method == "parameters":
                continue
            assert method in _METHODS, (path, method)
            assert op["responses"], (path, method)
            for status, response in op["responses"].items():
                assert re.fullmatch(r"[1-5]\d\d", status), (path, status)
                assert "description" in response or "$ref" in response
            params = item.get("parameters", []) + op.get("parameters", [])
            path_params = {p["name"] for p in params if p["in"] == "path"}
            assert path_params == templated, (path, method)
            for p in params:
                assert p["in"] in ("path", "query", "header", "cookie")
                assert p["in"] != "path" or p["required"] is True
    for ref in _refs(doc):
        assert _resolve(doc, ref) is not None, ref
    for schema in doc["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)


def test_document_names_exactly_the_routes() -> None:
    doc = openapi_document()
    documented = {
        (path, method.upper())
        for path, item in doc["paths"].items()
        for method in item
        if method != "parameters"
    }
    served = {
        (route.path, method)
        for route in api_routes()
        for method in (route.methods or ())
        if method != "HEAD"
    }
    assert documented == served


@pytest.mark.parametrize("public_url", [None, "https://otp.corp.example"])
def test_served_without_auth(redis_url: str, public_url: str | None) -> None:
    env = {"OTPBRIDGE_PUBLIC_URL": public_url} if public_url else {}
    with running(serve_settings(redis_url, **env)) as server:
        r = httpx.get(f"{server.url}/openapi.json")
    assert r.status_code == 200
    assert r.json() == openapi_document(public_url)
