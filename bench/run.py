"""The benchmark behind `make bench`; writes docs/benchmark.md (see there for how to read it).

    .venv/bin/python bench/run.py [--output docs/benchmark.md] [--load-seconds 60] [--quick]

For SQLite (a fresh file in a temporary directory) and, when DATABASE_URL points to
PostgreSQL, for that database (its name must contain "bench": the run replaces its demo data
and reloads the baseline), at baseline size (the 2023 inventory) and at national size
(`python -m bench.generate_demo_data`, 2,500 organisations and 12,500 offers on top of the
baseline):

- per page: the query count and latency of a cold request (caches cleared), and the median and
  95th percentile of warm requests, in-process (Django test client) and over HTTP (gunicorn on
  127.0.0.1, 2 workers, DEBUG off), each also as a ratio to a trivial view that only answers
  "ok", measured in the same run. A page that does not answer 200 stops the run;
- the Excel downloads cold over HTTP, as a user gets them after a change: each of a few samples
  on a freshly started gunicorn with the bench's Redis database emptied (warm, they come from
  the cache);
- on PostgreSQL at national size: the pages served from the whole-response cache with that
  cache switched off (to show what it buys), a load run of `--load-seconds` against gunicorn
  (wrk when installed, otherwise a small threaded Python client in a second process), and
  EXPLAIN ANALYZE of the queries behind the matrix, the search and the filters.

Only loopback traffic; every step is bounded in samples and time. bench/measure.py measures,
bench/report.py writes the Markdown; this module is the command line.
"""

import argparse
import shutil
import sys
from pathlib import Path

if not __package__:  # run as a script (`python bench/run.py`): make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import measure, report  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # A child process of the run measures with the benchmark's Django settings.
    parser.add_argument("--worker", choices=sorted(measure.WORKERS), help=argparse.SUPPRESS)
    parser.add_argument("--paths", help=argparse.SUPPRESS)
    parser.add_argument("--seconds", type=float, default=60, help=argparse.SUPPRESS)
    parser.add_argument("--connections", type=int, default=4, help=argparse.SUPPRESS)
    parser.add_argument("--output", default=str(measure.ROOT / "docs" / "benchmark.md"))
    parser.add_argument("--load-seconds", type=int, default=60)
    parser.add_argument(
        "--quick", action="store_true", help="alleen basisgegevens, zonder belasting (proefrit)"
    )
    args = parser.parse_args()
    if args.worker:
        measure.WORKERS[args.worker](args)
        return

    run = measure.Run(quick=args.quick, load_seconds=args.load_seconds)
    try:
        results = run.execute()
    finally:
        shutil.rmtree(run.tmp, ignore_errors=True)
    text = report.markdown(results, measure.machine())
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    print(text)
    run.log(f"written to {output}")


if __name__ == "__main__":
    main()
