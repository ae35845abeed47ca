"""Saves that race each other answer a form error or succeed, never a 500.

Two kinds of test: parallel requests from threads (each thread its own database connection,
as gunicorn workers have), which race for real on PostgreSQL; and the database's refusal
made certain, on every database: right before the save, after every check of the form and
the service, a `pre_save` receiver writes a competing row (with a bulk write, no signals),
so that the insert fails on the unique constraint as it does when a parallel request holds
the same name. The rollback of the refused save takes that row along, as the competing
request's own rollback would."""

import threading
from contextlib import contextmanager

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.db.models.signals import pre_save
from django.test import Client

from providers.models import Membership, Method, Offer, Organisation
from sociale_kaart.admin import SAVE_CONFLICT
from tests.factories import OfferFactory, OrganisationFactory
from tests.partner_admin_support import make_municipal_user, make_partner

ACCOUNT_EXISTS = "Er bestaat al een account met dit e-mailadres."


def logged_in(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def new_offer_data(organisation, name="Vaders in Beeld") -> dict:
    return {
        "organisation": organisation.pk,
        "name": name,
        "status": "gepubliceerd",
        "source": "partner",
        "positions": ["preventie__kindermishandeling"],
        "loaded_version": "",
    }


@contextmanager
def written_meanwhile(model, make_row):
    """While the block runs, the first save of a new `model` instance is refused by the
    database: `make_row(instance)`, a row with the same unique values, is inserted without
    signals right before it."""
    done = []

    def compete(sender, instance, raw=False, **kwargs):
        if not done and instance._state.adding:
            done.append(True)
            model._default_manager.bulk_create([make_row(instance)])

    pre_save.connect(compete, sender=model, dispatch_uid="test-written-meanwhile")
    try:
        yield done
    finally:
        pre_save.disconnect(sender=model, dispatch_uid="test-written-meanwhile")


# The race made certain.


def test_a_new_offer_whose_slug_the_database_refuses_is_saved_on_a_second_try(db):
    organisation = OrganisationFactory(name="Alfa Hulp", slug="alfa-hulp")
    client = logged_in(make_partner(organisation, "pien"))
    other = OrganisationFactory(name="Bravo Zorg", slug="bravo-zorg")
    with written_meanwhile(
        Offer,
        lambda offer: OfferFactory.build(organisation=other, name=offer.name, slug=offer.slug),
    ) as competed:
        response = client.post("/beheer/providers/offer/add/", new_offer_data(organisation))
    assert competed
    assert response.status_code == 302
    offer = Offer.objects.get(organisation=organisation)
    assert offer.slug == "vaders-in-beeld"
    assert list(offer.positions.values_list("phase__slug", "violence_type__slug")) == [
        ("preventie", "kindermishandeling")
    ]
    assert Offer.history.filter(id=offer.pk).count() == 1


def test_a_new_organisation_whose_generated_slug_is_refused_is_saved_on_a_second_try(db):
    from providers import services

    with written_meanwhile(
        Organisation,
        lambda organisation: OrganisationFactory.build(name="Ander", slug=organisation.slug),
    ) as competed:
        organisation = services.organisation_save(
            organisation=Organisation(name="Alfa Hulp", role="aanbieder"), user=None
        )
    assert competed
    assert Organisation.objects.get(pk=organisation.pk).slug == "alfa-hulp"


def test_an_invitation_of_an_address_invited_meanwhile_is_a_dutch_form_error(db):
    organisation = OrganisationFactory(name="Alfa Hulp", slug="alfa-hulp")
    client = logged_in(make_municipal_user())
    with written_meanwhile(
        get_user_model(),
        lambda user: get_user_model()(username=user.username, email=user.email),
    ) as competed:
        response = client.post(
            f"/beheer/providers/organisation/{organisation.pk}/uitnodigen/",
            {"email": "nieuw@example.org"},
        )
    assert competed
    assert response.status_code == 200
    assert ACCOUNT_EXISTS in response.content.decode()
    assert 'value="nieuw@example.org"' in response.content.decode()
    # Nothing of the refused invitation is kept.
    assert not get_user_model().objects.filter(username="nieuw@example.org").exists()
    assert not Membership.objects.filter(organisation=organisation).exists()
    assert mail.outbox == []


def test_a_name_taken_meanwhile_in_the_admin_is_a_form_error_that_keeps_the_input(db):
    client = logged_in(make_municipal_user())
    with written_meanwhile(
        Method, lambda method: Method(name=method.name, slug=f"{method.slug}-ander")
    ) as competed:
        response = client.post(
            "/beheer/providers/method/add/",
            {"name": "Gezinsgesprekken", "slug": "gezinsgesprekken", "order": "5"},
        )
    assert competed
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.non_field_errors() == [SAVE_CONFLICT]
    assert 'value="Gezinsgesprekken"' in response.content.decode()
    assert not Method.objects.filter(name="Gezinsgesprekken").exists()


# Parallel requests.


def in_parallel(requests) -> list:
    """Run the callables in `requests` at the same moment, one thread (and database
    connection) each; returns their responses in order."""
    barrier = threading.Barrier(len(requests))
    responses = [None] * len(requests)

    def run(index, request):
        try:
            barrier.wait(timeout=10)
            responses[index] = request()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return responses


def clients_of(user, count: int) -> list[Client]:
    """`count` clients sharing one login (as several tabs of one browser)."""
    cookies = logged_in(user).cookies
    clients = []
    for _ in range(count):
        client = Client(raise_request_exception=False)
        client.cookies = cookies
        clients.append(client)
    return clients


parallel = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@parallel
def test_ten_parallel_new_offers_of_one_name_all_succeed_or_answer_without_500():
    organisation = OrganisationFactory(name="Alfa Hulp", slug="alfa-hulp")
    clients = clients_of(make_partner(organisation, "pien"), 10)
    data = new_offer_data(organisation)
    responses = in_parallel(
        [lambda c=c: c.post("/beheer/providers/offer/add/", data) for c in clients]
    )
    statuses = [response.status_code for response in responses]
    assert 500 not in statuses
    slugs = sorted(Offer.objects.values_list("slug", flat=True))
    assert len(slugs) == len(set(slugs)) == statuses.count(302)
    if connection.vendor == "postgresql":
        # Writers wait for each other there: every one of them is saved, each with its slug.
        assert statuses == [302] * 10
        assert slugs == sorted(["vaders-in-beeld"] + [f"vaders-in-beeld-{n}" for n in range(2, 11)])
    else:
        # SQLite refuses a second writer at once ("database is locked": the Dutch 503).
        assert set(statuses) <= {302, 503}


@parallel
def test_six_parallel_invitations_of_one_address_make_one_account_and_form_errors():
    organisation = OrganisationFactory(name="Alfa Hulp", slug="alfa-hulp")
    clients = clients_of(make_municipal_user(), 6)
    url = f"/beheer/providers/organisation/{organisation.pk}/uitnodigen/"
    responses = in_parallel(
        [lambda c=c: c.post(url, {"email": "Nieuw@Example.org"}) for c in clients]
    )
    statuses = [response.status_code for response in responses]
    assert 500 not in statuses
    invited = get_user_model().objects.filter(username="nieuw@example.org")
    assert invited.count() == statuses.count(302) == 1 or (
        connection.vendor != "postgresql" and invited.count() == statuses.count(302) == 0
    )
    refused = [r for r in responses if r.status_code == 200]
    assert all(ACCOUNT_EXISTS in r.content.decode() for r in refused)
    if connection.vendor == "postgresql":
        assert sorted(statuses) == [200] * 5 + [302]
    else:
        assert set(statuses) <= {200, 302, 503}
    assert len(mail.outbox) == statuses.count(302)


@parallel
def test_parallel_new_organisations_of_one_name_make_one_and_form_errors():
    clients = clients_of(make_municipal_user(), 4)
    data = {
        "name": "Alfa Hulp",
        "slug": "alfa-hulp",
        "role": "aanbieder",
        "source": "partner",
        "loaded_version": "",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    responses = in_parallel(
        [lambda c=c: c.post("/beheer/providers/organisation/add/", data) for c in clients]
    )
    statuses = [response.status_code for response in responses]
    assert 500 not in statuses
    assert Organisation.objects.filter(name="Alfa Hulp").count() == statuses.count(302) <= 1
    for response in responses:
        if response.status_code == 200:
            errors = response.context["adminform"].form.errors
            # The name taken by a save that had committed when this form was checked again,
            # or, if it had not yet, the refused save itself: either way a Dutch form error.
            assert errors.get("name") == [
                "Er bestaat al een Organisatie met eenzelfde Naam."
            ] or SAVE_CONFLICT in errors.get("__all__", []), errors
    if connection.vendor == "postgresql":
        assert sorted(statuses) == [200, 200, 200, 302]
    else:
        assert set(statuses) <= {200, 302, 503}
