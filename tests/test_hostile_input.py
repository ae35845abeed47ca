"""Hostile text that partners can type (names, descriptions, contact fields) and that visitors
can send (search queries, filter values) renders as text on every public page and round-trips
exactly through the JSON API."""

import json
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.core.exceptions import ValidationError

from providers.models import Offer, Organisation
from tests.factories import MethodFactory, OfferFactory, OrganisationFactory
from tests.matrix_json import expand

SCRIPT = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://x")'
IMAGE = "<img src=x onerror=alert(1)>"
ATTRIBUTE = '" onmouseover="alert(1)'
SVG = "'><svg onload=alert(1)>"
BOLD = "<b>Vet</b>"
HOSTILE = [SCRIPT, FORMULA, IMAGE, ATTRIBUTE, SVG, BOLD]

# Django's escaping, written out so that a change in it shows here.
ESCAPED = {
    SCRIPT: "&lt;script&gt;alert(1)&lt;/script&gt;",
    FORMULA: "=HYPERLINK(&quot;http://x&quot;)",
    IMAGE: "&lt;img src=x onerror=alert(1)&gt;",
    ATTRIBUTE: "&quot; onmouseover=&quot;alert(1)",
    SVG: "&#x27;&gt;&lt;svg onload=alert(1)&gt;",
    BOLD: "&lt;b&gt;Vet&lt;/b&gt;",
}

# Values that pass model validation, i.e. that a partner can save through any form.
HOSTILE_EMAIL = f'"{SCRIPT}"@example.org'
HOSTILE_WEBSITE = f'https://example.org/">{SCRIPT}'
SCRIPT_URLS = [
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "javascript://example.org/%0aalert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
]


class InjectionFinder(HTMLParser):
    """Collects what hostile text would have added to a page had it not been escaped:
    script elements, event-handler attributes, links and sources with a script URL."""

    def __init__(self):
        super().__init__()
        self.found = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        # The page frame has its own images, icons and script files; injected markup shows as
        # an inline script, a script from elsewhere, or an event handler (below).
        source = dict(attrs).get("src") or ""
        if tag == "script" and not source.startswith("/static/"):
            self.found.append(f"<{tag}> element")
        self._in_script = tag == "script"
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{name} attribute on <{tag}>")
            if name in ("href", "src", "action", "formaction") and value is not None:
                scheme = _scheme(value)
                if scheme not in ("", "http", "https", "mailto", "tel"):
                    self.found.append(f"{name}={value!r} on <{tag}>")

    def handle_endtag(self, tag):
        self._in_script = False


def _scheme(url: str) -> str:
    try:
        return urlsplit(url).scheme.lower()
    except ValueError:
        return "invalid"


def assert_rendered_as_text(response, *shown):
    """No hostile text raw on the page, nothing injected, and each of `shown` escaped."""
    assert response["Content-Type"].startswith("text/html")
    content = response.content.decode()
    for raw in HOSTILE:
        assert raw not in content
    finder = InjectionFinder()
    finder.feed(content)
    assert finder.found == []
    for raw in shown:
        assert ESCAPED[raw] in content, raw
    return content


def json_of(response) -> dict:
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


@pytest.fixture
def hostile(db):
    """Two organisations and their offers with hostile text in every text field, each value
    one that the model's validation accepts; a third organisation that has no offer yet."""
    script_org = OrganisationFactory(
        name=SCRIPT,
        slug="script",
        description=f"{IMAGE}\n{ATTRIBUTE}",
        website=HOSTILE_WEBSITE,
        phone=ATTRIBUTE,
        email=HOSTILE_EMAIL,
    )
    formula_org = OrganisationFactory(name=FORMULA, slug="formule", description=FORMULA)
    OrganisationFactory(name=SVG, slug="svg")
    method = MethodFactory(name=BOLD, slug="vet")
    script_offer = OfferFactory(
        organisation=script_org,
        slug="script-aanbod",
        name=IMAGE,
        description=f"{SCRIPT}\n{ATTRIBUTE}",
        eligibility_description=SCRIPT,
        duration_description=ATTRIBUTE,
        application_process=IMAGE,
        contact_name=FORMULA,
        phone=ATTRIBUTE,
        email=HOSTILE_EMAIL,
        website=HOSTILE_WEBSITE,
        address=SCRIPT,
        city=SVG,
        cells=[("preventie", "kindermishandeling"), ("nazorg", "hands-on-geweld-tegen-kinderen")],
        lists={"methods": [method.slug]},
    )
    formula_offer = OfferFactory(
        organisation=formula_org,
        slug="formule-aanbod",
        name=FORMULA,
        description=BOLD,
        cells=[("preventie", "kindermishandeling")],
    )
    for item in (script_org, formula_org, script_offer, formula_offer, method):
        item.full_clean()
    return script_offer, formula_offer


PAGES = [
    ("/", []),
    ("/kaart/hgkm/", [SCRIPT, FORMULA, SVG, BOLD]),
    ("/kaart/seksueel-geweld/", [SCRIPT, FORMULA, SVG, BOLD]),
    ("/aanbod/", [SCRIPT, FORMULA, IMAGE, ATTRIBUTE, BOLD]),
    ("/aanbod/?method=vet", [SCRIPT, IMAGE, ATTRIBUTE, FORMULA, BOLD]),
    ("/aanbod/script-aanbod/", [SCRIPT, IMAGE, ATTRIBUTE, FORMULA, SVG, BOLD]),
    ("/aanbod/formule-aanbod/", [FORMULA, BOLD]),
    ("/organisaties/", [SCRIPT, FORMULA, SVG]),
    ("/organisaties/script/", [SCRIPT, IMAGE, ATTRIBUTE]),
    ("/organisaties/formule/", [FORMULA]),
    ("/organisaties/svg/", [SVG]),
]


@pytest.mark.parametrize(("url", "shown"), PAGES)
def test_hostile_names_and_texts_render_as_text_on_every_public_page(client, hostile, url, shown):
    response = client.get(url)
    assert response.status_code == 200
    assert_rendered_as_text(response, *shown)


def test_every_hostile_field_of_an_offer_is_on_its_page_escaped(client, hostile):
    content = assert_rendered_as_text(client.get("/aanbod/script-aanbod/"))
    assert f"<h1>{ESCAPED[IMAGE]}</h1>" in content
    assert f"{ESCAPED[SCRIPT]}<br>{ESCAPED[ATTRIBUTE]}" in content  # description, line kept
    assert f'href="mailto:&quot;{ESCAPED[SCRIPT]}&quot;@example.org"' in content
    assert 'href="https://example.org/&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in content
    # A tel: link drops the spaces of the number (a URI holds none); the rest stays escaped.
    assert f'href="tel:{ESCAPED[ATTRIBUTE].replace(" ", "")}"' in content
    assert f"<title>{ESCAPED[IMAGE]} – {ESCAPED[SCRIPT]}" in content


def test_the_api_returns_hostile_text_exactly_as_entered(client, hostile):
    script_offer, _ = hostile
    payload = json_of(client.get("/api/aanbod/script-aanbod/"))
    for field in (
        "name",
        "description",
        "eligibility_description",
        "duration_description",
        "application_process",
        "contact_name",
        "phone",
        "email",
        "website",
    ):
        assert payload[field] == getattr(script_offer, field), field
    assert payload["organisation"]["name"] == SCRIPT
    assert payload["methods"] == [{"slug": "vet", "name": BOLD}]
    assert payload["address"] == {"address_1": SCRIPT, "postal_code": "", "city": SVG}

    listed = json_of(client.get("/api/aanbod/"))["contents"]
    assert {(o["name"], o["organisation"]["name"]) for o in listed} == {
        (IMAGE, SCRIPT),
        (FORMULA, FORMULA),
    }


def test_the_matrix_api_returns_hostile_organisation_names_exactly(client, hostile):
    payload = expand(json_of(client.get("/api/kaart/hgkm/")))
    cell = next(
        cell
        for cell in payload["cells"]
        if (cell["phase"], cell["violence_type"]) == ("preventie", "kindermishandeling")
    )
    assert {o["name"] for o in cell["organisations"]} == {SCRIPT, FORMULA}
    assert payload["unpositioned_organisations"] == [{"slug": "svg", "name": SVG}]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_hostile_search_text_is_reflected_escaped(client, hostile, text):
    response = client.get("/aanbod/", {"q": text})
    assert response.status_code == 200
    content = assert_rendered_as_text(response, text)
    assert f'value="{ESCAPED[text]}"' in content  # the search field keeps the query
    assert f"<strong>“{ESCAPED[text]}”</strong>" in content  # "Gezocht op"

    api = client.get("/api/aanbod/", {"q": text})
    assert api.status_code == 200
    total = json_of(api)["total_items"]
    assert f'<h2 id="results-title">{total} resulta' in content  # the page counts alike


def test_a_hostile_search_text_finds_exactly_the_offers_that_hold_it(client, hostile):
    names = {o["name"] for o in json_of(client.get("/api/aanbod/", {"q": SCRIPT}))["contents"]}
    assert names == {IMAGE}
    names = {o["name"] for o in json_of(client.get("/api/aanbod/", {"q": FORMULA}))["contents"]}
    assert names == {FORMULA}


@pytest.mark.parametrize("text", HOSTILE)
def test_a_hostile_text_filter_on_the_matrix_is_reflected_escaped(client, hostile, text):
    response = client.get("/kaart/hgkm/", {"q": text})
    assert response.status_code == 200
    content = assert_rendered_as_text(response, text)
    assert f'value="{ESCAPED[text]}"' in content


@pytest.mark.parametrize("url", ["/aanbod/", "/kaart/hgkm/"])
@pytest.mark.parametrize("text", HOSTILE)
def test_a_hostile_filter_value_is_refused_with_its_error_escaped(client, hostile, url, text):
    response = client.get(url, {"role": text})
    assert response.status_code == 400
    content = assert_rendered_as_text(response, text)
    assert f"Selecteer een geldige keuze. {ESCAPED[text]} is geen beschikbare keuze." in content


@pytest.mark.parametrize("url", ["/api/aanbod/", "/api/kaart/hgkm/"])
def test_the_api_refuses_a_hostile_filter_value_in_valid_json(client, hostile, url):
    response = client.get(url, {"role": SCRIPT, "method": FORMULA})
    assert response.status_code == 400
    fields = json_of(response)["fields"]
    assert fields["role"][0]["message"] == (
        f"Selecteer een geldige keuze. {SCRIPT} is geen beschikbare keuze."
    )
    assert fields["method"][0]["message"] == (
        f"Selecteer een geldige keuze. {FORMULA} is geen beschikbare keuze."
    )


@pytest.mark.parametrize("url", SCRIPT_URLS)
@pytest.mark.parametrize("model", [Offer, Organisation])
def test_a_script_url_is_refused_as_website(db, model, url):
    if model is Offer:
        instance = OfferFactory.build(organisation=OrganisationFactory(), website=url)
    else:
        instance = OrganisationFactory.build(website=url)
    with pytest.raises(ValidationError) as refused:
        instance.full_clean()
    assert set(refused.value.message_dict) == {"website"}
    assert refused.value.message_dict["website"] == ["Voer een geldige URL in."]


@pytest.mark.parametrize("url", SCRIPT_URLS)
def test_a_script_url_that_bypassed_validation_is_never_a_link(client, db, url):
    """Data written without model validation (a bulk import, a database console) still does
    not turn into a clickable script link; the address shows as text."""
    organisation = OrganisationFactory(slug="omweg")
    offer = OfferFactory(organisation=organisation, slug="omweg-aanbod")
    Organisation.objects.filter(pk=organisation.pk).update(website=url)
    Offer.objects.filter(pk=offer.pk).update(website=url)
    empty_contact = OfferFactory(
        organisation=OrganisationFactory(slug="leeg", website=""), slug="leeg-aanbod"
    )
    Organisation.objects.filter(pk=empty_contact.organisation.pk).update(website=url)

    for page in ("/aanbod/omweg-aanbod/", "/organisaties/omweg/", "/aanbod/"):
        response = client.get(page)
        assert response.status_code == 200
        finder = InjectionFinder()
        finder.feed(response.content.decode())
        assert finder.found == [], page
        shown = url.replace("<", "&lt;").replace(">", "&gt;")
        assert shown in response.content.decode(), page


@pytest.mark.parametrize(
    ("url", "link"),
    [
        (
            "https://example.org/",
            '<a class="ams-link" href="https://example.org/">https://example.org/</a>',
        ),
        (
            "http://example.org/hulp?a=1&b=2",
            '<a class="ams-link" href="http://example.org/hulp?a=1&amp;b=2">'
            "http://example.org/hulp?a=1&amp;b=2</a>",
        ),
    ],
)
def test_a_web_address_stays_a_link(client, db, url, link):
    organisation = OrganisationFactory(slug="web", website=url)
    OfferFactory(organisation=organisation, slug="web-aanbod", website=url)
    OfferFactory(organisation=organisation, slug="via-organisatie")  # contact via organisation
    assert link in client.get("/aanbod/web-aanbod/").content.decode()
    assert link in client.get("/organisaties/web/").content.decode()
    assert client.get("/aanbod/").content.decode().count(link) == 2
