"""The `baseline` fixture restores rows recorded once per run instead of loading the files for
every test. These tests check that what it restores is what `load_baseline` writes."""

from django.db import models, transaction
from django.db.models import Max, Min
from django.utils import timezone

from frameworks.models import Framework
from providers.baseline import load_baseline
from providers.matrix.coverage import compute_matrix, matrix_as_json
from providers.models import Offer, Organisation, Position
from sociale_kaart.cache import data_version
from tests.conftest import _stored_models
from tests.factories import OfferFactory, OrganisationFactory
from tests.matrix_json import expand


def state():
    """Everything a test can observe of the baseline, without primary keys or timestamps (a
    real load in a test gets other keys on PostgreSQL, whose sequences do not roll back)."""
    skipped = {"id", "created_at", "updated_at", "organisation"}
    return {
        "rows": {model._meta.label: model._base_manager.count() for model in _stored_models()},
        "organisations": sorted(
            (o.pop("slug"), sorted(o.items()))
            for o in Organisation.objects.values(
                *(f.attname for f in Organisation._meta.concrete_fields if f.name not in skipped)
            )
        ),
        "offers": sorted(
            (o.pop("slug"), sorted(o.items()))
            for o in Offer.objects.values(
                "organisation__slug",
                *(f.attname for f in Offer._meta.concrete_fields if f.name not in skipped),
            )
        ),
        "lists": sorted(
            (offer.slug, field.name, sorted(getattr(offer, field.name).values_list("slug")))
            for offer in Offer.objects.all()
            for field in Offer._meta.many_to_many
        ),
        "members": sorted(
            (o.slug, sorted(o.members.values_list("slug", flat=True)))
            for o in Organisation.objects.all()
        ),
        "positions": sorted(
            Position.objects.values_list("offer__slug", "phase__slug", "violence_type__slug")
        ),
        "history": sorted(
            Position.history.values_list("offer__slug", "history_type", "history_user")
        ),
        "matrices": [expand(matrix_as_json(compute_matrix(f))) for f in Framework.objects.all()],
    }


def test_the_restored_baseline_is_what_load_baseline_writes(db, baseline_snapshot):
    with transaction.atomic():
        result = load_baseline()
        loaded = state()
        transaction.set_rollback(True)
    assert state()["rows"]["providers.Organisation"] == 0
    version = data_version()
    restored_at = timezone.now()
    assert baseline_snapshot.restore() == result
    assert data_version() != version, "restoring must make cached coverage obsolete"
    assert state() == loaded
    # The rows say they were written just now, as after a real load that ended at the restore,
    # not when the snapshot was taken; and none is dated after the restore.
    done_at = timezone.now()
    for model in (Organisation, Offer, Organisation.history.model, Position.history.model):
        for field in model._meta.concrete_fields:
            if isinstance(field, models.DateTimeField):
                dates = model._base_manager.aggregate(
                    oldest=Min(field.name), newest=Max(field.name)
                )
                assert dates["oldest"] >= restored_at - baseline_snapshot.duration, (model, field)
                assert dates["newest"] <= done_at, (model, field.name)
    # Loading the files again recognises the restored rows as the untouched baseline.
    assert not load_baseline().created


def test_rows_created_before_or_after_the_restore_get_keys_of_their_own(db, baseline_snapshot):
    before = OfferFactory(cells=[("preventie", "kindermishandeling")])
    baseline_snapshot.restore()
    after = OfferFactory(organisation=OrganisationFactory(), cells=[("nazorg", "groepsgeweld")])
    assert Organisation.objects.count() == 28 + 2
    assert Position.objects.count() == 409 + 2
    assert before.pk != after.pk
    assert Position.history.count() == 409 + 2


def test_a_test_without_the_baseline_sees_an_empty_database(db):
    assert not Organisation.objects.exists()
    assert not Offer.objects.exists()
    assert not Position.history.exists()


def test_a_change_to_the_baseline_stays_in_its_test(baseline):
    Organisation.objects.filter(slug="de-waag").delete()
    assert not Organisation.objects.filter(slug="de-waag").exists()


def test_the_next_test_gets_the_baseline_whole(baseline):
    assert Organisation.objects.filter(slug="de-waag").exists()
    assert Organisation.objects.count() == 28
