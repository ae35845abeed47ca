"""Fixtures and helpers shared by the partner-admin and account tests."""

from types import SimpleNamespace

from django.apps import apps
from django.contrib.auth.models import Group

from providers.models import Offer, Organisation
from tests.factories import MembershipFactory, OfferFactory, OrganisationFactory, UserFactory

SNAPSHOT_APPS = {"providers", "frameworks", "auth", "admin", "contenttypes"}


def make_partner(organisation, username="partner", password=None):
    """A staff account in the Partner role, member of `organisation`.

    Without `password` the account has none (tests log in with force_login), which saves
    the deliberately slow password hashing."""
    user = UserFactory(
        username=username,
        password=password,
        is_staff=True,
        first_name="Pien",
        last_name="Partner",
    )
    user.groups.add(Group.objects.get(name="Partner"))
    MembershipFactory(user=user, organisation=organisation)
    return user


def make_municipal_user(username="gemeente", password=None):
    """A staff account in the municipal role; not a superuser."""
    user = UserFactory(
        username=username,
        password=password,
        is_staff=True,
        first_name="Gea",
        last_name="Gemeente",
    )
    user.groups.add(Group.objects.get(name="Gemeente"))
    return user


def build_world(db):
    """Two organisations, each with offers and history; a partner of A and a municipal user."""
    org_a = OrganisationFactory(name="Alfa Hulp", slug="alfa-hulp")
    org_b = OrganisationFactory(name="Bravo Zorg", slug="bravo-zorg", description="Bravo intern")
    offer_a = OfferFactory(
        organisation=org_a,
        name="Alfa Training",
        slug="alfa-training",
        cells=[("preventie", "kindermishandeling"), ("signalering", "ex-partnergeweld")],
    )
    offer_b = OfferFactory(
        organisation=org_b,
        name="Bravo Traject",
        slug="bravo-traject",
        cells=[("nazorg", "ouderenmishandeling")],
    )
    draft_b = OfferFactory(
        organisation=org_b,
        name="Bravo Concept",
        slug="bravo-concept-geheim",
        status=Offer.Status.DRAFT,
        cells=[("preventie", "groepsgeweld")],
    )
    partner = make_partner(org_a, "partner-alfa")
    municipal = make_municipal_user("coordinator")
    return SimpleNamespace(
        org_a=org_a,
        org_b=org_b,
        offer_a=offer_a,
        offer_b=offer_b,
        draft_b=draft_b,
        partner=partner,
        municipal=municipal,
        offer_b_version=Offer.history.filter(id=offer_b.pk).latest("history_date").history_id,
        offer_a_version=Offer.history.filter(id=offer_a.pk).latest("history_date").history_id,
        org_b_version=Organisation.history.filter(id=org_b.pk).latest("history_date").history_id,
        # What must never show on a page that partner A sees.
        secrets=["Bravo Zorg", "Bravo Traject", "Bravo Concept", "bravo-concept-geheim"],
    )


def snapshot() -> dict:
    """Every row of every table of our apps, auth and the admin log (the data is small)."""
    state = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label in SNAPSHOT_APPS:
            state[model._meta.label] = list(model._default_manager.order_by("pk").values())
    return state


def position_keys(offer) -> list[str]:
    return [
        f"{phase}__{violence_type}"
        for phase, violence_type in offer.positions.values_list(
            "phase__slug", "violence_type__slug"
        )
    ]


def saved_version(instance) -> int:
    """The version saved now: what a change form loaded at this moment carries."""
    return type(instance).objects.values_list("version", flat=True).get(pk=instance.pk)


def offer_post_data(offer, **overrides) -> dict:
    """What the admin's offer form, loaded just now, posts for `offer` unchanged (optional
    fields left empty)."""
    data = {
        "organisation": offer.organisation_id,
        "name": offer.name,
        "slug": offer.slug,
        "status": offer.status,
        "description": offer.description,
        "source": offer.source,
        "positions": position_keys(offer),
        "loaded_version": saved_version(offer),
    }
    data.update(overrides)
    return data


def organisation_post_data(organisation, **overrides) -> dict:
    data = {
        "name": organisation.name,
        "slug": organisation.slug,
        "role": organisation.role,
        "description": organisation.description,
        "source": organisation.source,
        "loaded_version": saved_version(organisation),
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data
