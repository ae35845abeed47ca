import json
import shutil

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from frameworks.models import Framework
from providers.matrix.coverage import THIN, compute_matrix
from providers.models import Offer, Organisation, Position, Source
from tests.factories import OfferFactory, UserFactory


def database_snapshot():
    return (
        sorted(Organisation.objects.values_list("name", "slug", "role", "updated_at")),
        sorted(Offer.objects.values_list("slug", "status", "updated_at")),
        sorted(Position.objects.values_list("offer__slug", "phase__slug", "violence_type__slug")),
        Organisation.history.count(),
        Offer.history.count(),
        Position.history.count(),
    )


def cell(matrix, phase_slug, violence_type_slug):
    return next(
        c
        for c in matrix.cells
        if c.phase.slug == phase_slug and c.violence_type.slug == violence_type_slug
    )


def test_baseline_holds_all_organisations_and_positions(baseline):
    assert Organisation.objects.count() == 28
    assert Position.objects.count() == 409
    assert not Offer.objects.exclude(status=Offer.Status.PUBLISHED).exists()
    assert set(Offer.objects.values_list("source", flat=True)) == {Source.INVENTORY_2023}
    # One offer per framework for each organisation that positioned itself: 17 organisations.
    assert Offer.objects.values("organisation").distinct().count() == 17
    switch = Organisation.objects.get(slug="switch")
    assert sorted(switch.members.values_list("name", flat=True)) == [
        "Altra",
        "Blijf Groep",
        "Bright GGZ",
        "De Waag",
    ]


def test_hgkm_prevention_of_elder_abuse_is_thin_with_two_organisations(baseline):
    matrix = compute_matrix(Framework.objects.get(slug="hgkm"))
    prevention_elder_abuse = cell(matrix, "preventie", "ouderenmishandeling")
    assert [o.name for o in prevention_elder_abuse.organisations] == [
        "Trias pedagogica",
        "Veilig Thuis",
    ]
    assert prevention_elder_abuse.status == THIN


def test_sexual_violence_aftercare_for_group_violence_is_thin(baseline):
    matrix = compute_matrix(Framework.objects.get(slug="seksueel-geweld"))
    assert cell(matrix, "nazorg", "groepsgeweld").status == THIN


def test_organisations_that_did_not_position_themselves_are_listed(baseline):
    matrix = compute_matrix(Framework.objects.get(slug="hgkm"))
    unpositioned = {o.name for o in matrix.unpositioned_organisations}
    assert "De Waag" in unpositioned
    assert "Veilig Thuis" not in unpositioned
    assert len(unpositioned) >= 11


def test_loading_twice_changes_nothing(baseline, capsys):
    before = database_snapshot()
    call_command("load_baseline")
    assert database_snapshot() == before
    assert "niets gewijzigd" in capsys.readouterr().out


def test_partner_edits_are_not_overwritten_without_force(baseline, capsys):
    offer = Offer.objects.get(slug="veilig-thuis-hgkm-2023")
    offer.positions.all().delete()
    before = database_snapshot()

    call_command("load_baseline")

    assert "--force" in capsys.readouterr().err
    assert database_snapshot() == before
    call_command("load_baseline", "--force")
    assert Position.objects.count() == 409


def test_an_offer_made_by_a_partner_survives_a_forced_reload(baseline):
    partner_offer = OfferFactory(
        organisation=Organisation.objects.get(slug="de-waag"),
        cells=[("nazorg", "ouderenmishandeling")],
    )
    call_command("load_baseline", "--force")
    assert Offer.objects.filter(pk=partner_offer.pk).exists()
    assert Position.objects.filter(offer__source=Source.INVENTORY_2023).count() == 409


def test_history_edits_by_a_person_count_as_partner_edits(baseline, capsys):
    organisation = Organisation.objects.get(slug="veilig-thuis")
    organisation._history_user = UserFactory()
    organisation.phone = "0800-2000"
    organisation.save()
    call_command("load_baseline")
    assert "--force" in capsys.readouterr().err
    assert Organisation.objects.get(slug="veilig-thuis").phone == "0800-2000"


@pytest.mark.parametrize(
    ("file_name", "line", "broken", "message"),
    [
        (
            "report-2023-positions.csv",
            5,
            "hgkm,Preventie,Kindermishandeling,Onbekend,X",
            "Onbekend",
        ),
        ("report-2023-positions.csv", 5, "hgkm,Voorfase,Kindermishandeling,Emancipator,E", "fase"),
        ("report-2023-positions.csv", 5, "hgkm,Preventie,Burenruzie,Emancipator,E", "geweldsvorm"),
        ("report-2023-positions.csv", 5, "xyz,Preventie,Kindermishandeling,Emancipator,E", "kader"),
        ("organisations.csv", 3, "Altra,Altra/Hub,weldoener,yes,", "rol"),
    ],
)
def test_a_broken_fixture_row_writes_nothing(db, tmp_path, file_name, line, broken, message):
    for path in (settings.BASE_DIR / "fixtures").iterdir():
        shutil.copy(path, tmp_path / path.name)
    target = tmp_path / file_name
    lines = target.read_text(encoding="utf-8").splitlines()
    lines[line - 1] = broken
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")

    with pytest.raises(CommandError) as error:
        call_command("load_baseline", "--directory", str(tmp_path))

    assert message in str(error.value)
    assert f"regel {line}" in str(error.value)
    assert Organisation.objects.count() == 0
    assert Position.objects.count() == 0


@pytest.mark.parametrize(
    ("offer_facts", "message"),
    [
        ({"Switch": {"methods": ["toverkunst"]}}, "onbekende methods toverkunst"),
        ({"Switch": {"methods": "top-3"}}, "lijst van slugs"),
        ({"Switch": {"capacity_per_year": -10}}, "capacity_per_year"),
        ({"Switch": {"status": "concept"}}, "niet toegestaan veld 'status'"),
        ({"Switch": {"kleur": "blauw"}}, "onbekend of niet toegestaan veld 'kleur'"),
    ],
)
def test_broken_offer_facts_write_nothing(db, tmp_path, offer_facts, message):
    for path in (settings.BASE_DIR / "fixtures").iterdir():
        shutil.copy(path, tmp_path / path.name)
    facts_file = tmp_path / "baseline_facts.json"
    facts = json.loads(facts_file.read_text(encoding="utf-8"))
    facts["offers"] = offer_facts
    facts_file.write_text(json.dumps(facts), encoding="utf-8")

    with pytest.raises(CommandError) as error:
        call_command("load_baseline", "--directory", str(tmp_path))

    assert message in str(error.value)
    assert Organisation.objects.count() == 0
