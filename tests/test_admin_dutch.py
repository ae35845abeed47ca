"""The admin speaks Dutch to partners and to the municipality.

Every admin page either can reach shows none of the English phrases of Django's admin,
django-simple-history and django-axes; the JavaScript catalogue has Dutch for the two-box
multi-select; the Dutch slips a tester found stay fixed; and the project's own catalogue
(locale/nl) adds only what the packages leave untranslated, compiled in the committed .mo files.
"""

import datetime
import gettext
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import django
import polib
import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse
from django.utils import formats, timezone, translation

from providers.models import LegalFramework, Membership, Offer
from providers.monitor.snapshots import snapshot_create
from tests.factories import MembershipFactory, UserFactory
from tests.monitor_factories import NeedFactory
from tests.partner_admin_support import build_world, offer_post_data
from tests.paths_factories import PoolEntryFactory, ReferralLinkFactory

world = pytest.fixture(build_world, name="world")

LOCALE = Path(settings.BASE_DIR) / "locale" / "nl" / "LC_MESSAGES"

# English phrases of the admin's pages, collected from the templates, Python and JavaScript of
# Django's admin and auth, django-simple-history and django-axes, matched as whole words and
# case-sensitively. Words that are Dutch as well ("Filter", "Object", "Status", "Code") are
# not listed; the English sentences around them are.
DJANGO_ADMIN = [
    "Forgotten your",
    "Log in",
    "Log out",
    "View site",
    "View on site",
    "Change password",
    "Password change",
    "Password reset",
    "Welcome",
    "Home",
    "Add",
    "Change",
    "Delete",
    "View",
    "History",
    "Save",
    "Save and continue editing",
    "Save and add another",
    "Save as new",
    "Close",
    "Search",
    "Show all",
    "Show counts",
    "Hide counts",
    "Clear all filters",
    "results",
    "total",
    "selected",
    "Select",
    "Select all",
    "Clear selection",
    "Run the selected action",
    "Action",
    "Go",
    "Recent actions",
    "My actions",
    "None available",
    "Unknown content",
    "Toggle navigation",
    "Toggle theme",
    "Skip to main content",
    "Start typing to filter",
    "Models in the",
    "Model name",
    "Add link",
    "Change or view list link",
    "Are you sure",
    "Yes, I’m sure",
    "No, take me back",
    "Objects",
    "Summary",
    "Delete multiple objects",
    "Date/time",
    "User",
    "Users",
    "Groups",
    "Permissions",
    "Username",
    "Password",
    "Email address",
    "First name",
    "Last name",
    "Personal info",
    "Important dates",
    "Staff status",
    "Superuser status",
    "Active",
    "Last login",
    "Date joined",
    "Authentication and Authorization",
    "Please correct",
    "Error",
    "This field is required",
    "Hold down",
    "Currently",
    "Yes",
    "No",
    "All",
    "By",
    "Any date",
    "Today",
    "Past 7 days",
    "This month",
    "This year",
    "No date",
    "Has date",
    "Now",
    "Choose",
    "Remove",
    "Available",
    "Chosen",
    "click to clear",
    "Choose all",
    "Remove all",
    "Thanks for spending",
    "Log in again",
    "In case you",
    "Can add",
    "Can change",
    "Can delete",
    "Can view",
    "None",
    "True",
    "False",
]
SIMPLE_HISTORY = [
    "Choose a date",
    "This object doesn't have a change history",
    "View history",
    "Change history",
    "Comment",
    "Changed by",
    "Change reason",
    "Changes",
    "Created",
    "Changed",
    "Deleted",
    "Revert",
    "Change History",
    "Press the",
    "Historical",
    "historical",
    "entry",
    "entries",
    "Providers",
    "was changed successfully",
]
AXES = [
    "Access attempt",
    "access attempt",
    "Access Attempt",
    "Access attempts",
    "Access failure",
    "access failure",
    "Access log",
    "access log",
    "Access lock out",
    "Attempt Time",
    "Attempted Access",
    "Attempt Remaining",
    "Locked Out",
    "Logout Time",
    "Failed Logins",
    "Failed access",
    "User Agent",
    "IP Address",
    "HTTP Accept",
    "Path",
    "Form Data",
    "Meta Data",
    "GET Data",
    "POST Data",
    "Expires At",
    "Clean up",
    "Not set",
    "Account locked",
]
MONTH_ABBREVIATIONS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct"]
MONTH_ABBREVIATIONS += ["Nov", "Dec"]
MONTHS_AND_DAYS = ["January", "February", "March", "April", "June", "July", "August"]
MONTHS_AND_DAYS += ["September", "October", "November", "December", "Monday", "Tuesday"]
MONTHS_AND_DAYS += ["Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
ENGLISH = re.compile(
    "|".join(
        rf"(?<!\w){re.escape(phrase)}(?!\w)" for phrase in DJANGO_ADMIN + SIMPLE_HISTORY + AXES
    )
    + "|"
    # "Dec 1, 2026", "1 Dec 2026", "December": English month and day names next to a number, or
    # written out (the Dutch ones are lower case).
    + "|".join(rf"(?<!\w){name}\.?(?= \d)|(?<=\d ){name}(?!\w)" for name in MONTH_ABBREVIATIONS)
    + "|"
    + "|".join(rf"(?<!\w){name}(?!\w)" for name in MONTHS_AND_DAYS)
)

# Attributes a person hears or sees.
TEXT_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}


class VisibleText(HTMLParser):
    """The text of a page and of the attributes a person sees or hears; no script or style."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in {"script", "style", "template"}:
            self.hidden += 1
        for name, value in attrs:
            if value and name in TEXT_ATTRIBUTES:
                self.parts.append(value)
        if tag in {"input", "button"} and attributes.get("type") in {"submit", "button", "reset"}:
            self.parts.append(attributes.get("value") or "")

    def handle_endtag(self, tag):
        if tag in {"script", "style", "template"}:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.parts.append(data.strip())


def visible_text(content: str) -> list[str]:
    parser = VisibleText()
    parser.feed(content)
    return parser.parts


def english_on(response) -> list[str]:
    found = []
    for text in visible_text(response.content.decode()):
        found += [f"{match.group(0)!r} in {text[:120]!r}" for match in ENGLISH.finditer(text)]
    return found


def add_login_records():
    record = {
        "user_agent": "Mozilla/5.0",
        "ip_address": "127.0.0.1",
        "username": "iemand",
        "http_accept": "text/html",
        "path_info": "/beheer/login/",
    }
    AccessAttempt.objects.create(**record, get_data="", post_data="", failures_since_start=2)
    AccessFailureLog.objects.create(**record)
    AccessLog.objects.create(**record)


def latest_version(obj) -> int:
    return type(obj).history.filter(id=obj.pk).latest("history_date").history_id


def admin_pages(user) -> list[str]:
    """Every admin page `user` can open: the index, each app, and per model the list (also
    with a search), the add form, an object's change form, history, one version of it and the
    delete page, as far as the user's permissions reach."""
    request = RequestFactory().get("/beheer/")
    request.user = user
    pages = [reverse("admin:index"), reverse("admin:password_change")]
    pages.append(reverse("admin:password_change_done"))
    app_labels = set()
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_view_or_change_permission(request):
            continue
        info = model._meta.app_label, model._meta.model_name
        app_labels.add(model._meta.app_label)
        changelist = reverse("admin:{}_{}_changelist".format(*info))
        pages += [changelist, changelist + "?q=niets-te-vinden"]
        if model_admin.has_add_permission(request):
            pages.append(reverse("admin:{}_{}_add".format(*info)))
        obj = model_admin.get_queryset(request).order_by("pk").first()
        assert obj is not None, f"no {model._meta.label} to visit"
        pages.append(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
        pages.append(reverse("admin:{}_{}_history".format(*info), args=[obj.pk]))
        if hasattr(model, "history"):
            version = latest_version(obj)
            pages.append(
                reverse("admin:{}_{}_simple_history".format(*info), args=[obj.pk, version])
            )
        if model_admin.has_delete_permission(request, obj):
            pages.append(reverse("admin:{}_{}_delete".format(*info), args=[obj.pk]))
        for name in ("import", "export"):
            allowed = getattr(model_admin, f"has_{name}_permission", None)
            if allowed is not None and allowed(request):
                pages.append(reverse(f"admin:{info[0]}_{info[1]}_{name}"))
    pages += [reverse("admin:app_list", args=[label]) for label in sorted(app_labels)]
    return pages


@pytest.fixture
def full_world(world):
    add_login_records()
    MembershipFactory(organisation=world.org_b)
    # A version with changes, so that the history pages list them.
    world.offer_a.status = Offer.Status.DRAFT
    world.offer_a.last_verified = datetime.date(2024, 12, 1)
    world.offer_a.save()
    # The monitor's records, so that their pages are visited too.
    snapshot_create(label="Kwartaal 1")
    NeedFactory(cell=("nazorg", "ouderenmishandeling"))
    # A link proposed to B, a pool entry of A: their pages too.
    ReferralLinkFactory(
        from_offer=world.offer_a, to_offer=world.offer_b, status="voorgesteld", confirmed_at=None
    )
    PoolEntryFactory(organisation=world.org_a, lists={"phases": ["nazorg"]})
    return world


def assert_dutch(client, urls):
    english = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        if found := english_on(response):
            english[url] = found
    assert not english, json.dumps(english, indent=1, ensure_ascii=False)


# Every page.


@pytest.mark.parametrize("who", ["partner", "municipal"])
def test_every_admin_page_a_user_can_reach_is_dutch(client, full_world, who):
    user = getattr(full_world, who)
    client.force_login(user)
    pages = admin_pages(user)
    if who == "partner":
        # The partner's own offer and organisation, their history and one version.
        assert reverse("admin:providers_offer_change", args=[full_world.offer_a.pk]) in pages
        assert any("/organisation/" in page and "/history/" in page for page in pages)
        assert not any("/auth/" in page or "/axes/" in page for page in pages)
    else:
        assert any("/axes/accessattempt/" in page for page in pages)
        assert any("/auth/group/" in page for page in pages)
        pages.append(reverse("admin:providers_organisation_invite", args=[full_world.org_a.pk]))
    assert_dutch(client, pages)


@pytest.mark.parametrize("who", ["partner", "municipal"])
def test_the_pages_after_a_post_are_dutch(client, full_world, who):
    client.force_login(getattr(full_world, who))
    # A form with errors.
    offer = full_world.offer_a
    response = client.post(
        reverse("admin:providers_offer_change", args=[offer.pk]),
        offer_post_data(offer, name="", minimum_age="oud"),
    )
    assert response.status_code == 200 and response.context["errors"]
    assert english_on(response) == []
    # Deleting a selection asks for confirmation.
    response = client.post(
        reverse("admin:providers_offer_changelist"),
        {"action": "delete_selected", "_selected_action": [full_world.offer_a.pk]},
    )
    assert response.status_code == 200
    assert english_on(response) == []
    assert "Weet u zeker dat u het geselecteerde aanbod wilt verwijderen?" in (
        response.content.decode()
    )
    response = client.post(reverse("admin:logout"))
    assert response.status_code == 200
    assert english_on(response) == []


def test_the_pages_before_logging_in_are_dutch(client, world, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user = UserFactory(username="pien", email="pien@example.org", is_staff=True)
    assert_dutch(
        client,
        [
            reverse("admin:login"),
            reverse("admin_password_reset"),
            reverse("password_reset_done"),
            reverse("password_reset_confirm", args=["ongeldig", "ongeldig"]),
            reverse("password_reset_complete"),
        ],
    )
    # A failed login, and the form to set a new password from a valid link.
    response = client.post(reverse("admin:login"), {"username": "pien", "password": "fout"})
    assert response.status_code == 200 and english_on(response) == []
    client.post(reverse("admin_password_reset"), {"email": user.email})
    link = re.search(r"http://testserver(/account/wachtwoord/\S+/)", mail.outbox[-1].body)[1]
    response = client.get(link, follow=True)
    assert response.status_code == 200 and english_on(response) == []
    assert 'name="new_password1"' in response.content.decode()
    # Locked out after five failures: the django-axes page.
    for _ in range(5):
        response = client.post(reverse("admin:login"), {"username": "pien", "password": "fout"})
    assert response.status_code == 429
    assert english_on(response) == []


# The JavaScript catalogue.

SELECT_FILTER = {
    "Available %s": "Beschikbare %s",
    "Chosen %s": "Gekozen %s",
    'Choose %s by selecting them and then select the "Choose" arrow button.': (
        "Kies %s door ze te selecteren en daarna op de pijlknop ‘Kiezen’ te klikken."
    ),
    'Remove %s by selecting them and then select the "Remove" arrow button.': (
        "Verwijder %s door ze te selecteren en daarna op de pijlknop ‘Verwijderen’ te klikken."
    ),
    "Choose all %s": "Alle %s kiezen",
    "Choose selected %s": "Geselecteerde %s kiezen",
    "Remove selected %s": "Geselecteerde %s verwijderen",
    "Remove all %s": "Alle %s verwijderen",
    "(click to clear)": "(klik om te wissen)",
    "Filter": "Filter",
    "Type into this box to filter down the list of available %s.": (
        "Typ in dit vak om de lijst met beschikbare %s te filteren."
    ),
}


@pytest.mark.parametrize("who", ["partner", "municipal"])
def test_the_javascript_catalogue_has_dutch_for_the_multi_select(client, world, who):
    client.force_login(getattr(world, who))
    form = client.get(reverse("admin:providers_offer_change", args=[world.offer_a.pk]))
    catalogue_url = reverse("admin:jsi18n")
    # An external script, which the policy (script-src 'self') allows; the page has no inline one.
    assert f'<script src="{catalogue_url}"></script>' in form.content.decode()
    assert "script-src 'self'" in form["Content-Security-Policy"]

    response = client.get(catalogue_url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    source = response.content.decode()
    catalogue = json.loads(re.search(r"const newcatalog = (\{.*?\n  \});", source, re.S).group(1))
    assert {key: catalogue.get(key) for key in SELECT_FILTER} == SELECT_FILTER
    # Dates in the calendar widget are Dutch too.
    formats = json.loads(re.search(r"django.formats = (\{.*?\n  \});", source, re.S).group(1))
    assert formats["DATE_INPUT_FORMATS"][0] == "%d-%m-%Y"
    assert catalogue["December"] == "december"


# The slips the tester found.


def post_for_messages(client, url, data) -> list[str]:
    """Post `data`, follow the redirect and return the messages the page shows."""
    response = client.post(url, data, follow=True)
    assert response.redirect_chain, response.content.decode()[:2000]
    return [str(message) for message in response.context["messages"]]


def test_messages_about_an_offer_say_het_aanbod(client, world):
    client.force_login(world.partner)
    offer = world.offer_a
    change = reverse("admin:providers_offer_change", args=[offer.pk])
    offer_link = f'<a href="{change}">Alfa Training (Alfa Hulp)</a>'
    assert post_for_messages(client, change, offer_post_data(offer)) == [
        f"Het aanbod ‘{offer_link}’ is met succes gewijzigd."
    ]

    added = post_for_messages(
        client,
        reverse("admin:providers_offer_add"),
        {"organisation": world.org_a.pk, "name": "Alfa Nazorg", "status": "concept"},
    )
    new = Offer.objects.get(name="Alfa Nazorg")
    new_link = f'<a href="{reverse("admin:providers_offer_change", args=[new.pk])}">'
    assert added == [
        f"Het aanbod ‘{new_link}Alfa Nazorg (Alfa Hulp)</a>’ is met succes toegevoegd."
    ]

    delete = reverse("admin:providers_offer_delete", args=[new.pk])
    assert post_for_messages(client, delete, {"post": "yes"}) == [
        "Het aanbod ‘Alfa Nazorg (Alfa Hulp)’ is met succes verwijderd."
    ]


def test_reverting_an_offer_says_het_aanbod(client, world):
    client.force_login(world.municipal)
    offer = world.offer_b
    url = reverse("admin:providers_offer_simple_history", args=[offer.pk, world.offer_b_version])
    (message,) = post_for_messages(client, url, offer_post_data(offer))
    assert message.startswith("Het aanbod ‘") and message.endswith("’ is met succes gewijzigd.")


def test_other_neuter_names_take_het_too(client, world):
    client.force_login(world.municipal)
    legal = LegalFramework.objects.order_by("pk").first()
    (message,) = post_for_messages(
        client,
        reverse("admin:providers_legalframework_change", args=[legal.pk]),
        {"name": legal.name, "slug": legal.slug, "order": legal.order},
    )
    assert message.startswith("Het juridisch kader ‘")

    membership = Membership.objects.order_by("pk").first()
    delete = reverse("admin:providers_membership_delete", args=[membership.pk])
    (message,) = post_for_messages(client, delete, {"post": "yes"})
    assert message.startswith("Het lidmaatschap ‘")

    # A name that takes "de" keeps it.
    delete = reverse("admin:providers_organisation_delete", args=[world.org_b.pk])
    assert post_for_messages(client, delete, {"post": "yes"}) == [
        "De organisatie ‘Bravo Zorg’ is met succes verwijderd."
    ]


def test_the_action_deletes_selected_aanbod_without_a_dutch_slip(client, world):
    client.force_login(world.partner)
    content = client.get(reverse("admin:providers_offer_changelist")).content.decode()
    assert '<option value="delete_selected">Geselecteerd aanbod verwijderen</option>' in content
    assert "Geselecteerde aanbod" not in content
    # Other lists keep the plural.
    client.force_login(world.municipal)
    content = client.get(reverse("admin:providers_organisation_changelist")).content.decode()
    assert "Geselecteerde organisaties verwijderen" in content


def test_the_invitation_message_shows_the_address_as_typed(client, world):
    client.force_login(world.municipal)
    response = client.post(
        reverse("admin:providers_organisation_invite", args=[world.org_a.pk]),
        {"email": "anna@viersprong.example", "first_name": "Anna"},
        follow=True,
    )
    content = response.content.decode()
    assert (
        "Uitnodiging verstuurd: anna@viersprong.example heeft een e-mail gekregen om een "
        "wachtwoord in te stellen."
    ) in content
    assert "Anna@viersprong.example" not in content


def test_the_login_and_forgotten_password_pages_read_correctly(client, db):
    login = client.get(reverse("admin:login")).content.decode()
    assert f'<a href="{reverse("admin_password_reset")}">Wachtwoord vergeten?</a>' in login
    reset = client.get(reverse("admin_password_reset")).content.decode()
    assert "<h1>Wachtwoord vergeten</h1>" in reset
    assert "Wachtwoord hersteld" not in reset
    for name, heading in [
        ("password_reset_done", "Kijk in uw e-mail"),
        ("password_reset_complete", "Uw wachtwoord is ingesteld"),
    ]:
        content = client.get(reverse(name)).content.decode()
        assert content.count("<h1>") == 1 and f"<h1>{heading}</h1>" in content
        assert "Wachtwoordherinitialisatie" not in content


def test_dates_in_the_admin_are_written_out_in_dutch(client, world):
    Offer.objects.filter(pk=world.offer_a.pk).update(last_verified=datetime.date(2024, 12, 1))
    for user in (world.partner, world.municipal):
        client.force_login(user)
        content = client.get(reverse("admin:index")).content.decode()
        assert "1 december 2024" in content and "1 Dec 2024" not in content
    # The recent changes on the municipality's start page carry a time as well.
    changed = Offer.history.filter(id=world.offer_b.pk).latest("history_date").history_date
    assert formats.date_format(timezone.localtime(changed), "j F Y H:i") in content
    # The offer list states the last check as a date.
    content = client.get(reverse("admin:providers_offer_changelist")).content.decode()
    assert "01-12-2024 (controle nodig)" in content


def test_the_history_lists_changes_in_dutch(client, world):
    client.force_login(world.partner)
    offer = world.offer_a
    response = client.post(
        reverse("admin:providers_offer_change", args=[offer.pk]),
        offer_post_data(offer, status=Offer.Status.DRAFT, self_referral="True"),
    )
    assert response.status_code == 302
    content = client.get(reverse("admin:providers_offer_history", args=[offer.pk]))
    text = re.sub(r"\s+", " ", " ".join(visible_text(content.content.decode())))
    assert "Status: Gepubliceerd → Concept" in text
    assert "Gewijzigd door" in text and "Aangemaakt" in text
    assert english_on(content) == []


def test_permissions_are_named_in_dutch(client, world):
    # A superuser: only a superuser changes a group's permissions (and sees them all listed).
    client.force_login(UserFactory(username="beheerder", is_staff=True, is_superuser=True))
    group = world.partner.groups.get()
    content = client.get(reverse("admin:auth_group_change", args=[group.pk])).content.decode()
    assert "Aanbieders en aanbod | aanbod | Kan aanbod wijzigen" in content
    assert "Aanbieders en aanbod | geschiedenis van aanbod | Kan geschiedenis van aanbod" in content
    assert "Can change" not in content and "historical" not in content
    # A permission of a model that no longer exists keeps its stored name.
    stale = Permission(
        name="Can view oud",
        codename="view_oud",
        content_type=ContentType.objects.create(app_label="weg", model="oud"),
    )
    assert str(stale) == "oud | Can view oud"


# The project's catalogue.


def package_catalogue(domain: str) -> set:
    """Every message that a package's own Dutch catalogue translates."""
    directories = [Path(app.path) / "locale" for app in apps.get_app_configs()]
    directories.append(Path(django.__file__).parent / "conf" / "locale")
    translated = set()
    for directory in directories:
        mo = directory / "nl" / "LC_MESSAGES" / f"{domain}.mo"
        if mo.exists():
            with mo.open("rb") as file:
                catalogue = gettext.GNUTranslations(file)._catalog
            translated |= {
                key[0] if isinstance(key, tuple) else key
                for key, value in catalogue.items()
                if key and value
            }
    return translated


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_the_catalogue_adds_only_what_the_packages_lack_and_is_compiled(domain):
    po = polib.pofile(str(LOCALE / f"{domain}.po"))
    ours = {entry.msgid for entry in po}
    assert ours and po.percent_translated() == 100
    assert ours & package_catalogue(domain) == set()
    # The committed .mo file says exactly what the .po file says (`make messages`).
    with (LOCALE / f"{domain}.mo").open("rb") as file:
        compiled = gettext.GNUTranslations(file)._catalog
    expected = {}
    for entry in po:
        if entry.msgid_plural:
            for index, text in entry.msgstr_plural.items():
                expected[(entry.msgid, int(index))] = text
        else:
            expected[entry.msgid] = entry.msgstr
    assert {key: value for key, value in compiled.items() if key != ""} == expected


def test_simple_history_and_axes_speak_dutch_in_python_too(db):
    assert translation.gettext("Changed by") == "Gewijzigd door"
    assert str(AccessAttempt._meta.verbose_name_plural) == "inlogpogingen"
    attempt = AccessAttempt(username="pien", ip_address="127.0.0.1")
    attempt.attempt_time = timezone.make_aware(datetime.datetime(2026, 12, 1, 14, 5))
    assert str(attempt) == "Inlogpoging van pien vanaf 127.0.0.1 (1 december 2026 14:05)"
