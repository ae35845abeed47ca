"""The OpenAPI 3.1 description of the HSDS API, and the one list of its query parameters.

The views accept exactly the parameters named here (`PARAMETERS`) and answer any other with
a 400, so the description cannot promise a parameter that does not work. Response schemas
refer to the official HSDS 3.0 schemas by the addresses the HSDS API reference uses.
"""

SCHEMAS = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 25

_PARAMETER_DESCRIPTIONS = {
    "search": (
        "string",
        "Vrije tekst: elk woord moet het begin van een woord zijn in de naam of omschrijving "
        "(van het aanbod of de organisatie), zoals op de zoekpagina van de kaart. Hoogstens "
        "200 tekens.",
    ),
    "page": ("integer", "Het paginanummer, vanaf 1."),
    "per_page": (
        "integer",
        f"Aantal resultaten per pagina, 1 tot en met {MAX_PER_PAGE} (standaard "
        f"{DEFAULT_PER_PAGE}); meer geeft een 400.",
    ),
    "taxonomy_term_id": (
        "string",
        "Alleen diensten met een attribuut van deze term (UUID uit /taxonomy_terms), "
        "bijvoorbeeld een fase, een geweldsvorm of een soort bevestigde verwijzing "
        "(taxonomie Verwijzingen, zoals 'Hierna: naar nazorg'). De termen van de taxonomie "
        "Inzet ervaringsdeskundigen horen bij organisaties: geen dienst heeft ze.",
    ),
    "taxonomy_id": ("string", "Alleen diensten met een term uit deze taxonomie (UUID)."),
    "organization_id": ("string", "Alleen diensten van deze organisatie (UUID)."),
    "modified_after": (
        "string",
        "Alleen wat op of na dit moment is gewijzigd: een datum (2025-01-31) of een tijdstip "
        "in ISO 8601 (2025-01-31T12:00:00Z); zonder tijdzone geldt Nederlandse tijd.",
    ),
    "minimal": (
        "boolean",
        "true: per dienst alleen id, name, status en last_modified (met wat HSDS verplicht stelt).",
    ),
    "full": ("boolean", "true: volledig geneste objecten."),
    "full_service": ("boolean", "true: de diensten van een organisatie volledig genest."),
    "top_only": (
        "boolean",
        "true: alleen termen zonder bovenliggende term (alle termen van deze kaart).",
    ),
    "parent_id": (
        "string",
        "Alleen termen onder deze term (UUID); de termen van deze kaart hebben geen "
        "bovenliggende term.",
    ),
}

_LIST = ("search", "page", "per_page")
_SERVICE_FILTERS = ("taxonomy_term_id", "taxonomy_id", "organization_id", "modified_after")

# Endpoint name -> the query parameters it accepts.
PARAMETERS: dict[str, tuple[str, ...]] = {
    "root": (),
    "openapi": (),
    "profile": (),
    "services": (*_LIST, *_SERVICE_FILTERS, "minimal", "full"),
    "service": (),
    "organizations": (*_LIST, "full", "full_service"),
    "organization": ("full_service",),
    "taxonomies": _LIST,
    "taxonomy": (),
    "taxonomy_terms": (*_LIST, "taxonomy_id", "top_only", "parent_id"),
    "taxonomy_term": (),
    "service_at_locations": (*_LIST, *_SERVICE_FILTERS, "full"),
}

# (path, endpoint name, summary, schema of the 200 answer: a schema file, or for a list the
# schema file of its contents).
_ENDPOINTS = (
    ("/", "root", "Versie, profiel en het adres van deze beschrijving.", None),
    ("/openapi.json", "openapi", "Deze beschrijving (OpenAPI 3.1).", None),
    ("/profile", "profile", "Het HSDS-profiel van deze kaart (Markdown).", None),
    (
        "/services",
        "services",
        "Gepagineerde lijst van diensten (aanbod).",
        "list:compiled/service_list.json",
    ),
    ("/services/{id}", "service", "Eén dienst, volledig genest.", "service.json"),
    (
        "/organizations",
        "organizations",
        "Gepagineerde lijst van organisaties.",
        "list:compiled/organization_list.json",
    ),
    (
        "/organizations/{id}",
        "organization",
        "Eén organisatie met haar diensten en haar inzet van ervaringsdeskundigen (attributes).",
        "organization.json",
    ),
    ("/taxonomies", "taxonomies", "Gepagineerde lijst van taxonomieën.", "list:taxonomy.json"),
    ("/taxonomies/{id}", "taxonomy", "Eén taxonomie.", "taxonomy.json"),
    (
        "/taxonomy_terms",
        "taxonomy_terms",
        "Gepagineerde lijst van termen.",
        "list:taxonomy_term.json",
    ),
    ("/taxonomy_terms/{id}", "taxonomy_term", "Eén term.", "taxonomy_term.json"),
    (
        "/service_at_locations",
        "service_at_locations",
        "Gepagineerde lijst van diensten op hun openbare adres.",
        "list:compiled/service_at_location_list.json",
    ),
)

ENDPOINT_PATHS = {name: path for path, name, _summary, _schema in _ENDPOINTS}

_PAGE = {
    "type": "object",
    "properties": {
        "total_items": {"type": "integer"},
        "total_pages": {"type": "integer"},
        "page_number": {"type": "integer"},
        "size": {"type": "integer"},
        "first_page": {"type": "boolean"},
        "last_page": {"type": "boolean"},
        "empty": {"type": "boolean"},
    },
}
_ERROR = {
    "type": "object",
    "required": ["error", "fields"],
    "properties": {
        "error": {"type": "string", "description": "Wat er mis is, in het Nederlands."},
        "fields": {
            "type": "object",
            "description": "Per parameter de fouten.",
            "additionalProperties": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"message": {"type": "string"}, "code": {"type": "string"}},
                },
            },
        },
    },
}
_ROOT = {
    "type": "object",
    "properties": {
        "version": {"type": "string"},
        "profile": {"type": "string", "format": "uri"},
        "openapi_url": {"type": "string", "format": "uri"},
    },
}


def _parameter(name: str) -> dict:
    kind, description = _PARAMETER_DESCRIPTIONS[name]
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": {"type": kind},
    }


def _content(schema) -> dict:
    if schema is None:
        return {"application/json": {"schema": _ROOT}}
    if schema.startswith("list:"):
        items = {"$ref": SCHEMAS + schema.removeprefix("list:")}
        return {
            "application/json": {
                "schema": {
                    "allOf": [{"$ref": "#/components/schemas/Page"}],
                    "properties": {"contents": {"type": "array", "items": items}},
                }
            }
        }
    return {"application/json": {"schema": {"$ref": SCHEMAS + schema}}}


def _errors(path: str) -> dict:
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    answers = {"400": {"description": "Onbekende of ongeldige parameter.", "content": error}}
    if "{id}" in path:
        answers["404"] = {"description": "Geen object met deze id.", "content": error}
    return answers


def openapi_document(server_url: str) -> dict:
    """The description, with `server_url` (the API's root, absolute) as its server."""
    paths = {}
    for path, name, summary, schema in _ENDPOINTS:
        if name == "openapi":
            ok = {
                "description": summary,
                "content": {"application/json": {"schema": {"type": "object"}}},
            }
        elif name == "profile":
            ok = {
                "description": summary,
                "content": {"text/markdown": {"schema": {"type": "string"}}},
            }
        else:
            ok = {"description": summary, "content": _content(schema)}
        operation = {
            "operationId": name,
            "summary": summary,
            "parameters": [_parameter(parameter) for parameter in PARAMETERS[name]],
            "responses": {"200": ok, **_errors(path)},
        }
        item = {"get": operation}
        if "{id}" in path:
            item["parameters"] = [
                {
                    "name": "id",
                    "in": "path",
                    "required": True,
                    "description": "De UUID van het object.",
                    "schema": {"type": "string", "format": "uuid"},
                }
            ]
        paths[path] = item
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "Sociale kaart plegeraanpak Amsterdam-Amstelland: HSDS 3.0 API",
            "version": "1.0.0",
            "summary": "Het gepubliceerde aanbod van de sociale kaart als Open Referral HSDS 3.0.",
            "description": "Alleen lezen, zonder account. Het profiel (welk veld van de kaart "
            "waar staat) staat op /profile. Fouten hebben één vorm: "
            '{"error": ..., "fields": {parameter: [{"message": ..., "code": ...}]}}.',
        },
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {"schemas": {"Page": _PAGE, "Error": _ERROR}},
    }
