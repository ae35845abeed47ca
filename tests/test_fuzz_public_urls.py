"""Arbitrary query strings and path segments against every public URL and the JSON API, on the
2023 baseline: never a 500, never a traceback; the API always answers JSON.

Hypothesis runs derandomized (the same examples on every run, so CI is reproducible) and
bounded: 40 examples for each URL that reads the filters and for each slug path, 10 for the
URLs that ignore the query; about 20 seconds in all per database.
"""

import html
import json
import re
from urllib.parse import quote, quote_from_bytes, urlencode

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from frameworks.models import Framework
from providers.filters import OfferFilterSet
from providers.models import Offer, Organisation

# One published offer and its organisation from the baseline (tests/test_baseline.py).
OFFER = "altra-hgkm-2023"
ORGANISATION = "altra"

# URLs that read the filters, and URLs that ignore the query (a few examples show they keep
# doing so).
READING_FILTERS = [
    "/kaart/hgkm/",
    "/kaart/seksueel-geweld/",
    "/aanbod/",
    "/api/kaart/hgkm/",
    "/api/aanbod/",
]
IGNORING_QUERY = [
    "/",
    f"/aanbod/{OFFER}/",
    "/organisaties/",
    f"/organisaties/{ORGANISATION}/",
    f"/api/aanbod/{OFFER}/",
    "/healthz",
]

PARAMETERS = [*OfferFilterSet.base_filters, "page", "per_page"]
# Values that some filter accepts, so that examples get past validation into the queries.
VALID_VALUES = [
    "",
    "ja",
    "nee",
    "0",
    "1",
    "2",
    "520",
    "hgkm",
    "seksueel-geweld",
    "preventie",
    "nazorg",
    "kindermishandeling",
    "ex-partnergeweld",
    "plegers",
    "minderjarigen",
    "vrijwillig",
    "diemen",
    "top-3",
    "traumasensitief",
    "aanbieder",
    "beide",
    "relevantie",
    "wachttijd",
    "-gewijzigd",
    "hulp",
    "Altra",
    "training agressie",
]
NASTY_VALUES = [
    "\x00",
    "nul\x00teken",
    "\x00" * 300,
    "\x1b[31m",
    "\r\n",
    "\u202e",
    "\ufeff",
    "\U0001f600",
    "٣",
    "-1",
    "1.5",
    "1e3",
    " 3 ",
    "99999999999999999999",
    "9" * 5000,
    "<script>alert(1)</script>",
    '=HYPERLINK("http://x")',
    "' OR 1=1 --",
    'a:* & !b | "c',
    "%_\\",
    "{{ 7*7 }}",
    "../../etc/passwd",
]
TRACEBACK_SIGNS = ["Traceback", 'File "', "Exception Value"]

keys = st.one_of(
    st.sampled_from(PARAMETERS),
    st.sampled_from(PARAMETERS),  # twice: most keys name a filter
    st.text(st.characters(codec="utf-8"), max_size=12),
)
values = st.one_of(
    st.sampled_from(VALID_VALUES),
    st.sampled_from(NASTY_VALUES),
    st.text(st.characters(codec="utf-8"), max_size=40),
    st.builds(
        lambda char, count: char * count,
        st.sampled_from(["a", "é", "\x00", "<", " ", "9", "\U0001f600", "-"]),
        st.integers(min_value=150, max_value=5000),
    ),
)
# Repeated keys come from the list itself and from repeating its first pair.
pairs = st.tuples(st.lists(st.tuples(keys, values), max_size=6), st.integers(0, 3)).map(
    lambda listed: listed[0] + listed[0][:1] * listed[1]
)
# What a client may send without encoding it properly: raw bytes, stray separators, and more
# parameters than Django parses (DATA_UPLOAD_MAX_NUMBER_FIELDS is 1000).
raw_tails = st.one_of(
    st.just(""),
    st.binary(max_size=24).map(lambda raw: quote_from_bytes(raw, safe="=&;+")),
    st.sampled_from(["&&&", "=", "q", "q=%", "q=%zz", "%ff%fe=%c0%80", "q=a&" * 1001]),
)
query_strings = st.tuples(pairs, raw_tails).map(
    lambda parts: "&".join(part for part in (urlencode(parts[0]), parts[1]) if part)
)

FUZZ = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


def assert_no_traceback(response):
    body = response.content.decode("utf-8", errors="replace")
    for sign in TRACEBACK_SIGNS:
        assert sign not in body


def assert_html_answer(response):
    """A page, or a Dutch explanation of why the request cannot be answered."""
    assert response.status_code in (200, 400), response.status_code
    assert response["Content-Type"].startswith("text/html")
    assert_no_traceback(response)
    body = response.content.decode()
    assert "<script>alert(1)</script>" not in body
    if response.status_code == 400:
        assert "bevat een fout" in body or "Ongeldig verzoek" in body


def assert_json_answer(response, statuses=(200, 400, 404)) -> dict:
    assert response.status_code in statuses, response.status_code
    assert response["Content-Type"] == "application/json"
    assert_no_traceback(response)
    payload = json.loads(response.content)
    if response.status_code != 200:
        assert payload["error"]
        assert isinstance(payload["fields"], dict)
    return payload


def assert_answer(url, response):
    event(f"status {response.status_code}")  # see --hypothesis-show-statistics
    if url.startswith("/api/") or url == "/healthz":
        assert_json_answer(response)
    else:
        assert_html_answer(response)


@pytest.mark.parametrize("url", READING_FILTERS)
@settings(FUZZ, max_examples=40)
@given(query=query_strings)
def test_any_query_string_on_a_filtered_url_answers_without_a_server_error(
    client, baseline, url, query
):
    assert_answer(url, client.get(url, QUERY_STRING=query))


@pytest.mark.parametrize("url", IGNORING_QUERY)
@settings(FUZZ, max_examples=10)
@given(query=query_strings)
def test_any_query_string_on_another_url_answers_without_a_server_error(
    client, baseline, url, query
):
    assert_answer(url, client.get(url, QUERY_STRING=query))


@settings(FUZZ, max_examples=25)  # two requests per example
@given(query=query_strings)
def test_the_search_page_and_its_api_agree_on_bad_input_and_counts(client, baseline, query):
    """The page and the API read the same FilterSet: what one refuses, the other refuses,
    and what both answer, they count alike."""
    page = client.get("/aanbod/", QUERY_STRING=query)
    api = client.get("/api/aanbod/", QUERY_STRING=query)
    assert_html_answer(page)
    payload = assert_json_answer(api, statuses=(200, 400))
    if page.status_code == 400:
        assert api.status_code == 400
    if api.status_code == 200:
        assert page.status_code == 200
        total = payload["total_items"]
        assert f'<h2 id="results-title">{total} resulta' in page.content.decode()


SLUG = re.compile(r"[-a-zA-Z0-9_]+")
segments = st.one_of(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=60),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz-", min_size=201, max_size=1000),
    st.text(st.characters(codec="utf-8"), min_size=1, max_size=40),
    st.binary(min_size=1, max_size=24),
    st.sampled_from(
        [
            "..",
            ".",
            "%00",
            "\x00",
            "hgkm\x00",
            f"{OFFER}\x00",
            f"{ORGANISATION} ",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "a/b",
            "ALTRA",
            "é",
        ]
    ),
)
SLUG_PATHS = {
    "/kaart/{}/": lambda slug: Framework.objects.filter(slug=slug).exists(),
    "/aanbod/{}/": lambda slug: Offer.objects.published().filter(slug=slug).exists(),
    "/organisaties/{}/": lambda slug: Organisation.objects.filter(slug=slug).exists(),
    "/api/kaart/{}/": lambda slug: Framework.objects.filter(slug=slug).exists(),
    "/api/aanbod/{}/": lambda slug: Offer.objects.published().filter(slug=slug).exists(),
}


@pytest.mark.parametrize("pattern", SLUG_PATHS)
@settings(FUZZ, max_examples=40)
@given(segment=segments)
def test_any_unknown_slug_answers_404(client, baseline, pattern, segment):
    if isinstance(segment, bytes):
        encoded = quote_from_bytes(segment, safe="")
        segment = segment.decode("utf-8", errors="replace")
    else:
        encoded = quote(segment, safe="")
    assume(not (SLUG.fullmatch(segment) and SLUG_PATHS[pattern](segment)))
    response = client.get(pattern.format(encoded))
    assert response.status_code == 404
    assert_no_traceback(response)
    if pattern.startswith("/api/") and SLUG.fullmatch(segment):
        assert_json_answer(response, statuses=(404,))  # the API view itself answered
    elif not pattern.startswith("/api/"):
        assert "<h1>Pagina niet gevonden</h1>" in response.content.decode()


@pytest.mark.parametrize("pattern", SLUG_PATHS)
def test_known_slugs_still_answer(client, baseline, pattern):
    """The fuzzed paths are the real ones: with a known slug they answer 200."""
    slug = {"kaart": "hgkm", "aanbod": OFFER, "organisaties": ORGANISATION}[
        pattern.strip("/").split("/")[-2]
    ]
    assert client.get(pattern.format(slug)).status_code == 200


# What the fuzzing found, pinned as plain examples.

TOO_MANY = "q=a&" * 1001


@pytest.mark.parametrize("url", ["/api/aanbod/", "/api/kaart/hgkm/"])
def test_the_api_refuses_too_many_parameters_in_json(client, db, url):
    response = client.get(url, QUERY_STRING=TOO_MANY)
    assert response.status_code == 400
    assert response.json() == {
        "error": "Te veel parameters",
        "fields": {"__all__": [{"message": "Geef hoogstens 1000 parameters.", "code": "too_many"}]},
    }


@pytest.mark.parametrize("url", ["/aanbod/", "/kaart/hgkm/"])
def test_a_page_refuses_too_many_parameters_with_the_dutch_400_page(client, db, url):
    response = client.get(url, QUERY_STRING=TOO_MANY)
    assert response.status_code == 400
    assert "<h1>Ongeldig verzoek</h1>" in response.content.decode()


def test_an_unknown_framework_answers_404_in_json(client, db):
    response = client.get("/api/kaart/bestaat-niet/")
    assert response.status_code == 404
    assert response.json() == {"error": "Analysekader niet gevonden", "fields": {}}


@pytest.mark.parametrize("name", list(OfferFilterSet.base_filters))
def test_a_nul_byte_in_any_filter_is_a_dutch_form_error(client, db, name):
    """PostgreSQL refuses NUL in a string literal; the form refuses it before any query."""
    api = client.get("/api/aanbod/", {name: "a\x00b"})
    assert api.status_code == 400
    assert list(api.json()["fields"]) == [name]
    message = api.json()["fields"][name][0]["message"]
    if name == "q":
        assert message == "Null-tekens zijn niet toegestaan."
    page = client.get("/aanbod/", {name: "a\x00b"})
    assert page.status_code == 400
    assert html.escape(message) in page.content.decode()
