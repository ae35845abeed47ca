"""Rights in the admin: a municipal account manages accounts but cannot raise rights (its own
or anyone's); only a superuser grants superuser or staff status, groups and permissions. And
the admin's smaller edges: the start page after login, the autocomplete with a reverse
relation."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client

from tests.factories import OrganisationFactory, UserFactory
from tests.partner_admin_support import make_municipal_user, make_partner

PASSWORD = "Zeer-geheim-wachtwoord-2025"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def user_form_data(user, **changes) -> dict:
    """The user change form as the admin posts it, with `changes`."""
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "date_joined_0": user.date_joined.date().isoformat(),
        "date_joined_1": "12:00:00",
        "last_login_0": "",
        "last_login_1": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def rights_of(user) -> tuple:
    user = get_user_model().objects.get(pk=user.pk)
    return (
        user.is_superuser,
        user.is_staff,
        sorted(user.groups.values_list("name", flat=True)),
        sorted(user.user_permissions.values_list("codename", flat=True)),
    )


@pytest.fixture
def everything():
    """What somebody raising their rights would post."""
    return {
        "is_superuser": "on",
        "is_staff": "on",
        "groups": [str(pk) for pk in Group.objects.values_list("pk", flat=True)],
        "user_permissions": [str(Permission.objects.get(codename="delete_logentry").pk)],
    }


def test_a_municipal_user_cannot_make_itself_superuser(db, everything):
    gemeente = make_municipal_user()
    before = rights_of(gemeente)
    assert before == (False, True, ["Gemeente"], [])
    client = logged_in(gemeente)
    url = f"/beheer/auth/user/{gemeente.pk}/change/"
    form = client.get(url).content.decode()
    assert 'name="is_superuser"' not in form and 'name="user_permissions"' not in form
    response = client.post(url, user_form_data(gemeente, first_name="Gea2", **everything))
    assert response.status_code == 302
    assert rights_of(gemeente) == before
    # The rest of the form is saved as usual.
    assert get_user_model().objects.get(pk=gemeente.pk).first_name == "Gea2"


def test_a_municipal_user_cannot_raise_the_rights_of_a_partner(db, everything):
    partner = make_partner(OrganisationFactory(), "pien")
    before = rights_of(partner)
    client = logged_in(make_municipal_user())
    response = client.post(
        f"/beheer/auth/user/{partner.pk}/change/", user_form_data(partner, **everything)
    )
    assert response.status_code == 302
    assert rights_of(partner) == before


def test_a_municipal_user_cannot_change_a_superuser_nor_set_its_password(db):
    root = UserFactory(username="beheerder", is_staff=True, is_superuser=True, password=PASSWORD)
    client = logged_in(make_municipal_user())
    assert client.get(f"/beheer/auth/user/{root.pk}/change/").status_code == 200  # view only
    response = client.post(
        f"/beheer/auth/user/{root.pk}/change/", user_form_data(root, email="ik@example.org")
    )
    assert response.status_code == 403
    response = client.post(
        f"/beheer/auth/user/{root.pk}/password/",
        {"password1": "Nieuw-wachtwoord-2026!", "password2": "Nieuw-wachtwoord-2026!"},
    )
    assert response.status_code == 403
    root.refresh_from_db()
    assert root.check_password(PASSWORD) and root.email != "ik@example.org"


def test_a_municipal_user_cannot_add_permissions_to_a_group(db):
    gemeente = make_municipal_user()
    group = Group.objects.get(name="Gemeente")
    before = set(group.permissions.values_list("pk", flat=True))
    extra = Permission.objects.exclude(pk__in=before).values_list("pk", flat=True)[:3]
    assert extra
    response = logged_in(gemeente).post(
        f"/beheer/auth/group/{group.pk}/change/",
        {"name": "Gemeente", "permissions": [str(pk) for pk in [*before, *extra]]},
    )
    assert response.status_code == 302
    assert set(group.permissions.values_list("pk", flat=True)) == before


def test_a_superuser_still_grants_rights(db, everything):
    root = UserFactory(username="beheerder", is_staff=True, is_superuser=True)
    gemeente = make_municipal_user()
    response = logged_in(root).post(
        f"/beheer/auth/user/{gemeente.pk}/change/", user_form_data(gemeente, **everything)
    )
    assert response.status_code == 302
    assert rights_of(gemeente) == (True, True, ["Gemeente", "Partner"], ["delete_logentry"])


def test_after_login_without_next_the_admin_start_page_opens(db):
    make_municipal_user(password=PASSWORD)
    client = Client()
    response = client.post("/beheer/login/", {"username": "gemeente", "password": PASSWORD})
    assert response.status_code == 302 and response.url == "/beheer/"
    assert client.get(response.url).status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "app_label=providers&model_name=organisation&field_name=offers",
        "app_label=auth&model_name=user&field_name=memberships",
        "app_label=providers&model_name=organisation&field_name=name",
        "app_label=providers&model_name=organisation",
        "app_label=nergens&model_name=niets&field_name=offers",
    ],
)
def test_the_autocomplete_refuses_a_reverse_relation_with_403(db, query):
    client = logged_in(make_municipal_user())
    client.raise_request_exception = False
    response = client.get(f"/beheer/autocomplete/?{query}&term=a")
    assert response.status_code == 403


def test_the_autocomplete_still_answers_for_a_form_field(db):
    OrganisationFactory(name="Alfa Hulp")
    client = logged_in(make_municipal_user())
    response = client.get(
        "/beheer/autocomplete/?app_label=providers&model_name=offer"
        "&field_name=organisation&term=alfa"
    )
    assert response.status_code == 200
    assert [item["text"] for item in response.json()["results"]] == ["Alfa Hulp"]
