"""Validating HSDS API answers against the official Open Referral HSDS 3.0 schemas, offline.

The schemas in tests/hsds_schema/ (see its SOURCE.md) are registered under the addresses the
HSDS API reference (openapi.json) uses, so that every `$ref` between them resolves from the
files here. Validation is JSON Schema Draft 2020-12 with format checking on (uuid, uri, email,
date-time: jsonschema's format checkers).
"""

import json
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMA_DIR = Path(__file__).resolve().parent / "hsds_schema"
BASE = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"
API = "/api/hsds"
FORMATS = ("uuid", "uri", "email", "date-time", "date")


@cache
def registry() -> Registry:
    resources = []
    for path in sorted(SCHEMA_DIR.rglob("*.json")):
        contents = json.loads(path.read_text(encoding="utf-8"))
        resource = Resource.from_contents(contents, default_specification=DRAFT202012)
        resources.append((BASE + path.relative_to(SCHEMA_DIR).as_posix(), resource))
    return Registry().with_resources(resources)


@cache
def openapi_reference() -> dict:
    return json.loads((SCHEMA_DIR / "openapi.json").read_text(encoding="utf-8"))


def _pointer(*parts: str) -> str:
    return "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)


def response_schema(path: str) -> dict:
    """The schema of a 200 answer of `path` in the official HSDS API reference."""
    pointer = _pointer("paths", path, "get", "responses", "200", "content", "application/json")
    return {"$ref": f"{BASE}openapi.json#/{pointer}/schema"}


def schema(name: str) -> dict:
    """An official object schema by file name: "service.json", "compiled/service_list.json"."""
    return {"$ref": BASE + name}


# The official compiled organization.json is organization.json with a `services` array of
# full services; the same, with references instead of the 3 MB bundle.
ORGANIZATION_FULL = {
    "allOf": [schema("organization.json")],
    "properties": {"services": {"type": "array", "items": schema("service.json")}},
}


def errors(instance, against: dict) -> list[str]:
    """Every validation error of `instance`, as 'path: message'."""
    assert all(name in Draft202012Validator.FORMAT_CHECKER.checkers for name in FORMATS)
    validator = Draft202012Validator(
        against, registry=registry(), format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator.iter_errors(instance)
    ]


def get_json(client, url: str, status: int = 200):
    response = client.get(url)
    assert response.status_code == status, (url, response.content[:500])
    assert response["Content-Type"] == "application/json"
    return response.json()


def empty_values(value, path="") -> list[str]:
    """The paths in `value` that hold null or an empty string."""
    if value is None or value == "":
        return [path]
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in empty_values(item, f"{path}/{key}")]
    if isinstance(value, list):
        return [
            p for index, item in enumerate(value) for p in empty_values(item, f"{path}/{index}")
        ]
    return []


def all_pages(client, url: str) -> list[dict]:
    """The contents of every page of a list."""
    separator = "&" if "?" in url else "?"
    contents, page = [], 1
    while True:
        payload = get_json(client, f"{url}{separator}page={page}")
        contents.extend(payload["contents"])
        if payload["last_page"]:
            return contents
        page += 1
