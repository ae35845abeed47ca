from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import connection, models, transaction
from django.utils import timezone

from frameworks.models import Phase, ViolenceType
from providers.baseline import load_baseline
from providers.models import Offer, Organisation, Position
from sociale_kaart.cache import bump_data_version
from tests.factories import OfferFactory, OrganisationFactory


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _no_caps_on_expensive_requests(settings):
    """Tests fire many searches in a row from one client; tests/test_throttle.py sets the caps
    it checks (sociale_kaart/throttle.py)."""
    settings.EXPENSIVE_REQUESTS_PER_CLIENT = 0
    settings.EXPENSIVE_CONCURRENT = 0


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The production hasher spends a quarter of a second on every password on purpose; tests
    create and log in many users, and what they check does not depend on the hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _imports_inline(settings):
    """Import jobs run inside the request that starts them; tests/test_import_jobs.py runs
    them on the real queue, against Redis, with a worker."""
    settings.IMPORT_JOBS_INLINE = True


# --- Data written once per run, restored per test ----------------------------------------


def _stored_models() -> list:
    """The models with a table in the database (a model whose migration is not written yet
    has none; that should fail only the tests that use it)."""
    tables = set(connection.introspection.table_names())
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and model._meta.db_table in tables
    ]


def _rows(model) -> dict:
    """Every row of `model`'s table as a tuple of its column values, by primary key."""
    columns = [field.attname for field in model._meta.concrete_fields]
    return {row[0]: row for row in model._base_manager.values_list("pk", *columns)}


@dataclass
class Snapshot:
    """The rows that `build` wrote into a database holding only the migrations' reference
    data, table by table, with the time the writing ended and what `build` returned."""

    rows: dict  # model -> list of tuples of column values (concrete fields, in order)
    taken_at: datetime
    result: object
    duration: timedelta  # how long `build` wrote
    inserts: list = field(init=False, repr=False)

    @classmethod
    def take(cls, build: Callable[[], object]) -> "Snapshot":
        """Run `build`, record the rows it added and roll it back: the database is left as it
        was. `build` may only add rows; a change to an existing row (reference data) would not
        be restored by inserting rows, so it stops the run."""
        with transaction.atomic():
            before = {model: _rows(model) for model in _stored_models()}
            started_at = timezone.now()
            result = build()
            # Taken when `build` ends, so that a restore dates every row in the past: a row
            # dated after the test's own writes would reorder the history it reads.
            taken_at = timezone.now()
            added = {}
            for model, old in before.items():
                new = _rows(model)
                changed = [pk for pk, row in old.items() if new.get(pk) != row]
                if changed:
                    raise RuntimeError(
                        f"{build.__name__} changed existing rows of {model._meta.label} "
                        f"({changed[:5]}); a snapshot can only restore added rows"
                    )
                rows = [row[1:] for pk, row in new.items() if pk not in old]
                if rows:
                    added[model] = rows
            transaction.set_rollback(True)
        snapshot = cls(rows=added, taken_at=taken_at, result=result, duration=taken_at - started_at)
        snapshot._reserve_keys()
        return snapshot

    def _reserve_keys(self) -> None:
        """Keep the recorded primary keys out of reach of rows that tests create before they
        restore the snapshot (a fixture that runs first), so that the two never collide.

        PostgreSQL's sequences are not rolled back: `build` has already moved them past the
        recorded keys. SQLite's AUTOINCREMENT counters live in the table sqlite_sequence, which
        the rollback restored; raise them past the recorded keys (committed, so every test's
        transaction starts from there)."""
        if connection.vendor != "sqlite":
            return
        with transaction.atomic(), connection.cursor() as cursor:
            for model, rows in self.rows.items():
                pk = model._meta.pk
                if not isinstance(pk, models.AutoField):
                    continue
                table = model._meta.db_table
                highest = max(row[model._meta.concrete_fields.index(pk)] for row in rows)
                cursor.execute(
                    "UPDATE sqlite_sequence SET seq = MAX(seq, %s) WHERE name = %s",
                    [highest, table],
                )
                if cursor.rowcount == 0:
                    cursor.execute(
                        "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)",
                        [table, highest],
                    )

    def __post_init__(self):
        """Prepare one INSERT per table, with the values already converted for the database
        (that conversion costs more than the inserts); timestamps stay Python values, as
        `restore` moves them."""
        quote = connection.ops.quote_name
        self.inserts = []
        for model, rows in self.rows.items():
            fields = model._meta.concrete_fields
            sql = (
                f"INSERT INTO {quote(model._meta.db_table)} "
                f"({', '.join(quote(field.column) for field in fields)}) "
                f"VALUES ({', '.join(['%s'] * len(fields))})"
            )
            timestamps = [
                index
                for index, field in enumerate(fields)
                if isinstance(field, models.DateTimeField)
            ]
            prepared = [
                [
                    value if index in timestamps else field.get_db_prep_save(value, connection)
                    for index, (field, value) in enumerate(zip(fields, row, strict=True))
                ]
                for row in rows
            ]
            self.inserts.append((sql, timestamps, prepared))

    def restore(self):
        """Insert the recorded rows, as if `build` ran now; returns what `build` returned.

        Timestamps move forward by the time since the snapshot (the history then says the
        rows were written just now, as a real run would). Primary keys are the recorded
        ones, which `_reserve_keys` keeps free. Plain INSERTs send no signals, so the data
        version is bumped once at the end, as the bulk writers (`load_baseline`) do."""
        shift = timezone.now() - self.taken_at
        adapt = connection.ops.adapt_datetimefield_value
        with transaction.atomic(), connection.cursor() as cursor:
            for sql, timestamps, prepared in self.inserts:
                params = []
                for row in prepared:
                    row = list(row)
                    for index in timestamps:
                        if row[index] is not None:
                            row[index] = adapt(row[index] + shift)
                    params.append(row)
                cursor.executemany(sql, params)
        bump_data_version()
        return self.result


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, and the 2023 inventory read from fixtures/ and recorded
    once per run. Recorded here, right after the migrations, because only then does the
    database certainly hold the reference data and nothing else: a transactional test (the
    browser tests) empties it afterwards."""
    with django_db_blocker.unblock():
        snapshot = Snapshot.take(load_baseline)
    cache.clear()  # the load bumped the data version; no test should see that
    return snapshot


@pytest.fixture(scope="session")
def baseline_snapshot(django_db_setup) -> Snapshot:
    return django_db_setup


@pytest.fixture
def baseline(db, baseline_snapshot):
    """The 2023 inventory as `make run` loads it (`load_baseline`), restored from the rows the
    load wrote once per run: tests/test_baseline_fixture.py checks that both give the same
    database. A test's changes are rolled back with the rest of its transaction."""
    return baseline_snapshot.restore()


# --- Many offers, for the query budgets --------------------------------------------------

MANY_OFFERS_CELLS = [
    ("preventie", "kindermishandeling"),
    ("signalering", "ex-partnergeweld"),
    ("nazorg", "groepsgeweld"),
    ("signalering", "hands-on-geweld-tegen-kinderen"),
]
# The sizes the query-budget tests ask for: built once per run when first needed, then
# restored per test. Other sizes are built in the test itself.
RECORDED_SIZES = (10, 100, 1000)


def build_many_offers(count: int) -> tuple[list[int], list[int]]:
    """`count` published offers over organisations "Budget 0", "Budget 1", ... (one per five
    offers), each in the four cells above; in bulk. Returns the organisations' and offers'
    primary keys in the order built."""
    organisations = Organisation.objects.bulk_create(
        OrganisationFactory.build(name=f"Budget {index}", slug=f"budget-{index}")
        for index in range(max(1, count // 5))
    )
    offers = Offer.objects.bulk_create(
        OfferFactory.build(
            organisation=organisations[index % len(organisations)],
            name=f"Budgetaanbod {index}",
            slug=f"budgetaanbod-{index}",
        )
        for index in range(count)
    )
    phases = {p.slug: p for p in Phase.objects.all()}
    violence_types = {v.slug: v for v in ViolenceType.objects.all()}
    Position.objects.bulk_create(
        Position(offer=offer, phase=phases[phase], violence_type=violence_types[vt])
        for offer in offers
        for phase, vt in MANY_OFFERS_CELLS
    )
    return [o.pk for o in organisations], [o.pk for o in offers]


@pytest.fixture(scope="session")
def many_offers_snapshots(django_db_setup, django_db_blocker) -> dict[int, Snapshot]:
    with django_db_blocker.unblock():
        if not Phase.objects.exists():
            pytest.fail("the reference data is gone: a transactional test ran first")
        snapshots = {
            count: Snapshot.take(lambda count=count: build_many_offers(count))
            for count in RECORDED_SIZES
        }
    cache.clear()
    return snapshots


@pytest.fixture
def many_offers(db, many_offers_snapshots):
    """Build `count` published offers, spread over organisations "Budget 0", "Budget 1", ...,
    each offer positioned in a few cells of both frameworks (`build_many_offers`); returns the
    organisations and the offers. The usual sizes are restored from a snapshot."""

    def build(count: int):
        snapshot = many_offers_snapshots.get(count)
        organisation_pks, offer_pks = snapshot.restore() if snapshot else build_many_offers(count)
        organisations = Organisation.objects.in_bulk(organisation_pks)
        offers = Offer.objects.select_related("organisation").in_bulk(offer_pks)
        return [organisations[pk] for pk in organisation_pks], [offers[pk] for pk in offer_pks]

    return build
