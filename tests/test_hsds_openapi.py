"""The HSDS API describes itself: the root names the version, the profile and the OpenAPI
description, and that description lists exactly the endpoints and parameters that work."""

import json
from urllib.parse import urlsplit

import pytest
from jsonschema import Draft202012Validator
from referencing.exceptions import Unresolvable

from tests.factories import OfferFactory
from tests.hsds_support import API, BASE, get_json, openapi_reference, registry

# The endpoints the HSDS API of the map answers (the issue asks for these).
EXPECTED_PATHS = {
    "/",
    "/openapi.json",
    "/profile",
    "/services",
    "/services/{id}",
    "/organizations",
    "/organizations/{id}",
    "/taxonomies",
    "/taxonomies/{id}",
    "/taxonomy_terms",
    "/taxonomy_terms/{id}",
    "/service_at_locations",
}


@pytest.fixture
def described(client, baseline):
    OfferFactory(name="Op een adres", address="Hulpstraat 1", city="Amsterdam")
    root = get_json(client, f"{API}/")
    document = get_json(client, urlsplit(root["openapi_url"]).path)
    return root, document


def _official_parameters(path: str) -> set[str]:
    """The query parameters the official HSDS API reference gives `path`."""
    reference = openapi_reference()
    operation = reference["paths"].get(path, {}).get("get", {})
    names = set()
    for parameter in operation.get("parameters", []):
        if "$ref" in parameter:
            parameter = reference["components"]["parameters"][parameter["$ref"].split("/")[-1]]
        if parameter["in"] == "query":
            names.add(parameter["name"])
    return names


def _ids(client) -> dict[str, str]:
    """An existing id per kind of object, as the lists give them."""
    found = {}
    for kind in ("services", "organizations", "taxonomies", "taxonomy_terms"):
        found[kind] = get_json(client, f"{API}/{kind}")["contents"][0]["id"]
    preventie = get_json(client, f"{API}/taxonomy_terms?search=preventie")["contents"][0]
    found["term"] = preventie["id"]
    found["taxonomy"] = preventie["taxonomy_id"]
    return found


def _sample(name: str, kind: str, ids: dict) -> str:
    return {
        "taxonomy_term_id": ids["term"],
        "taxonomy_id": ids["taxonomy"],
        "organization_id": ids["organizations"],
        "parent_id": ids["term"],
        "modified_after": "2000-01-01T00:00:00Z",
        "search": "hulp",
    }.get(name, {"integer": "1", "boolean": "true"}.get(kind, ""))


def test_the_root_names_version_profile_and_description(client, described):
    root, document = described
    assert root["version"] == "3.0"
    assert root["openapi_url"].startswith("http://testserver/api/hsds/")
    profile = client.get(urlsplit(root["profile"]).path)
    assert profile.status_code == 200
    assert profile["Content-Type"] == "text/markdown; charset=utf-8"
    assert "HSDS" in profile.content.decode()


def test_the_description_is_openapi_3_1_with_exactly_the_working_paths(described):
    _, document = described
    assert document["openapi"] == "3.1.0"
    assert document["info"]["title"] and document["info"]["version"]
    assert set(document["paths"]) == EXPECTED_PATHS
    assert json.loads(json.dumps(document)) == document  # plain JSON, nothing else
    assert document["servers"] == [{"url": "http://testserver/api/hsds"}]


def test_every_described_path_and_parameter_answers_200(client, described):
    _, document = described
    ids = _ids(client)
    path_ids = {
        "/services/{id}": ids["services"],
        "/organizations/{id}": ids["organizations"],
        "/taxonomies/{id}": ids["taxonomies"],
        "/taxonomy_terms/{id}": ids["taxonomy_terms"],
    }
    for path, item in document["paths"].items():
        url = API + path.replace("{id}", path_ids.get(path, ""))
        assert client.get(url).status_code == 200, url
        for parameter in item["get"]["parameters"]:
            value = _sample(parameter["name"], parameter["schema"]["type"], ids)
            answer = client.get(url, {parameter["name"]: value})
            assert answer.status_code == 200, (url, parameter["name"], answer.content[:300])


def test_a_standard_parameter_that_is_not_described_answers_400(client, described):
    _, document = described
    refused = 0
    for path, item in document["paths"].items():
        listed = {parameter["name"] for parameter in item["get"]["parameters"]}
        for name in sorted(_official_parameters(path) - listed) + ["unknown"]:
            url = API + path.replace("{id}", "0766242f-e461-4ef8-98f3-3dff8311c282")
            answer = client.get(url, {name: "1"})
            assert answer.status_code in (400, 404), (url, name)
            if "{id}" not in path:
                assert answer.status_code == 400 and name in answer.json()["fields"]
                refused += 1
    assert refused >= 10  # format, postcode, proximity, ... and "unknown" on every list


def test_the_described_schemas_are_the_official_ones(described):
    _, document = described
    resolver = registry().resolver()
    references = []

    def collect(node):
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str) and node["$ref"].startswith("https://"):
                references.append(node["$ref"])
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(document["paths"])
    assert references and all(reference.startswith(BASE) for reference in references)
    for reference in references:
        try:
            resolver.lookup(reference)
        except Unresolvable:
            pytest.fail(f"{reference} is no official HSDS schema")
    for item in document["paths"].values():
        for answer in item["get"]["responses"].values():
            for content in answer["content"].values():
                Draft202012Validator.check_schema(content["schema"])
