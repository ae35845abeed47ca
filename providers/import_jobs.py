"""Imports as background jobs: the preview and the confirmed import of an uploaded file run on
the `imports` queue (django-rq, Redis as the broker), not in the request.

1. `start_preview` keeps the file in an `ImportJob` and queues `run_job`, which reads the file
   and checks every row (a dry run: nothing is written) and keeps the outcome in
   `job.summary`: counts, the first rows with what they change, and every row's Dutch errors.
2. `confirm` queues the import of a preview without errors; `run_job` then imports the file in
   one transaction: if any row fails now, nothing is saved and the job keeps the errors. The
   file is dropped once it is imported or refused; the outcome stays for the municipality.

While a job runs it reports its progress to the cache (`progress`); a page polls it. With
`settings.IMPORT_JOBS_INLINE` (development without Redis) a job runs inside the request that
queues it. The worker: `python manage.py rqworker imports` (README, "Productie").
"""

import logging

import redis
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import transaction
from django.utils import timezone
from import_export.results import RowResult
from rq import Queue

from providers.imports import ImportFileError, SafeCSV, SafeXLSX
from providers.models import ImportJob
from providers.resources import OfferResource, OrganisationResource

logger = logging.getLogger(__name__)

RESOURCES = {"offer": OfferResource, "organisation": OrganisationResource}
FORMATS = {"xlsx": SafeXLSX, "csv": SafeCSV}
# The rows a page shows; the counts and every error are kept in full.
ROWS_SHOWN = 500
ERRORS_KEPT = 2000
PROGRESS_TIMEOUT = 60 * 60

TYPE_LABELS = {
    RowResult.IMPORT_TYPE_NEW: "nieuw",
    RowResult.IMPORT_TYPE_UPDATE: "gewijzigd",
    RowResult.IMPORT_TYPE_SKIP: "ongewijzigd",
    RowResult.IMPORT_TYPE_DELETE: "verwijderd",
    RowResult.IMPORT_TYPE_INVALID: "fout",
    RowResult.IMPORT_TYPE_ERROR: "fout",
}
NOTHING_SAVED = (
    "Er is niets opgeslagen: bij het bevestigen bleek een regel niet (meer) te kloppen, "
    "bijvoorbeeld omdat de gegevens intussen zijn gewijzigd. Hieronder staan de fouten per "
    "regel; verbeter het bestand en lees het opnieuw in."
)
CRASHED = (
    "Er ging iets mis bij het verwerken van het bestand; er is niets opgeslagen. Probeer het "
    "opnieuw of neem contact op met de beheerder van de site."
)
ROW_FAILED = "Deze regel kon niet worden verwerkt."


# --- Starting and confirming -------------------------------------------------------------


def start_preview(*, model_name: str, file_name: str, file_format: str, content: bytes, user):
    """Keep the uploaded file in a new job and queue its preview."""
    job = ImportJob.objects.create(
        model_name=model_name,
        file_name=file_name[:255],
        file_format=file_format,
        content=content,
        user=user,
    )
    _enqueue(job)
    return job


def can_confirm(job: ImportJob) -> bool:
    return (
        job.stage == ImportJob.Stage.PREVIEW
        and job.status == ImportJob.Status.DONE
        and not job.summary.get("errors")
        and not job.summary.get("base_errors")
        and bool(job.content)
    )


def confirm(*, job: ImportJob, user) -> bool:
    """Queue the import of a preview without errors; False if that is not (or no longer)
    possible, e.g. the job was confirmed already."""
    if not can_confirm(job):
        return False
    claimed = ImportJob.objects.filter(
        pk=job.pk, stage=ImportJob.Stage.PREVIEW, status=ImportJob.Status.DONE
    ).update(stage=ImportJob.Stage.IMPORT, status=ImportJob.Status.QUEUED, user=user)
    if not claimed:
        return False
    job.refresh_from_db()
    _enqueue(job)
    return True


def queue() -> Queue:
    return Queue(
        settings.IMPORT_QUEUE,
        connection=redis.Redis.from_url(settings.RQ_QUEUES[settings.IMPORT_QUEUE]["URL"]),
        default_timeout=settings.RQ_QUEUES[settings.IMPORT_QUEUE].get("DEFAULT_TIMEOUT", 600),
    )


def _enqueue(job: ImportJob) -> None:
    _set_progress(job.pk, 0, 0)
    if settings.IMPORT_JOBS_INLINE:
        run_job(job.pk)
        return
    # Queued once the job row is committed, so that the worker finds it.
    transaction.on_commit(lambda: queue().enqueue(run_job, job.pk, job_timeout=600))


# --- Progress ------------------------------------------------------------------------------


def _progress_key(job_id: int) -> str:
    return f"import-job-progress:{job_id}"


def _set_progress(job_id: int, done: int, total: int) -> None:
    # In the cache, not the job row: the row is inside the import's transaction.
    cache.set(_progress_key(job_id), (done, total), PROGRESS_TIMEOUT)


def progress(job: ImportJob) -> dict:
    """How far the job is: rows checked, rows in all, percentage."""
    if job.finished:
        total = job.total_rows
        return {"done": total, "total": total, "percent": 100}
    done, total = cache.get(_progress_key(job.pk)) or (0, job.total_rows)
    percent = int(done * 100 / total) if total else 0
    return {"done": done, "total": total, "percent": min(percent, 99)}


# --- Running -------------------------------------------------------------------------------


def run_job(job_id: int) -> None:
    """The queue's task: the preview or the import of one job."""
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None or job.status != ImportJob.Status.QUEUED:
        return
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)
    try:
        _run(job)
    except Exception:
        logger.exception("import_job_failed", extra={"event": "import_job_failed"})
        _finish(job, ImportJob.Status.FAILED, message=CRASHED, drop_file=True)


def _run(job: ImportJob) -> None:
    try:
        dataset = FORMATS[job.file_format]().create_dataset(bytes(job.content))
    except ImportFileError as error:
        _finish(job, ImportJob.Status.FAILED, message=str(error), drop_file=True)
        return
    total = dataset.height
    ImportJob.objects.filter(pk=job.pk).update(total_rows=total)
    job.total_rows = total
    _set_progress(job.pk, 0, total)
    resource = RESOURCES[job.model_name](
        progress=lambda done: _set_progress(job.pk, done, total),
    )
    problems = resource.header_problems(dataset.headers)
    if problems:
        _finish(job, ImportJob.Status.FAILED, message=" ".join(problems), drop_file=True)
        return
    dry_run = job.stage == ImportJob.Stage.PREVIEW
    result = resource.import_data(
        dataset,
        dry_run=dry_run,
        use_transactions=True,
        rollback_on_validation_errors=True,
        raise_errors=False,
        user=job.user,
    )
    for error in result.base_errors:
        logger.error(
            "import_job_error", extra={"event": "import_job_error", "error": repr(error.error)}
        )
    summary = summarise(result)
    failed = bool(summary["errors"] or summary["base_errors"])
    if dry_run:
        _finish(job, ImportJob.Status.DONE, summary=summary, drop_file=failed)
    else:
        _finish(
            job,
            ImportJob.Status.FAILED if failed else ImportJob.Status.DONE,
            summary=summary,
            message=NOTHING_SAVED if failed else "",
            drop_file=True,
        )


def _finish(job, status, *, summary=None, message="", drop_file=False) -> None:
    fields = {"status": status, "message": message, "finished_at": timezone.now()}
    if summary is not None:
        fields["summary"] = summary
    if drop_file:
        fields["content"] = b""
    ImportJob.objects.filter(pk=job.pk).update(**fields)
    cache.delete(_progress_key(job.pk))


def _messages(error_dict: dict) -> list[dict]:
    return [
        {"column": "" if column == NON_FIELD_ERRORS else column, "message": str(message)}
        for column, messages in error_dict.items()
        for message in messages
    ]


def summarise(result) -> dict:
    """What a page shows of an import's result, as JSON: counts, the first rows (what each
    does, to which offer or organisation, which columns it changes), every row's errors."""
    totals = {label: 0 for label in ("nieuw", "gewijzigd", "ongewijzigd", "fout")}
    rows, errors = [], []
    for number, row in enumerate(result.rows, start=1):
        label = TYPE_LABELS.get(row.import_type, "fout")
        totals[label] = totals.get(label, 0) + 1
        if label == "fout":
            continue
        if len(rows) < ROWS_SHOWN:
            rows.append(
                {
                    "number": number,
                    "type": label,
                    "object": row.object_repr or "",
                    "changes": getattr(row, "changed_columns", None) or [],
                }
            )
    for invalid in result.invalid_rows:
        if len(errors) < ERRORS_KEPT:
            errors.append({"number": invalid.number, "messages": _messages(invalid.error_dict)})
    for number, _row_errors in result.row_errors():
        if len(errors) < ERRORS_KEPT:
            errors.append({"number": number, "messages": [{"column": "", "message": ROW_FAILED}]})
    errors.sort(key=lambda error: error["number"])
    error_count = len(result.invalid_rows) + len(result.row_errors())
    return {
        "totals": totals,
        "rows": rows,
        "rows_left_off": max(0, len(result.rows) - error_count - len(rows)),
        "errors": errors,
        "error_count": error_count,
        "base_errors": [CRASHED] if result.base_errors else [],
    }
