"""Expensive requests (free text, large JSON pages) are capped per client and in total, so
that a burst of them leaves the workers free for everything else: beyond a cap the visitor gets
a Dutch 429 page (or the API's JSON error) with Retry-After, while /healthz, pages without free
text and pages the response cache already holds keep answering."""

import pytest

from sociale_kaart.throttle import give_back, take_slot

OTHER_CLIENT = {"REMOTE_ADDR": "192.0.2.7"}


@pytest.fixture
def per_client(settings):
    settings.EXPENSIVE_REQUESTS_PER_CLIENT = 3
    settings.EXPENSIVE_WINDOW_SECONDS = 60
    settings.EXPENSIVE_CONCURRENT = 0


def assert_busy_page(response):
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    page = response.content.decode()
    assert '<html lang="nl">' in page
    assert "Even te druk" in page and "Probeer het over" in page


def test_a_client_beyond_its_free_text_searches_gets_a_dutch_429(client, baseline, per_client):
    for q in ("MST", "Stop it", "vaders"):
        assert client.get("/aanbod/", {"q": q}).status_code == 200
    assert_busy_page(client.get("/aanbod/", {"q": "gezin"}))
    assert_busy_page(client.get("/aanbod/", {"q": "team"}))
    # Another client still searches; this one can still do everything but free text.
    assert client.get("/aanbod/", {"q": "gezin"}, **OTHER_CLIENT).status_code == 200
    assert client.get("/healthz").status_code == 200
    cell = {"violence_type": "kindermishandeling", "phase": "preventie"}
    assert client.get("/aanbod/", cell).status_code == 200
    assert client.get("/kaart/hgkm/").status_code == 200
    # A search the response cache already holds answers as before.
    assert client.get("/aanbod/", {"q": "MST"}).status_code == 200


def test_the_json_search_answers_429_in_the_api_error_shape(client, baseline, per_client):
    for params in ({"q": "MST"}, {"per_page": 100}, {"q": "gezin", "per_page": 50}):
        assert client.get("/api/aanbod/", params).status_code == 200
    # Pages of the default size or smaller are no expensive request.
    assert client.get("/api/aanbod/", {"per_page": 10}).status_code == 200
    assert client.get("/api/aanbod/").status_code == 200
    response = client.get("/api/aanbod/", {"per_page": 99})
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    body = response.json()
    assert body["error"] == "Te veel zoekvragen"
    assert body["fields"]["__all__"][0]["code"] == "too_many_requests"
    assert "Probeer het over" in body["fields"]["__all__"][0]["message"]
    assert client.get("/api/aanbod/", {"q": "team"}, **OTHER_CLIENT).status_code == 200


def test_while_other_workers_fill_every_slot_free_text_waits_its_turn(client, baseline, settings):
    settings.EXPENSIVE_CONCURRENT = 2
    settings.EXPENSIVE_REQUESTS_PER_CLIENT = 0
    # One after the other, every search gets a slot and gives it back.
    for q in ("MST", "Stop it", "vaders", "gezin"):
        assert client.get("/aanbod/", {"q": q}).status_code == 200
    # Two workers are computing an expensive request at this moment.
    busy = [take_slot(), take_slot()]
    assert all(busy)
    assert take_slot() is None
    response = client.get("/aanbod/", {"q": "team"})
    assert_busy_page(response)
    assert response["Retry-After"] == "2"
    assert client.get("/api/aanbod/", {"q": "team"}).status_code == 429
    assert client.get("/healthz").status_code == 200
    assert client.get("/aanbod/").status_code == 200
    assert client.get("/api/aanbod/", {"per_page": 5}).status_code == 200
    give_back(busy.pop())
    assert client.get("/aanbod/", {"q": "team"}).status_code == 200
    # The request gave its slot back: the freed one is free again.
    assert take_slot() and take_slot() is None


def test_a_429_is_never_stored_by_the_response_cache(client, baseline, per_client):
    for q in ("MST", "Stop it", "vaders"):
        client.get("/aanbod/", {"q": q})
    assert client.get("/aanbod/", {"q": "gezin"}).status_code == 429
    response = client.get("/aanbod/", {"q": "gezin"}, **OTHER_CLIENT)
    assert response.status_code == 200
    assert "switch-hgkm-2023" in response.content.decode()
