"""Imports as background jobs: on the real queue (rq against Redis, with a worker), with a
progress page, the preview and the all-or-nothing confirm, the outcome kept afterwards; a
number of queries that does not grow with the rows; the history the admin would write."""

import os
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rq import SimpleWorker

from bench.import_file import offers_xlsx
from providers import import_jobs
from providers.models import ImportJob, Method, Offer, Organisation, Position
from tests.factories import OrganisationFactory
from tests.partner_admin_support import make_municipal_user, make_partner
from tests.test_import_export import OFFER_HEADERS, snapshot, upload, xlsx_bytes

IMPORT = "/beheer/providers/offer/import/"


@pytest.fixture
def municipality(db):
    return make_municipal_user()


@pytest.fixture
def municipality_client(client, municipality):
    client.force_login(municipality)
    return client


@pytest.fixture
def redis_queue(settings):
    """Jobs go to Redis (REDIS_URL, else the local default) on a queue of this test process
    alone, so that parallel test workers never run each other's jobs."""
    name = f"imports-test-{os.getpid()}"
    settings.IMPORT_JOBS_INLINE = False
    settings.IMPORT_QUEUE = name
    settings.RQ_QUEUES = {name: {"URL": os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"}}
    queue = import_jobs.queue()
    queue.empty()
    yield queue
    queue.empty()
    queue.delete(delete_jobs=True)


def work(queue) -> None:
    """What `manage.py rqworker imports` does, in this process (and its test transaction)."""
    SimpleWorker([queue], connection=queue.connection).work(burst=True)


def test_a_big_import_runs_on_the_queue_with_progress_preview_and_confirm(
    municipality_client, baseline, redis_queue, django_capture_on_commit_callbacks
):
    content = offers_xlsx(300, seed=3)
    before = snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        response = municipality_client.post(
            IMPORT,
            {"resource": "0", "format": "0", "import_file": _file(content)},
        )
    assert response.status_code == 302
    job_url = response["Location"]
    assert redis_queue.count == 1

    # Queued: a progress bar, a status to poll, a link to refresh; nothing written.
    page = municipality_client.get(job_url)
    html = page.content.decode()
    assert "<progress" in html
    assert "voorbeeld: in de wachtrij" in html.lower()
    assert "js/import-progress.js" in html and "<script>" not in html
    assert 'class="button">Vernieuwen</a>' in html
    status_url = re.search(r'data-status-url="([^"]+)"', html).group(1)
    status = municipality_client.get(status_url).json()
    assert status["finished"] is False and status["status"] == "wachtrij"

    work(redis_queue)
    assert redis_queue.count == 0
    status = municipality_client.get(status_url).json()
    assert status == {**status, "finished": True, "percent": 100, "total": 300}
    preview = municipality_client.get(job_url)
    html = preview.content.decode()
    assert "er is nog niets opgeslagen" in html and 'value="Bevestigen"' in html
    assert "nieuw: 272" in html and "gewijzigd: 28" in html  # every baseline offer updated
    assert snapshot() == before

    with django_capture_on_commit_callbacks(execute=True):
        response = municipality_client.post(preview.context["confirm_url"])
    assert response.status_code == 302
    assert "import: in de wachtrij" in municipality_client.get(job_url).content.decode().lower()
    assert snapshot() == before

    work(redis_queue)
    done = municipality_client.get(job_url)
    html = done.content.decode()
    assert "Opgeslagen op" in html
    assert Offer.objects.filter(name__startswith="Importaanbod 3-").count() == 272
    job = ImportJob.objects.get()
    assert job.status == "klaar" and job.content == b""  # the file is not kept
    # Afterwards the import page lists it, and its page still tells what happened.
    listing = municipality_client.get(IMPORT).content.decode()
    assert job_url in listing and "Klaar" in listing


def test_a_confirm_that_fails_on_the_queue_writes_nothing_and_keeps_the_errors(
    municipality_client, baseline, redis_queue, django_capture_on_commit_callbacks
):
    rows = [[f"nieuw-{n}", f"Nieuw {n}", "Trias ped.", "gepubliceerd", "", ""] for n in range(49)]
    rows.append(["nieuw-49", "Nieuw 49", "Verdwijnt", "gepubliceerd", "", ""])
    OrganisationFactory(name="Verdwijnt")
    with django_capture_on_commit_callbacks(execute=True):
        response = municipality_client.post(
            IMPORT,
            {"resource": "0", "format": "0", "import_file": _file(xlsx_bytes(OFFER_HEADERS, rows))},
        )
    work(redis_queue)
    preview = municipality_client.get(response["Location"])
    assert preview.context["can_confirm"]
    Organisation.objects.filter(name="Verdwijnt").delete()
    before = snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        municipality_client.post(preview.context["confirm_url"])
    work(redis_queue)
    assert snapshot() == before
    html = municipality_client.get(response["Location"]).content.decode()
    assert "Er is niets opgeslagen" in html
    assert "Onbekende organisatie" in html and "Verdwijnt" in html


def test_only_the_municipality_reads_import_jobs(municipality_client, baseline):
    preview = upload(
        municipality_client,
        "offer",
        xlsx_bytes(OFFER_HEADERS, [["", "Daderhulp", "VT", "", "", ""]]),
    )
    job = preview.context["job"]
    urls = [
        f"{IMPORT}{job.pk}/",
        f"{IMPORT}{job.pk}/status.json",
    ]
    partner = make_partner(OrganisationFactory(name="Eigen"), "partner-import")
    partner_client = Client()
    partner_client.force_login(partner)
    for url in urls:
        assert partner_client.get(url).status_code == 403
    before = snapshot()
    assert partner_client.post(f"{IMPORT}{job.pk}/opslaan/").status_code == 403
    assert snapshot() == before
    # A job of offers does not exist under the organisations' address.
    assert (
        municipality_client.get(f"/beheer/providers/organisation/import/{job.pk}/").status_code
        == 404
    )
    assert Client().get(urls[0]).status_code == 302  # to the login page


def _file(content):
    return SimpleUploadedFile("aanbod.xlsx", content)


@pytest.mark.parametrize("rows", [20, 400])
def test_the_queries_of_an_import_do_not_grow_with_its_rows(
    municipality_client, baseline, django_assert_max_num_queries, rows
):
    """The old import asked the database several times per row (about 17 ms a row)."""
    content = offers_xlsx(rows, seed=5)
    with django_assert_max_num_queries(60):
        preview = upload(municipality_client, "offer", content)
    assert preview.context["can_confirm"], preview.context["job"].summary.get("errors")
    with django_assert_max_num_queries(120):
        response = municipality_client.post(preview.context["confirm_url"])
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.status == "klaar"
    assert job.summary["totals"]["nieuw"] + job.summary["totals"]["gewijzigd"] == rows


def test_a_bulk_import_writes_the_history_the_admin_shows(
    municipality_client, municipality, baseline
):
    offer = (
        Offer.objects.filter(source="inventarisatie-2023", methods__isnull=True)
        .exclude(positions__phase__slug="nazorg")
        .first()
    )
    added = Method.objects.order_by("name").first()
    removed = [f"{p.phase.name} – {p.violence_type.name}" for p in offer.positions.all()]
    assert removed
    content = xlsx_bytes(
        ["slug", "naam", "organisatie", "posities", "methoden", "omschrijving"],
        [
            [
                offer.slug,
                offer.name,
                offer.organisation.name,
                "Nazorg: Kindermishandeling",
                added.name,
                "Nieuwe omschrijving",
            ]
        ],
    )
    preview = upload(municipality_client, "offer", content)
    changes = preview.context["job"].summary["rows"][0]["changes"]
    assert changes == ["posities", "omschrijving", "methoden"]
    municipality_client.post(preview.context["confirm_url"])

    offer.refresh_from_db()
    assert offer.description == "Nieuwe omschrijving"
    assert list(offer.methods.all()) == [added]
    assert [str(p) for p in offer.positions.all()] == ["Nazorg: Kindermishandeling"]
    page = municipality_client.get(f"/beheer/providers/offer/{offer.pk}/history/")
    text = " ".join(re.sub(r"<[^>]+>", " ", page.content.decode()).split())
    # The latest entry: changed by the municipality's user, with what changed.
    latest = text.split(f" Gewijzigd {municipality.username} ")[1].split(" Aangemaakt ")[0]
    assert "Nieuwe omschrijving" in latest
    assert f"Methoden: leeg &nbsp;&rarr;&nbsp;&nbsp;{added.name}" in latest
    assert f"Posities: 1 positie toegevoegd, {len(removed)} verwijderd" in latest
    assert "Toegevoegd: Nazorg – Kindermishandeling" in latest
    assert f"Verwijderd: {'; '.join(removed)}" in latest
    # Every removed and added position has its own record, by the importing user.
    records = Position.history.filter(offer_id=offer.pk, history_user=municipality)
    assert sorted(records.values_list("history_type", flat=True)) == ["+"] + ["-"] * len(removed)
