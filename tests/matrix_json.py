"""Reading the matrix JSON (`/api/kaart/<slug>/`) as a consumer does: its cells and lists
name organisations by id, and its `organisations` table says who each id is."""


def expand(payload: dict) -> dict:
    """`payload` with every organisation id replaced by that organisation's slug and name
    from the `organisations` table (the table itself left out): a shape that compares
    between databases whose ids differ."""
    table = {o["id"]: {"slug": o["slug"], "name": o["name"]} for o in payload["organisations"]}
    expanded = {key: value for key, value in payload.items() if key != "organisations"}
    expanded["cells"] = [
        {
            **cell,
            "organisations": [table[pk] for pk in cell["organisations"]],
            "unknown_organisations": [table[pk] for pk in cell["unknown_organisations"]],
        }
        for cell in payload["cells"]
    ]
    for name in ("unpositioned_organisations", "elsewhere_organisations"):
        expanded[name] = [table[pk] for pk in payload[name]]
    return expanded


def matrix_json(response) -> dict:
    """The expanded matrix JSON of a 200 response."""
    assert response.status_code == 200, response.content[:500]
    return expand(response.json())
