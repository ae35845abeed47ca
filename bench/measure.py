"""The measuring half of the benchmark: servers, samples, workers and load (see bench/run.py).

`Run.execute()` drives a whole run and returns its results as a dict, which bench/report.py
turns into docs/benchmark.md. The `worker_*` functions run in a child process with the
benchmark's Django settings (`python -m bench.run --worker ...`); each prints JSON or text.
"""

import http.client
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HOST = "127.0.0.1"
PORT = int(os.environ.get("BENCH_PORT", "8804"))
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/4")
NATIONAL = {"organisations": 2500, "offers": 12500, "seed": 1, "snapshots": 24}
# BENCH_SCALE=5 adds a run on PostgreSQL at that many times the national size.
SCALE = int(os.environ.get("BENCH_SCALE", "1"))
LARGE = {"organisations": 2500 * SCALE, "offers": 12500 * SCALE, "seed": 1, "snapshots": 24}
TRIVIAL = "/bench/ok/"
# Stop starting new steps after this long, so that a run stays well under 15 minutes (30 with
# the large run).
DEADLINE_SECONDS = (25 if SCALE > 1 else 12) * 60
# The data version's key in the bench's Redis database (Django's default key function), which
# the cold measurement raises as a save does.
VERSION_REDIS_KEY = ":1:sociale-kaart:data-version"

# (label, path, kind); {offer} and {organisation} are filled in per data set.
PAGES = [
    ("Triviale view", TRIVIAL, "trivial"),
    ("Home", "/", "page"),
    ("Matrix HGKM", "/kaart/hgkm/", "matrix"),
    (
        "Matrix HGKM, 2 filters",
        "/kaart/hgkm/?role=aanbieder&age_group=minderjarigen",
        "matrix",
    ),
    ("Matrix seksueel geweld", "/kaart/seksueel-geweld/", "matrix"),
    (
        "Matrix seksueel geweld, 2 filters",
        "/kaart/seksueel-geweld/?role=aanbieder&target_group=plegers",
        "matrix",
    ),
    ("Matrix JSON", "/api/kaart/hgkm/", "page"),
    ("Matrix JSON, 2 filters", "/api/kaart/hgkm/?role=aanbieder&age_group=minderjarigen", "page"),
    ("Zoeken", "/aanbod/", "page"),
    ("Zoeken, één cel", "/aanbod/?violence_type=kindermishandeling&phase=preventie", "page"),
    ("Zoeken, vrije tekst", "/aanbod/?q=daderhulp", "page"),
    ("Zoeken JSON", "/api/aanbod/", "page"),
    ("Zoeken JSON, 100 per pagina", "/api/aanbod/?per_page=100", "page"),
    (
        "Zoeken JSON, één cel",
        "/api/aanbod/?violence_type=kindermishandeling&phase=preventie",
        "page",
    ),
    ("HSDS diensten", "/api/hsds/services?per_page=100", "page"),
    # The phase Preventie: its UUID is derived from its slug, the same in every database.
    (
        "HSDS diensten, één term",
        "/api/hsds/services?per_page=100&taxonomy_term_id=bdc14493-b225-573d-9d7c-d8e195b891a4",
        "page",
    ),
    ("Aanbod", "/aanbod/{offer}/", "page"),
    ("Organisaties", "/organisaties/", "page"),
    ("Organisatie", "/organisaties/{organisation}/", "page"),
    ("Monitor", "/monitor/", "page"),
    ("Monitor JSON", "/api/monitor/", "page"),
    ("Excel HGKM", "/kaart/hgkm/export.xlsx", "excel"),
    ("Excel beide matrices", "/kaart/export.xlsx", "excel"),
]

# Warm samples: rounds over all pages (see `interleaved`).
ROUNDS_MIN, ROUNDS_MAX, ROUNDS_BUDGET, SLOW_ROUNDS = 5, 40, 15.0, 3
COLD_SAMPLES = 3  # cold Excel downloads over HTTP, each on a fresh server
COLD_HTTP_SAMPLES = 5  # first requests after a save, per page
# What referrers load while partners save (the churn run): matrices and searches.
CHURN_PATHS = [
    "/",
    "/kaart/hgkm/",
    "/kaart/hgkm/?role=aanbieder&age_group=minderjarigen",
    "/kaart/seksueel-geweld/",
    "/api/kaart/hgkm/",
    "/aanbod/",
    "/aanbod/?violence_type=kindermishandeling&phase=preventie",
    "/api/aanbod/?per_page=100",
]
CHURN_SECONDS = 30
SLOW_MS = 300  # a page whose warm request takes longer is sampled only SLOW_ROUNDS times
LOAD_CONNECTIONS = 4


# Samples -----------------------------------------------------------------------------------


def summarise(samples: list[float]) -> dict:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"median_ms": statistics.median(ordered) * 1000, "p95_ms": p95 * 1000, "n": len(samples)}


def interleaved(get, paths: list[str], slow: set[str]) -> dict[str, list[float]]:
    """Warm latencies per path, measured in rounds that request every path once, each after
    the trivial view, so that noise from other work on the machine falls on all pages alike
    and the ratios stay fair. At least ROUNDS_MIN rounds, at most ROUNDS_MAX, no new round
    after ROUNDS_BUDGET seconds; `slow` paths (e.g. exports) only in the first SLOW_ROUNDS."""
    samples: dict[str, list[float]] = {TRIVIAL: [], **{path: [] for path in paths}}
    order = [step for path in paths if path != TRIVIAL for step in (TRIVIAL, path)]
    started = time.perf_counter()
    for round_number in range(ROUNDS_MAX):
        if round_number >= ROUNDS_MIN and time.perf_counter() - started > ROUNDS_BUDGET:
            break
        for path in order:
            if path in slow and round_number >= SLOW_ROUNDS:
                continue
            begin = time.perf_counter()
            get(path)
            samples[path].append(time.perf_counter() - begin)
    return samples


def http_get(path: str, timeout: float = 60) -> int:
    """GET `path` from the benchmark's gunicorn on a new connection; the status."""
    return http_fetch(path, timeout=timeout)[0]


def http_fetch(path: str, timeout: float = 60, encoding: str = "identity") -> tuple[int, int]:
    """GET `path` on a new connection: the status and the bytes of the body on the wire."""
    connection = http.client.HTTPConnection(HOST, PORT, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Accept-Encoding": encoding})
        response = connection.getresponse()
        return response.status, len(response.read())
    finally:
        connection.close()


# Workers: run in a child process with the benchmark's Django settings ------------------------


def _response_cached(path: str) -> bool:
    """Whether the whole-response cache serves `path` to an anonymous visitor: its view is
    marked with `cache_public_page` for every query parameter in it."""
    from django.urls import resolve

    from sociale_kaart.response_cache import PARAMS_ATTRIBUTE

    parts = urlsplit(path)
    allowed = getattr(resolve(parts.path).func, PARAMS_ATTRIBUTE, None)
    return allowed is not None and all(name in allowed for name, _ in parse_qsl(parts.query))


def worker_inprocess(args) -> None:
    """Measure every page with the Django test client; print the results as JSON."""
    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from providers.models import Offer, Organisation, Position

    offer = (
        Offer.objects.published()
        .annotate(cells=Count("positions"))
        .order_by("-cells", "slug")
        .first()
    )
    organisation = (
        Organisation.objects.annotate(offer_count=Count("offers"))
        .order_by("-offer_count", "slug")
        .first()
    )
    fill = {"offer": offer.slug, "organisation": organisation.slug}
    client = Client(raise_request_exception=False)
    client.get(TRIVIAL)  # load the URLconf, templates engine and middleware once
    pages = []
    for label, template, kind in PAGES:
        path = template.format(**fill)
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            begin = time.perf_counter()
            response = client.get(path)
            cold = time.perf_counter() - begin
        # Counted before the next request: its start empties the connection's query log.
        query_count = len(queries.captured_queries)
        if response.status_code != 200:
            sys.exit(f"{label} ({path}) answered {response.status_code}, not 200.")
        compressed = client.get(path, HTTP_ACCEPT_ENCODING="gzip")
        pages.append(
            {
                "label": label,
                "path": path,
                "kind": kind,
                "status": response.status_code,
                "queries": query_count,
                "cold_ms": cold * 1000,
                "response_cached": _response_cached(path),
                "bytes": len(response.content),
                "wire_bytes": len(compressed.content),
            }
        )
    paths = [page["path"] for page in pages]
    slow = set()
    for path in paths:  # warm every cache again after the cold requests; spot slow pages
        client.get(path)
        begin = time.perf_counter()
        client.get(path)
        if (time.perf_counter() - begin) * 1000 > SLOW_MS:
            slow.add(path)
    samples = interleaved(client.get, paths, slow)
    for page in pages:
        page.update(summarise(samples[page["path"]]))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            database_version = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            cursor.execute("SELECT sqlite_version()")
            database_version = f"SQLite {cursor.fetchone()[0]}"
    print(
        json.dumps(
            {
                "pages": pages,
                "database": database_version,
                "counts": {
                    "organisations": Organisation.objects.count(),
                    "offers": Offer.objects.count(),
                    "published": Offer.objects.published().count(),
                    "positions": Position.objects.count(),
                },
            }
        )
    )


def worker_explain(args) -> None:
    """Print EXPLAIN ANALYZE (PostgreSQL) of the queries behind matrix, search and filters."""
    import django

    django.setup()
    from datetime import date, timedelta

    from django.db import connection

    from frameworks.models import Framework
    from providers.matrix.coverage import cell_organisations_query
    from providers.models import Offer
    from providers.selectors import Scope, offer_selection

    def selection(data, scope):
        selected = offer_selection(data, scope=scope)
        if not selected.is_valid():
            sys.exit(f"invalid filters {data}: {selected.errors.as_json()}")
        return selected.qs

    framework = Framework.objects.get(slug="hgkm")
    violence_type_ids = list(framework.violence_types.values_list("pk", flat=True))
    filtered = selection({"role": "aanbieder", "age_group": "minderjarigen"}, Scope.MATRIX)
    cell = selection({"violence_type": "kindermishandeling", "phase": "preventie"}, Scope.SEARCH)
    year_ago = date.today() - timedelta(days=365)
    queries = [
        (
            "Alle matrices zonder filter, de gedeelde basis (`cell_organisations_query`): één "
            "gegroepeerde query over alle gepubliceerde posities, per cel de organisaties",
            cell_organisations_query(),
        ),
        (
            "Matrix HGKM met rol = aanbieder en leeftijdsgroep = minderjarigen (via "
            "`offer_selection`)",
            cell_organisations_query(violence_type_ids, filtered),
        ),
        (
            "Zoeken naar één cel (kindermishandeling x preventie), zoals 'en N meer' linkt: "
            "`position_cell_offer_idx`",
            cell,
        ),
        ("Aanbodpagina op slug", Offer.objects.published().filter(slug=cell.first().slug)),
        (
            "Beheer: recent gewijzigd aanbod (`offer_updated_at_idx`)",
            Offer.objects.order_by("-updated_at")[:25],
        ),
        (
            "Beheer: langst niet gecontroleerd (`offer_last_verified_idx`)",
            Offer.objects.filter(last_verified__lt=year_ago).order_by("last_verified")[:25],
        ),
    ]
    out = []
    for title, queryset in queries:
        sql, params = queryset.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        out.append(f"**{title}**\n\n```\n{plan}\n```\n")
    print("\n".join(out))


def worker_load(args) -> None:
    """A small threaded load generator (used when wrk is not installed)."""
    paths = json.loads(args.paths)
    stop_at = time.monotonic() + args.seconds
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()

    def run(offset):
        nonlocal errors
        index = offset
        while time.monotonic() < stop_at:
            path = paths[index % len(paths)]
            index += 1
            begin = time.perf_counter()
            try:
                status = http_get(path, timeout=10)
            except OSError:
                with lock:
                    errors += 1
                continue
            with lock:
                latencies.append(time.perf_counter() - begin)
                if status >= 400:
                    errors += 1

    threads = [threading.Thread(target=run, args=(i,)) for i in range(args.connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ordered = sorted(latencies)
    print(
        json.dumps(
            {
                "tool": f"Python, {args.connections} threads",
                "requests": len(latencies),
                "seconds": args.seconds,
                "p50_ms": statistics.median(ordered) * 1000 if ordered else None,
                "p95_ms": ordered[round(0.95 * (len(ordered) - 1))] * 1000 if ordered else None,
                "p99_ms": ordered[round(0.99 * (len(ordered) - 1))] * 1000 if ordered else None,
                "errors": errors,
            }
        )
    )


def worker_churn(args) -> None:
    """One offer save per second for `--seconds`, as partners save in the admin (through
    `providers.services.offer_save`, in a transaction, bumping the data version); prints how
    many saves were made."""
    import django

    django.setup()
    from providers.models import Offer
    from providers.services import offer_save

    pks = list(Offer.objects.published().order_by("pk").values_list("pk", flat=True)[:500])
    stop_at = time.monotonic() + args.seconds
    saves = 0
    while time.monotonic() < stop_at:
        began = time.monotonic()
        offer = Offer.objects.get(pk=pks[saves % len(pks)])
        offer.waiting_weeks = ((offer.waiting_weeks or 0) + 1) % 12
        offer_save(offer=offer, user=None)
        saves += 1
        time.sleep(max(0.0, 1.0 - (time.monotonic() - began)))
    print(json.dumps({"saves": saves, "seconds": args.seconds}))


def worker_import(args) -> None:
    """The 10,000-row offers import, preview and confirm (bench/import_bench.py), as JSON."""
    import django

    django.setup()
    from bench.import_bench import measure_import

    print(json.dumps(measure_import()))


WORKERS = {
    "inprocess": worker_inprocess,
    "explain": worker_explain,
    "load": worker_load,
    "churn": worker_churn,
    "import": worker_import,
}


# The machine -------------------------------------------------------------------------------


def machine() -> dict:
    import django

    def read(path):
        try:
            return Path(path).read_text()
        except OSError:
            return ""

    cpu = re.search(r"model name\s*:\s*(.*)", read("/proc/cpuinfo"))
    memory = re.search(r"MemTotal:\s*(\d+) kB", read("/proc/meminfo"))
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(  # changes to tracked files, the report itself aside
        ["git", "status", "--porcelain", "--untracked-files=no", "--", ".", ":!docs/benchmark.md"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return {
        "cpu": cpu.group(1).strip() if cpu else platform.processor() or "onbekend",
        "cores": os.cpu_count(),
        "memory": f"{int(memory.group(1)) / 1024 / 1024:.1f} GiB" if memory else "onbekend",
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "commit": commit + (" (met niet-gecommitte wijzigingen)" if dirty else ""),
    }


# The run -----------------------------------------------------------------------------------


class Run:
    """One benchmark run: `execute()` measures every backend and size; `tmp` is removed by
    the caller afterwards."""

    def __init__(self, *, quick: bool, load_seconds: int):
        self.quick = quick
        self.load_seconds = load_seconds
        self.started = time.monotonic()
        self.tmp = Path(tempfile.mkdtemp(prefix="sk-bench-"))
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "PYTHONPATH": str(ROOT),
            "DEBUG": "0",
            "SECRET_KEY": "benchmark-only-not-secret",
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "BENCH_STATIC_ROOT": str(self.tmp / "static"),
            "LOG_LEVEL": "ERROR",
        }
        self.env.pop("REDIS_URL", None)
        self.notes: list[str] = []

    def log(self, message: str) -> None:
        elapsed = time.monotonic() - self.started
        print(f"[{elapsed:6.1f} s] {message}", file=sys.stderr, flush=True)

    def out_of_time(self) -> bool:
        return time.monotonic() - self.started > DEADLINE_SECONDS

    def python(self, env, *argv) -> str:
        """Run `python *argv` in the project root; its output, or exit with its errors."""
        result = subprocess.run(
            [PYTHON, *argv], cwd=ROOT, env=env, capture_output=True, text=True, check=False
        )
        if result.returncode:
            sys.exit(f"{' '.join(argv)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def manage(self, env, *command) -> str:
        return self.python(env, "manage.py", *command)

    def demo_data(self, env, *options) -> str:
        return self.python(env, "-m", "bench.generate_demo_data", *options)

    def worker(self, env, name, *extra) -> str:
        return self.python(env, "-m", "bench.run", "--worker", name, *extra)

    @staticmethod
    def redis_available() -> bool:
        try:
            import redis

            redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping()
            return True
        except Exception:  # noqa: BLE001 - any failure means: run without Redis
            return False

    # Gunicorn

    def start_server(self, env, workers=2):
        with socket.socket() as probe:
            if probe.connect_ex((HOST, PORT)) == 0:
                sys.exit(f"Port {PORT} is in use; set BENCH_PORT to a free port.")
        log = (self.tmp / "gunicorn.log").open("ab")
        process = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "sociale_kaart.wsgi:application",
                "--bind",
                f"{HOST}:{PORT}",
                "--workers",
                str(workers),
                "--timeout",
                "60",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=log,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if http_get(TRIVIAL, timeout=2) == 200:
                    return process
            except OSError:
                time.sleep(0.2)
        process.terminate()
        sys.exit(f"gunicorn did not start; see {self.tmp / 'gunicorn.log'}")

    @staticmethod
    def stop_server(process) -> None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def measure_http(self, env, pages) -> dict[str, dict]:
        """Sequential requests per page against gunicorn (2 workers)."""
        server = self.start_server(env)
        try:
            paths = [page["path"] for page in pages]
            slow = {page["path"] for page in pages if page["median_ms"] > SLOW_MS}
            for _ in range(3):  # warm up both workers and the cache
                for path in paths:
                    http_get(path)
            statuses: dict[str, set[int]] = {path: set() for path in paths}

            def get(path):
                statuses[path].add(http_get(path))

            samples = interleaved(get, paths, slow)
            return {
                path: {**summarise(samples[path]), "statuses": sorted(statuses[path])}
                for path in paths
            }
        finally:
            self.stop_server(server)

    def measure_cold_downloads(self, env, pages) -> dict[str, dict]:
        """The Excel downloads with nothing cached, over HTTP, as a user gets them after a change.

        Each sample runs on a freshly started gunicorn (and, with Redis, an emptied cache), after
        a few requests of the trivial view have woken its workers.
        """
        results = {}
        for page in pages:
            if page["kind"] != "excel":
                continue
            samples, statuses = [], set()
            for _ in range(COLD_SAMPLES):
                if "REDIS_URL" in env:
                    import redis

                    redis.Redis.from_url(env["REDIS_URL"], socket_timeout=5).flushdb()
                server = self.start_server(env)
                try:
                    for _ in range(4):
                        http_get(TRIVIAL)
                    begin = time.perf_counter()
                    statuses.add(http_get(page["path"]))
                    samples.append((time.perf_counter() - begin) * 1000)
                finally:
                    self.stop_server(server)
            results[page["path"]] = {
                "median_ms": statistics.median(samples),
                "max_ms": max(samples),
                "statuses": sorted(statuses),
            }
        return results

    def measure_cold_http(self, env, pages) -> dict[str, dict]:
        """The first request of each page after a save, over HTTP: the data version raised in
        the bench's Redis database (as every save raises it), then the trivial view and the
        page, COLD_HTTP_SAMPLES times per page. Also the bytes each page sends, plain and
        with `Accept-Encoding: gzip`."""
        import redis

        client = redis.Redis.from_url(env["REDIS_URL"], socket_timeout=5)
        server = self.start_server(env)
        try:
            for page in pages:  # wake both workers: code, templates, connections
                http_get(page["path"])
            results = {}
            for page in pages:
                if page["kind"] in ("trivial", "excel"):
                    continue
                trivial, cold, statuses = [], [], set()
                for _ in range(COLD_HTTP_SAMPLES):
                    client.incr(VERSION_REDIS_KEY)
                    begin = time.perf_counter()
                    http_get(TRIVIAL)
                    trivial.append((time.perf_counter() - begin) * 1000)
                    begin = time.perf_counter()
                    status, plain = http_fetch(page["path"])
                    cold.append((time.perf_counter() - begin) * 1000)
                    statuses.add(status)
                _, wire = http_fetch(page["path"], encoding="gzip")
                results[page["path"]] = {
                    "median_ms": statistics.median(cold),
                    "max_ms": max(cold),
                    "trivial_ms": statistics.median(trivial),
                    "statuses": sorted(statuses),
                    "bytes": plain,
                    "wire_bytes": wire,
                }
            return results
        finally:
            self.stop_server(server)

    def churn(self, env) -> dict:
        """Referrers loading matrices and searches (CHURN_PATHS, LOAD_CONNECTIONS threads),
        first quiet, then while a partner saves an offer every second; the same server."""
        server = self.start_server(env)
        try:
            for path in CHURN_PATHS:
                http_get(path)
            load_args = (
                "--paths",
                json.dumps(CHURN_PATHS),
                "--seconds",
                str(CHURN_SECONDS),
                "--connections",
                str(LOAD_CONNECTIONS),
            )
            quiet = json.loads(self.worker(env, "load", *load_args))
            saver = subprocess.Popen(
                [PYTHON, "-m", "bench.run", "--worker", "churn", "--seconds", str(CHURN_SECONDS)],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                text=True,
            )
            busy = json.loads(self.worker(env, "load", *load_args))
            saves = json.loads(saver.communicate(timeout=CHURN_SECONDS + 60)[0])
            return {"quiet": quiet, "churn": busy, "saves": saves["saves"]}
        finally:
            self.stop_server(server)

    def load(self, env, pages) -> dict:
        """Bounded load against gunicorn (2 workers) from a second process: every page but the
        trivial view, the Excel exports a quarter as often as the others."""
        weights = {"excel": 1, "trivial": 0}
        paths = [page["path"] for page in pages for _ in range(weights.get(page["kind"], 4))]
        server = self.start_server(env)
        try:
            if shutil.which("wrk"):
                return self._wrk(paths, self.load_seconds)
            output = self.worker(
                env,
                "load",
                "--paths",
                json.dumps(paths),
                "--seconds",
                str(self.load_seconds),
                "--connections",
                str(LOAD_CONNECTIONS),
            )
            return json.loads(output)
        finally:
            self.stop_server(server)

    def _wrk(self, paths, seconds) -> dict:
        script = self.tmp / "mix.lua"
        script.write_text(
            "local paths = {"
            + ", ".join(json.dumps(path) for path in paths)
            + "}\n"
            + """local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d %d %d %d\\n", summary.requests,
    summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95)))
end
"""
        )
        result = subprocess.run(
            [
                "wrk",
                "-t2",
                f"-c{LOAD_CONNECTIONS}",
                f"-d{seconds}s",
                "--timeout",
                "10s",
                "-s",
                str(script),
                f"http://{HOST}:{PORT}/",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        match = re.search(r"RESULT (.*)", result.stdout)
        requests, duration, connect, read, write, status, timeout, p50, p95 = map(
            int, match.group(1).split()
        )
        return {
            "tool": f"wrk, 2 threads, {LOAD_CONNECTIONS} connections",
            "requests": requests,
            "seconds": duration / 1e6,
            "p50_ms": p50 / 1000,
            "p95_ms": p95 / 1000,
            "errors": connect + read + write + status + timeout,
        }

    # The whole run

    def backends(self) -> list[tuple[str, str]]:
        backends = [("SQLite", f"sqlite:///{self.tmp / 'bench.sqlite3'}")]
        url = os.environ.get("DATABASE_URL", "")
        if url.startswith(("postgres://", "postgresql://")):
            name = urlsplit(url).path.lstrip("/")
            if "bench" not in name and name != os.environ.get("BENCH_ALLOW_DATABASE"):
                sys.exit(
                    f"DATABASE_URL points to '{name}'; the benchmark replaces the demo data and "
                    "reloads the baseline, so it only runs on a database whose name contains "
                    "'bench' (createdb -h 127.0.0.1 -U postgres sk_bench), or on the one "
                    "named in BENCH_ALLOW_DATABASE."
                )
            backends.append(("PostgreSQL", url))
        return backends

    def generate_national(self, env, backend, size=NATIONAL, label="national") -> dict:
        """Generate the demo data of `size` (in place of any earlier demo data); how long it
        took, inside and with Django's start."""
        self.log(f"{backend}: generate_demo_data {label}")
        begin = time.perf_counter()
        output = self.demo_data(
            env,
            "--clear",
            "--organisations",
            str(size["organisations"]),
            "--offers",
            str(size["offers"]),
            "--seed",
            str(size["seed"]),
            # The monitor's trend: two years of monthly snapshots.
            "--snapshots",
            str(size["snapshots"]),
        )
        wall = time.perf_counter() - begin
        inner = re.search(r"gemaakt in ([\d.]+) s", output)
        return {
            "backend": backend,
            "size": label,
            "seconds": float(inner.group(1)) if inner else wall,
            "wall": wall,
        }

    def measure_size(self, env, http_env, backend, size) -> dict:
        """Everything measured on one backend at one size (the large size: cold and sizes)."""
        self.log(f"{backend}, {size}: in-process")
        inprocess = json.loads(self.worker(env, "inprocess"))
        pages = inprocess["pages"]
        run = {
            "backend": backend,
            "size": size,
            "database": inprocess["database"],
            "counts": inprocess["counts"],
            "pages": pages,
            "http": {},
        }
        if "REDIS_URL" in http_env and backend == "PostgreSQL" and size != "baseline":
            self.log(f"{backend}, {size}: cold over HTTP, after a save")
            run["cold_http"] = self.measure_cold_http(http_env, pages)
        if size == "large":
            return run
        self.log(f"{backend}, {size}: HTTP")
        run["http"] = self.measure_http(http_env, pages)
        self.log(f"{backend}, {size}: Excel downloads, cold, over HTTP")
        run["cold_downloads"] = self.measure_cold_downloads(http_env, pages)
        if size == "national":
            self.log(f"{backend}, {size}: import of 10,000 rows")
            run["import"] = json.loads(self.worker(env, "import").strip().splitlines()[-1])
        if backend == "PostgreSQL" and size == "national":
            self.log(f"{backend}, {size}: HTTP without whole-response cache")
            run["http_no_response_cache"] = self.measure_http(
                {**http_env, "CACHE_WHOLE_RESPONSES": "0"},
                [page for page in pages if page["kind"] == "trivial" or page["response_cached"]],
            )
            self.log(f"{backend}, {size}: load for {self.load_seconds} s")
            run["load"] = self.load(http_env, pages)
            if "REDIS_URL" in http_env:
                self.log(f"{backend}, {size}: churn, {CHURN_SECONDS} s quiet and saving")
                run["churn"] = self.churn(http_env)
            self.log(f"{backend}, {size}: EXPLAIN")
            run["explain"] = self.worker(env, "explain")
        return run

    def execute(self) -> dict:
        report = {
            "started": datetime.now().astimezone(),
            "load_start": os.getloadavg(),
            "runs": [],
            "generation": [],
            "notes": self.notes,
        }
        http_env_extra = {"REDIS_URL": REDIS_URL} if self.redis_available() else {}
        if not http_env_extra:
            self.notes.append(
                f"Redis ({REDIS_URL}) was niet bereikbaar: gunicorn draaide met de cache in het "
                "geheugen van elk proces."
            )
        self.log("collectstatic")
        self.manage(self.env, "collectstatic", "--noinput")
        sizes = ["baseline"] if self.quick else ["baseline", "national"]
        for backend, url in self.backends():
            backend_sizes = sizes + (
                ["large"] if backend == "PostgreSQL" and SCALE > 1 and not self.quick else []
            )
            env = {**self.env, "DATABASE_URL": url}
            self.log(f"{backend}: migrate, baseline")
            self.manage(env, "migrate", "--noinput")
            self.demo_data(env, "--clear")
            self.manage(env, "load_baseline", "--force")
            for size in backend_sizes:
                if self.out_of_time():
                    self.notes.append(f"{backend}, {size}: overgeslagen (tijdslimiet).")
                    continue
                if size == "national":
                    report["generation"].append(self.generate_national(env, backend))
                if size == "large":
                    report["generation"].append(
                        self.generate_national(env, backend, LARGE, "large")
                    )
                http_env = {**env, **http_env_extra}
                report["runs"].append(self.measure_size(env, http_env, backend, size))
            self.demo_data(env, "--clear")
        report["load_end"] = os.getloadavg()
        report["elapsed"] = time.monotonic() - self.started
        return report
