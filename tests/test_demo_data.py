import subprocess
import sys
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest

from bench.demo_data import DemoDataError
from bench.generate_demo_data import run
from providers.models import Membership, Offer, Organisation, Position, Source
from tests.factories import MembershipFactory, OfferFactory, OrganisationFactory
from tests.matrix_json import matrix_json


def generate(*args, **options) -> str:
    """Run the command line (`python -m bench.generate_demo_data`) with these arguments."""
    argv = [*args, *(f"--{name}={value}" for name, value in options.items())]
    out = StringIO()
    run(argv, stdout=out)
    return out.getvalue()


def snapshot():
    """Everything the generator writes, by natural keys (ids and timestamps differ per run)."""
    offer_fields = [
        f.name
        for f in Offer._meta.concrete_fields
        if f.name not in {"id", "organisation", "created_at", "updated_at"}
    ]
    offers = sorted(
        (o["organisation__slug"], *o.values())
        for o in Offer.objects.filter(source=Source.DEMO).values(
            *offer_fields, "organisation__slug"
        )
    )
    relations = {
        field.name: sorted(
            Offer.objects.filter(source=Source.DEMO)
            .exclude(**{f"{field.name}__isnull": True})
            .values_list("slug", f"{field.name}__slug")
        )
        for field in Offer._meta.many_to_many
    }
    return {
        "organisations": sorted(
            Organisation.objects.filter(source=Source.DEMO).values_list(
                "name", "slug", "role", "description", "website", "phone", "email"
            )
        ),
        "offers": offers,
        "positions": sorted(
            Position.objects.filter(offer__source=Source.DEMO).values_list(
                "offer__slug", "phase__slug", "violence_type__slug"
            )
        ),
        "relations": relations,
    }


def everything_but_demo():
    return (
        sorted(Organisation.objects.exclude(source=Source.DEMO).values_list("slug", "role")),
        sorted(Offer.objects.exclude(source=Source.DEMO).values_list("slug", "status")),
        sorted(
            Position.objects.exclude(offer__source=Source.DEMO).values_list(
                "offer__slug", "phase__slug", "violence_type__slug"
            )
        ),
    )


def test_a_small_run_makes_realistic_demo_data(db):
    output = generate(organisations=50, offers=200, seed=3)

    assert Organisation.objects.filter(source=Source.DEMO).count() == 50
    assert Offer.objects.filter(source=Source.DEMO).count() == 200
    assert not Offer.objects.exclude(source=Source.DEMO).exists()
    positions = Position.objects.filter(offer__source=Source.DEMO)
    assert 1000 < positions.count() < 2200  # about 8 cells per offer
    assert "organisaties" in output and "[####" in output
    assert "50 organisaties, 200 aanbiedingen" in output

    offers = Offer.objects.filter(source=Source.DEMO)
    statuses = Counter(offers.values_list("status", flat=True))
    assert statuses.most_common(1)[0][0] == Offer.Status.PUBLISHED
    assert set(statuses) <= set(Offer.Status.values)
    for offer in offers.prefetch_related("municipalities", "target_groups", "fundings"):
        assert offer.description and offer.contact_name and offer.phone and offer.email
        assert offer.municipalities.exists() and offer.target_groups.exists()
        assert offer.fundings.exists()
        if offer.minimum_age is not None and offer.maximum_age is not None:
            assert offer.minimum_age <= offer.maximum_age
        if offer.capacity_per_year is None:
            assert offer.current_occupancy is None
        offer.full_clean()
    for organisation in Organisation.objects.filter(source=Source.DEMO):
        organisation.full_clean()


def test_roles_and_positions_are_skewed_like_the_2023_inventory(db):
    generate(organisations=150, offers=600, seed=11)
    roles = Counter(Organisation.objects.filter(source=Source.DEMO).values_list("role", flat=True))
    # 2023: 16 aanbieders, 10 verwijzers, 2 both.
    assert roles["aanbieder"] > roles["verwijzer"] > roles["beide"] > 0

    positions = Position.objects.filter(offer__source=Source.DEMO)
    by_phase = Counter(positions.values_list("phase__slug", flat=True))
    by_violence_type = Counter(positions.values_list("violence_type__slug", flat=True))
    # 2023: much in signalering, little in nazorg; least for ouderenmishandeling.
    assert by_phase["signalering"] > 1.4 * by_phase["nazorg"]
    assert by_violence_type["kindermishandeling"] > 1.4 * by_violence_type["ouderenmishandeling"]
    assert (
        by_violence_type["hands-on-geweld-tegen-kinderen"]
        > 1.4 * by_violence_type["hands-on-geweld-tegen-volwassenen"]
    )


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data(db):
    generate(organisations=40, offers=150, seed=7)
    first = snapshot()
    generate("--clear", organisations=40, offers=150, seed=7)
    assert snapshot() == first
    generate("--clear", organisations=40, offers=150, seed=8)
    assert snapshot() != first


def test_clear_removes_only_demo_data(baseline):
    partner_offer = OfferFactory(
        organisation=Organisation.objects.get(slug="de-waag"),
        source=Source.PARTNER,
        cells=[("preventie", "kindermishandeling")],
    )
    before = everything_but_demo()
    generate(organisations=30, offers=100, seed=2)
    demo = Organisation.objects.filter(source=Source.DEMO)
    # Links to the outside world that the clear must take along: a partner's account and a
    # partnership in which a demo organisation takes part.
    membership = MembershipFactory(organisation=demo.first())
    Organisation.objects.get(slug="switch").members.add(demo.last())
    # An offer a partner added to a demo organisation goes with that organisation.
    OfferFactory(organisation=demo.first(), source=Source.PARTNER)

    output = generate("--clear")

    assert "30 organisaties" in output
    assert not Organisation.objects.filter(source=Source.DEMO).exists()
    assert not Offer.objects.filter(source=Source.DEMO).exists()
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert type(membership.user).objects.filter(pk=membership.user_id).exists()
    assert everything_but_demo() == before
    assert Offer.objects.filter(pk=partner_offer.pk).exists()
    assert Organisation.objects.get(slug="switch").members.count() == 4


def test_names_and_slugs_never_collide_with_existing_ones(db):
    generate(organisations=10, offers=20, seed=4)
    taken = Organisation.objects.filter(source=Source.DEMO).order_by("pk").first()
    taken_offer = Offer.objects.filter(source=Source.DEMO).order_by("pk").first()
    generate("--clear")
    partner = OrganisationFactory(name=taken.name, slug=taken.slug)
    OfferFactory(organisation=partner, slug=taken_offer.slug)

    generate(organisations=10, offers=20, seed=4)

    assert Organisation.objects.filter(source=Source.DEMO).count() == 10
    assert Organisation.objects.get(slug=taken.slug) == partner
    assert Organisation.objects.filter(name=f"{taken.name} 2", source=Source.DEMO).exists()
    assert Offer.objects.filter(slug=f"{taken_offer.slug}-2", source=Source.DEMO).exists()


def test_generating_twice_without_clear_is_refused_and_changes_nothing(db):
    generate(organisations=10, offers=20, seed=1)
    before = snapshot()
    with pytest.raises(DemoDataError, match="--clear"):
        generate(organisations=10, offers=20, seed=2)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"organisations": -1}, "negatief"),
        ({"organisations": 0, "offers": 5}, "organisaties"),
    ],
)
def test_impossible_sizes_are_refused(db, options, message):
    with pytest.raises(DemoDataError, match=message):
        generate(**options)
    assert not Organisation.objects.exists()


def test_impossible_sizes_are_refused_before_clearing(db):
    generate(organisations=5, offers=10, seed=1)
    with pytest.raises(DemoDataError, match="negatief"):
        generate("--clear", organisations=-1)
    assert Organisation.objects.filter(source=Source.DEMO).count() == 5


def test_demo_offers_show_on_the_public_map(client, db):
    generate(organisations=20, offers=60, seed=9)
    payload = matrix_json(client.get("/api/kaart/hgkm/"))
    published_demo_organisations = set(
        Organisation.objects.filter(
            source=Source.DEMO,
            offers__status=Offer.Status.PUBLISHED,
            offers__positions__violence_type__framework__slug="hgkm",
        ).values_list("slug", flat=True)
    )
    in_cells = {o["slug"] for cell in payload["cells"] for o in cell["organisations"]}
    assert in_cells == published_demo_organisations
    offer = Offer.objects.filter(source=Source.DEMO, status=Offer.Status.PUBLISHED).first()
    assert client.get(offer.get_absolute_url()).status_code == 200


def test_the_application_never_loads_the_bench_tooling():
    """Demo data and benchmark live in `bench/`; the application's settings, URLs and WSGI
    entry point import none of it."""
    script = (
        "import os, sys, django\n"
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'sociale_kaart.settings'\n"
        "django.setup()\n"
        "import sociale_kaart.urls, sociale_kaart.wsgi\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] == 'bench'))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "[]"
