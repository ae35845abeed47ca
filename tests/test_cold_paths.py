"""The cold path after a change: computed once, never stale for what a partner hides.

A cache entry is computed by one caller while the others wait for it (single flight); a save
makes the old entries unreachable once at its commit; and an offer a partner hides (a
confidential address, unpublished, archived) disappears from every public page and API at the
next request, with every page warm in the cache before.
"""

import gzip
import json
import threading
import uuid

import pytest
from django.db import transaction
from django.test import Client

from providers.models import Offer
from sociale_kaart import cache as data_cache
from sociale_kaart.cache import get_or_compute, versioned_key
from tests.factories import UserFactory
from tests.test_cache_invalidation import admin_change

TRIAS_OFFER = "trias-pedagogica-hgkm-2023"
TRIAS_ORGANISATION = "trias-pedagogica"
STREET = "Geheimstraat 12"


@pytest.fixture
def municipality(db):
    """A logged-in client for the municipality; `client` stays the anonymous visitor."""
    municipal = Client()
    municipal.force_login(UserFactory(username="gemeente", is_staff=True, is_superuser=True))
    return municipal


def test_two_callers_compute_an_entry_once():
    key = versioned_key("single-flight", uuid.uuid4().hex)
    started, release = threading.Event(), threading.Event()
    calls = []

    def compute():
        calls.append(threading.current_thread().name)
        started.set()
        assert release.wait(5)
        return {"cells": 48}

    results = {}

    def first():
        results["first"] = get_or_compute(key, compute)

    def second():
        assert started.wait(5)  # the first caller is computing
        results["second"] = get_or_compute(key, compute)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    threading.Timer(0.2, release.set).start()  # the second waits meanwhile
    for thread in threads:
        thread.join(10)

    assert len(calls) == 1
    assert results == {"first": {"cells": 48}, "second": {"cells": 48}}


def test_a_waiting_caller_takes_over_when_the_computing_one_fails():
    key = versioned_key("single-flight", uuid.uuid4().hex)
    started, release = threading.Event(), threading.Event()

    def failing():
        started.set()
        assert release.wait(5)
        raise RuntimeError("database went away")

    errors, results = [], {}

    def first():
        try:
            get_or_compute(key, failing)
        except RuntimeError as error:
            errors.append(error)

    def second():
        assert started.wait(5)
        results["second"] = get_or_compute(key, lambda: "computed by the second")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    threading.Timer(0.1, release.set).start()
    for thread in threads:
        thread.join(10)

    assert len(errors) == 1
    assert results == {"second": "computed by the second"}


def test_however_many_rows_a_save_writes_one_bump_waits_for_the_commit(
    client, baseline, municipality
):
    """The test runs inside one transaction, like a request's save: the baseline, the offer,
    its lists and positions all wrote rows, and each bumped the data version at once; the
    commit will bump it once more, not once per row."""
    before = data_cache.data_version()
    offer = Offer.objects.get(slug=TRIAS_OFFER)
    admin_change(municipality, Offer, offer, waiting_weeks="3", target_groups=["1", "2"])
    assert data_cache.data_version() > before
    pending = [
        func
        for _, func, _ in transaction.get_connection().run_on_commit
        if func is data_cache._bump_on_commit
    ]
    assert len(pending) == 1


PUBLIC_PAGES = [
    f"/aanbod/{TRIAS_OFFER}/",
    f"/api/aanbod/{TRIAS_OFFER}/",
    "/aanbod/",
    "/api/aanbod/",
    f"/organisaties/{TRIAS_ORGANISATION}/",
]


def warm(client, urls):
    pages = {}
    for url in urls:
        client.get(url)
        pages[url] = client.get(url).content.decode()  # the second from the cache
    return pages


def test_a_confidential_address_is_never_served_from_a_warm_cache(client, baseline, municipality):
    offer = Offer.objects.get(slug=TRIAS_OFFER)
    admin_change(municipality, Offer, offer, address=STREET, city="Amsterdam")
    before = warm(client, PUBLIC_PAGES)
    assert STREET in before[f"/aanbod/{TRIAS_OFFER}/"]
    assert STREET in before[f"/api/aanbod/{TRIAS_OFFER}/"]

    admin_change(municipality, Offer, Offer.objects.get(pk=offer.pk), address_confidential="on")

    for url in PUBLIC_PAGES:
        response = client.get(url)
        assert response.status_code == 200
        assert STREET not in response.content.decode(), url


@pytest.mark.parametrize("status", ["concept", "gearchiveerd"])
def test_an_unpublished_or_archived_offer_leaves_every_warm_page_at_once(
    client, baseline, municipality, status
):
    matrix_urls = ["/api/kaart/hgkm/", "/kaart/hgkm/", "/kaart/hgkm/?role=aanbieder", "/"]
    before = warm(client, [*PUBLIC_PAGES, *matrix_urls])
    assert "Trias pedagogica" in before["/kaart/hgkm/"]

    admin_change(municipality, Offer, Offer.objects.get(slug=TRIAS_OFFER), status=status)

    assert client.get(f"/aanbod/{TRIAS_OFFER}/").status_code == 404
    assert client.get(f"/api/aanbod/{TRIAS_OFFER}/").status_code == 404
    assert TRIAS_OFFER not in client.get("/aanbod/").content.decode()
    assert TRIAS_OFFER not in client.get("/api/aanbod/").content.decode()
    payload = client.get("/api/kaart/hgkm/").json()
    listed = {o["slug"] for o in payload["organisations"]}
    in_cells = {
        payload_id
        for cell in payload["cells"]
        for payload_id in [*cell["organisations"], *cell["unknown_organisations"]]
    }
    trias = next(o["id"] for o in payload["organisations"] if o["slug"] == TRIAS_ORGANISATION)
    assert TRIAS_ORGANISATION in listed  # still an organisation: now "not positioned"
    assert trias not in in_cells
    assert trias in payload["unpositioned_organisations"]
    page = client.get("/kaart/hgkm/").content.decode()
    assert page != before["/kaart/hgkm/"]
    assert client.get("/").content.decode() != before["/"]


def test_the_matrix_json_names_each_organisation_once_and_cells_by_id(client, baseline):
    payload = client.get("/api/kaart/hgkm/").json()
    table = {o["id"]: o for o in payload["organisations"]}
    assert len(table) == len(payload["organisations"])
    assert [o["name"] for o in payload["organisations"]] == sorted(
        o["name"] for o in payload["organisations"]
    )
    elder = next(
        c
        for c in payload["cells"]
        if (c["phase"], c["violence_type"]) == ("preventie", "ouderenmishandeling")
    )
    assert [table[pk]["name"] for pk in elder["organisations"]] == [
        "Trias pedagogica",
        "Veilig Thuis",
    ]
    named = {pk for c in payload["cells"] for pk in c["organisations"]}
    named |= set(payload["unpositioned_organisations"]) | set(payload["elsewhere_organisations"])
    assert named == set(table)


def test_the_matrix_json_is_gzipped_for_an_anonymous_client_that_accepts_it(client, many_offers):
    many_offers(1000)
    plain = client.get("/api/kaart/hgkm/")
    compressed = client.get("/api/kaart/hgkm/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert "Content-Encoding" not in plain
    assert compressed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed["Vary"] and "Accept-Encoding" in plain["Vary"]
    assert json.loads(gzip.decompress(compressed.content)) == plain.json()
    assert len(compressed.content) < len(plain.content) / 5
    # Warm, from the cache, the same.
    again = client.get("/api/kaart/hgkm/", HTTP_ACCEPT_ENCODING="gzip")
    assert again["Content-Encoding"] == "gzip" and again.content == compressed.content


def test_pages_with_a_session_and_html_pages_are_not_compressed(client, baseline):
    assert "Content-Encoding" not in client.get("/kaart/hgkm/", HTTP_ACCEPT_ENCODING="gzip")
    client.force_login(UserFactory(username="partner", is_staff=True))
    response = client.get("/api/kaart/hgkm/", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert "Content-Encoding" not in response


def compute_in_thread(key, compute):
    results = {}
    thread = threading.Thread(
        target=lambda: results.setdefault("value", get_or_compute(key, compute))
    )
    thread.start()
    return thread, results


@pytest.mark.parametrize(("hides", "waiting_caller_gets"), [(False, "old"), (True, "new")])
def test_while_one_caller_computes_after_a_save_the_others_get_the_previous_entry_only_if_safe(
    db, hides, waiting_caller_gets
):
    question = ("matrix", uuid.uuid4().hex)
    assert get_or_compute(versioned_key(*question), lambda: "old") == "old"
    data_cache.bump_data_version(hides=hides)
    key = versioned_key(*question)
    started, release = threading.Event(), threading.Event()

    def compute_new():
        started.set()
        assert release.wait(5)
        return "new"

    computing, computed = compute_in_thread(key, compute_new)
    assert started.wait(5)
    threading.Timer(0.2, release.set).start()
    waiting, waited = compute_in_thread(key, lambda: pytest.fail("computed twice"))
    waiting.join(10)
    computing.join(10)
    assert computed == {"value": "new"}
    assert waited == {"value": waiting_caller_gets}
    assert get_or_compute(key, lambda: pytest.fail("computed twice")) == "new"


def hide_version():
    return data_cache._versions()[1]


@pytest.mark.parametrize(
    ("changes", "hides"),
    [
        ({"waiting_weeks": "3"}, False),
        ({"phone": "020 123 45 67"}, False),
        ({"status": "concept"}, True),
        ({"status": "gearchiveerd"}, True),
        ({"address_confidential": "on"}, True),
    ],
)
def test_only_saves_that_hide_something_forbid_serving_an_earlier_page(
    client, baseline, municipality, changes, hides
):
    before = hide_version()
    admin_change(municipality, Offer, Offer.objects.get(slug=TRIAS_OFFER), **changes)
    assert (hide_version() != before) is hides
