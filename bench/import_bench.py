"""The 10,000-row import of the benchmark: how long the municipality waits for the preview and
for the confirmed import of a large offers file (bench/import_file.py), measured on the
database the settings name. Needs Django set up.

The job runs as the queue's worker would run it (`providers.import_jobs.run_job`, here inline
in this process), preview first, then the import in one transaction; everything, the job
included, is rolled back at the end, so the database is left as it was (the commit itself is
not timed). Wall-clock and processor seconds are both reported: on a shared machine the wall
clock also counts the time other processes hold the cores.
"""

import os
import sys
import time
from pathlib import Path

if __name__ == "__main__":  # pragma: no cover - command line
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sociale_kaart.settings")
    import django

    django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import transaction  # noqa: E402

from bench.import_file import offers_xlsx  # noqa: E402
from providers import import_jobs  # noqa: E402
from providers.imports import SafeXLSX  # noqa: E402
from providers.models import ImportJob, Offer  # noqa: E402

ROWS = 10_000
SEED = 11


class _RollBack(Exception):
    pass


def _timed(function):
    wall, cpu = time.perf_counter(), time.process_time()
    result = function()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def measure_import(rows: int = ROWS, seed: int = SEED) -> dict:
    content = offers_xlsx(rows, seed)
    offers_before = Offer.objects.count()
    settings.IMPORT_JOBS_INLINE = True
    result = {"rows": rows, "file_bytes": len(content), "offers_before": offers_before}
    try:
        with transaction.atomic():
            user = get_user_model().objects.create(
                username=f"bench-import-{os.getpid()}", is_staff=True
            )
            _, result["upload_seconds"], result["upload_cpu"] = _timed(
                lambda: SafeXLSX().create_dataset(content, header_only=True)
            )
            job, result["preview_seconds"], result["preview_cpu"] = _timed(
                lambda: import_jobs.start_preview(
                    model_name="offer",
                    file_name="bench.xlsx",
                    file_format="xlsx",
                    content=content,
                    user=user,
                )
            )
            job.refresh_from_db()
            if not import_jobs.can_confirm(job):
                raise RuntimeError(f"preview failed: {job.message} {job.summary.get('errors')}")
            result["totals"] = job.summary["totals"]
            _, result["confirm_seconds"], result["confirm_cpu"] = _timed(
                lambda: import_jobs.confirm(job=job, user=user)
            )
            job.refresh_from_db()
            if job.status != ImportJob.Status.DONE:
                raise RuntimeError(f"import failed: {job.message} {job.summary.get('errors')}")
            result["offers_after"] = Offer.objects.count()
            raise _RollBack
    except _RollBack:
        pass
    result["total_seconds"] = result["preview_seconds"] + result["confirm_seconds"]
    return result


if __name__ == "__main__":  # pragma: no cover - command line
    import argparse
    import json

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--seed", type=int, default=SEED)
    arguments = parser.parse_args()
    print(json.dumps(measure_import(arguments.rows, arguments.seed)))
