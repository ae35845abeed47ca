"""The benchmark behind `make bench`; writes docs/benchmark.md (see there for how to read it).

    python bench/run.py [--output docs/benchmark.md] [--load-seconds 60] [--quick]

For SQLite (a fresh file in a temporary directory) and, when DATABASE_URL points to
PostgreSQL, for that database (its name must contain "bench": the run replaces its demo data
and reloads the baseline), at baseline size (the 2023 inventory) and at national size
(`generate_demo_data`, 2,500 organisations and 12,500 offers on top of the baseline):

- per page: the query count and latency of a cold request (caches cleared), and the median and
  95th percentile of warm requests, in-process (Django test client) and over HTTP (gunicorn on
  127.0.0.1, 2 workers, DEBUG off), each also as a ratio to a trivial view that only answers
  "ok", measured in the same run. A page that answers 404 (not merged yet) is reported as
  "niet beschikbaar";
- the Excel downloads cold over HTTP, as a user gets them after a change: each of a few samples
  on a freshly started gunicorn with the bench's Redis database emptied (warm, they come from
  the cache);
- on PostgreSQL at national size: the same pages with whole-response caching switched off (to
  show what it buys), a load run of `--load-seconds` against gunicorn (wrk when installed,
  otherwise a small threaded Python client in a second process), and EXPLAIN ANALYZE of the
  queries behind the matrix, the search and the filters.

Only loopback traffic; every step is bounded in samples and time.
"""

import argparse
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
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HOST = "127.0.0.1"
PORT = int(os.environ.get("BENCH_PORT", "8804"))
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/4")
NATIONAL = {"organisations": 2500, "offers": 12500, "seed": 1}
TRIVIAL = "/bench/ok/"
# Stop starting new steps after this long, so that a run stays well under 15 minutes.
DEADLINE_SECONDS = 12 * 60

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
    (
        "Zoeken JSON, één cel",
        "/api/aanbod/?violence_type=kindermishandeling&phase=preventie",
        "page",
    ),
    ("Aanbod", "/aanbod/{offer}/", "page"),
    ("Organisaties", "/organisaties/", "page"),
    ("Organisatie", "/organisaties/{organisation}/", "page"),
    ("Excel HGKM", "/kaart/hgkm/export.xlsx", "excel"),
    ("Excel beide matrices", "/kaart/export.xlsx", "excel"),
]


def is_response_cached(page) -> bool:
    """Home, matrix pages and matrix JSON: served from the whole-response cache when warm."""
    path = urlsplit(page["path"]).path
    return page["kind"] != "excel" and (path == "/" or path.startswith(("/kaart/", "/api/kaart/")))


# Warm samples: rounds over all pages (see `interleaved`).
ROUNDS_MIN, ROUNDS_MAX, ROUNDS_BUDGET, SLOW_ROUNDS = 5, 40, 15.0, 3
COLD_SAMPLES = 3  # cold Excel downloads over HTTP, each on a fresh server
SLOW_MS = 300  # a page whose warm request takes longer is sampled only SLOW_ROUNDS times


# Measuring ---------------------------------------------------------------------------------


def summarise(samples: list[float]) -> dict:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"median_ms": statistics.median(ordered) * 1000, "p95_ms": p95 * 1000, "n": len(samples)}


def interleaved(get, paths: list[str], slow: set[str]) -> dict[str, list[float]]:
    """Warm latencies per path, measured in rounds that request every path once (the trivial
    view before each), so that noise from other work on the machine falls on all pages alike
    and the ratios stay fair. At least ROUNDS_MIN rounds, at most ROUNDS_MAX, no new round
    after ROUNDS_BUDGET seconds; `slow` paths (e.g. exports) only in the first SLOW_ROUNDS."""
    samples: dict[str, list[float]] = {path: [] for path in paths}
    # The trivial view goes before every page, so that it meets the same conditions.
    order = [
        step
        for path in paths
        if path != TRIVIAL
        for step in ([TRIVIAL, path] if TRIVIAL in samples else [path])
    ]
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


def http_get(path: str, timeout: float = 60) -> tuple[int, int]:
    connection = http.client.HTTPConnection(HOST, PORT, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Accept-Encoding": "identity"})
        response = connection.getresponse()
        return response.status, len(response.read())
    finally:
        connection.close()


# Workers: run in a child process with the benchmark's Django settings ------------------------


def worker_inprocess(args) -> None:
    """Measure every page with the Django test client; print the results as JSON."""
    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from providers.filters import OfferFilterSet
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
    fill = {"offer": offer.slug if offer else "-", "organisation": organisation.slug}
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
        result = {
            "label": label,
            "path": path,
            "kind": kind,
            "status": response.status_code,
            "queries": len(queries.captured_queries),
            "cold_ms": cold * 1000,
            "bytes": len(response.content),
        }
        pages.append(result)
    available = [page for page in pages if page["status"] != 404]
    paths = [page["path"] for page in available]
    slow = set()
    for path in paths:  # warm every cache again after the cold requests; spot slow pages
        client.get(path)
        begin = time.perf_counter()
        client.get(path)
        if (time.perf_counter() - begin) * 1000 > SLOW_MS:
            slow.add(path)
    samples = interleaved(client.get, paths, slow)
    for page in available:
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
                "filters": sorted(OfferFilterSet.base_filters),
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
    from providers.filters import OfferFilterSet
    from providers.matrix.coverage import cell_organisations_query, organisations_query
    from providers.models import Offer

    framework = Framework.objects.get(slug="hgkm")
    violence_type_ids = list(framework.violence_types.values_list("pk", flat=True))
    filters = {"role": "aanbieder", "age_group": "minderjarigen"}
    if "age_group" in OfferFilterSet.base_filters:
        filtered = OfferFilterSet(filters, queryset=Offer.objects.published()).qs
        filtered_note = "via `OfferFilterSet`"
    else:
        filtered = Offer.objects.published().filter(
            organisation__role="aanbieder", age_groups__slug="minderjarigen"
        )
        filtered_note = (
            "de filter `age_group` bestaat op deze branch nog niet; dit is de ORM-query die "
            "hij zal maken"
        )
    cell = OfferFilterSet(
        {"violence_type": "kindermishandeling", "phase": "preventie"},
        queryset=Offer.objects.published(),
    ).qs
    year_ago = date.today() - timedelta(days=365)
    queries = [
        (
            "Matrix HGKM, cellen zonder filter (`cell_organisations_query`): leest ongeveer de "
            "helft van alle posities, dus een sequentiële scan met hash joins is hier de goede "
            "keuze",
            cell_organisations_query(violence_type_ids),
        ),
        (
            f"Matrix HGKM met rol = aanbieder en leeftijdsgroep = minderjarigen ({filtered_note})",
            cell_organisations_query(violence_type_ids, filtered),
        ),
        (
            "Nog niet gepositioneerd (`organisations_query`): per organisatie een EXISTS over "
            "`offer_status_org_idx` en de unieke index van de posities",
            organisations_query(violence_type_ids),
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
    errors = {"status": 0, "connection": 0}
    lock = threading.Lock()

    def run(offset):
        index = offset
        while time.monotonic() < stop_at:
            path = paths[index % len(paths)]
            index += 1
            begin = time.perf_counter()
            try:
                status, _ = http_get(path, timeout=10)
            except OSError:
                with lock:
                    errors["connection"] += 1
                continue
            with lock:
                latencies.append(time.perf_counter() - begin)
                if status >= 400:
                    errors["status"] += 1

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
                "errors": errors["status"] + errors["connection"],
                "error_detail": errors,
            }
        )
    )


# The run -----------------------------------------------------------------------------------


class Run:
    def __init__(self, args):
        self.args = args
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

    def manage(self, env, *command) -> str:
        result = subprocess.run(
            [PYTHON, "manage.py", *command],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode:
            sys.exit(f"manage.py {' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def worker(self, env, name, *extra) -> str:
        result = subprocess.run(
            [PYTHON, str(Path(__file__).resolve()), "--worker", name, *extra],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode:
            sys.exit(f"worker {name} failed:\n{result.stderr}")
        return result.stdout

    def redis_available(self) -> bool:
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
                if http_get(TRIVIAL, timeout=2)[0] == 200:
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
        """Sequential requests per available page against gunicorn (2 workers)."""
        server = self.start_server(env)
        try:
            available = [page for page in pages if page["status"] != 404]
            paths = [page["path"] for page in available]
            slow = {page["path"] for page in available if page["median_ms"] > SLOW_MS}
            for _ in range(3):  # warm up both workers and the cache
                for path in paths:
                    http_get(path)
            statuses: dict[str, set[int]] = {path: set() for path in paths}

            def get(path):
                statuses[path].add(http_get(path)[0])

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
            if page["kind"] != "excel" or page["status"] == 404:
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
                    statuses.add(http_get(page["path"])[0])
                    samples.append((time.perf_counter() - begin) * 1000)
                finally:
                    self.stop_server(server)
            results[page["path"]] = {
                "median_ms": statistics.median(samples),
                "max_ms": max(samples),
                "statuses": sorted(statuses),
            }
        return results

    def load(self, env, pages) -> dict:
        """Bounded load against gunicorn (2 workers) from a second process."""
        weights = {"excel": 1, "trivial": 0}
        paths = []
        for page in pages:
            if page["status"] in (200,):
                paths += [page["path"]] * weights.get(page["kind"], 4)
        server = self.start_server(env)
        try:
            seconds = self.args.load_seconds
            if shutil.which("wrk"):
                return self._wrk(paths, seconds)
            output = self.worker(
                env,
                "load",
                "--paths",
                json.dumps(paths),
                "--seconds",
                str(seconds),
                "--connections",
                "4",
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
        connections = 4
        result = subprocess.run(
            [
                "wrk",
                "-t2",
                f"-c{connections}",
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
        errors = connect + read + write + status + timeout
        return {
            "tool": f"wrk, 2 threads, {connections} connections",
            "requests": requests,
            "seconds": duration / 1e6,
            "p50_ms": p50 / 1000,
            "p95_ms": p95 / 1000,
            "errors": errors,
            "error_detail": {
                "connect": connect,
                "read": read,
                "write": write,
                "status": status,
                "timeout": timeout,
            },
            "paths": len(set(paths)),
        }

    # The whole run

    def backends(self) -> list[tuple[str, str]]:
        backends = [("SQLite", f"sqlite:///{self.tmp / 'bench.sqlite3'}")]
        url = os.environ.get("DATABASE_URL", "")
        if url.startswith(("postgres://", "postgresql://")):
            name = urlsplit(url).path.lstrip("/")
            if "bench" not in name:
                sys.exit(
                    f"DATABASE_URL points to '{name}'; the benchmark replaces the demo data and "
                    "reloads the baseline, so it only runs on a database whose name contains "
                    "'bench' (createdb -h 127.0.0.1 -U postgres sk_bench)."
                )
            backends.append(("PostgreSQL", url))
        return backends

    def execute(self) -> dict:
        report = {"started": datetime.now().astimezone(), "load_start": os.getloadavg()}
        redis = self.redis_available()
        http_env_extra = {"REDIS_URL": REDIS_URL} if redis else {}
        if not redis:
            self.notes.append(
                f"Redis ({REDIS_URL}) was niet bereikbaar: gunicorn draaide met de cache in het "
                "geheugen van elk proces."
            )
        self.log("collectstatic")
        self.manage(self.env, "collectstatic", "--noinput")
        sizes = ["baseline"] if self.args.quick else ["baseline", "national"]
        report["runs"] = []
        report["generation"] = []
        for backend, url in self.backends():
            env = {**self.env, "DATABASE_URL": url}
            self.log(f"{backend}: migrate, baseline")
            self.manage(env, "migrate", "--noinput")
            self.manage(env, "generate_demo_data", "--clear")
            self.manage(env, "load_baseline", "--force")
            for size in sizes:
                if self.out_of_time():
                    self.notes.append(f"{backend}, {size}: overgeslagen (tijdslimiet).")
                    continue
                if size == "national":
                    self.log(f"{backend}: generate_demo_data")
                    begin = time.perf_counter()
                    output = self.manage(
                        env,
                        "generate_demo_data",
                        "--organisations",
                        str(NATIONAL["organisations"]),
                        "--offers",
                        str(NATIONAL["offers"]),
                        "--seed",
                        str(NATIONAL["seed"]),
                    )
                    wall = time.perf_counter() - begin
                    inner = re.search(r"gemaakt in ([\d.]+) s", output)
                    report["generation"].append(
                        {
                            "backend": backend,
                            "seconds": float(inner.group(1)) if inner else wall,
                            "wall": wall,
                            "summary": output.strip().splitlines()[-1],
                        }
                    )
                self.log(f"{backend}, {size}: in-process")
                inprocess = json.loads(self.worker(env, "inprocess"))
                self.log(f"{backend}, {size}: HTTP")
                http_env = {**env, **http_env_extra}
                over_http = self.measure_http(http_env, inprocess["pages"])
                self.log(f"{backend}, {size}: Excel downloads, cold, over HTTP")
                cold_downloads = self.measure_cold_downloads(http_env, inprocess["pages"])
                run = {
                    "backend": backend,
                    "size": size,
                    "filters": inprocess["filters"],
                    "database": inprocess["database"],
                    "counts": inprocess["counts"],
                    "pages": inprocess["pages"],
                    "http": over_http,
                    "cold_downloads": cold_downloads,
                }
                if backend == "PostgreSQL" and size == "national":
                    if not self.args.quick:
                        self.log(f"{backend}, {size}: HTTP without whole-response cache")
                        uncached = [
                            page
                            for page in inprocess["pages"]
                            if page["kind"] == "trivial" or is_response_cached(page)
                        ]
                        run["http_no_response_cache"] = self.measure_http(
                            {**http_env, "CACHE_WHOLE_RESPONSES": "0"}, uncached
                        )
                    self.log(f"{backend}, {size}: load for {self.args.load_seconds} s")
                    run["load"] = self.load(http_env, inprocess["pages"])
                    self.log(f"{backend}, {size}: EXPLAIN")
                    run["explain"] = self.worker(env, "explain")
                report["runs"].append(run)
            self.manage(env, "generate_demo_data", "--clear")
        report["load_end"] = os.getloadavg()
        report["elapsed"] = time.monotonic() - self.started
        return report


# Report ------------------------------------------------------------------------------------


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


def fmt(value, digits=1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def page_table(run) -> list[str]:
    trivial = next(page for page in run["pages"] if page["kind"] == "trivial")
    trivial_http = run["http"].get(TRIVIAL, {})
    lines = [
        "| pagina | status | queries (koud) | koud (ms) | in-proces mediaan (ms) | p95 (ms) "
        "| × triviaal | HTTP mediaan (ms) | p95 (ms) | × triviaal |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for page in run["pages"]:
        label = f"{page['label']} `{page['path']}`"
        if page["status"] == 404:
            lines.append(f"| {label} | niet beschikbaar | | | | | | | | |")
            continue
        over_http = run["http"].get(page["path"], {})
        ratio = page["median_ms"] / trivial["median_ms"]
        http_ratio = (
            over_http["median_ms"] / trivial_http["median_ms"]
            if over_http and trivial_http
            else None
        )
        status = str(page["status"])
        if over_http and over_http["statuses"] != [page["status"]]:
            status += f" (HTTP: {', '.join(map(str, over_http['statuses']))})"
        lines.append(
            f"| {label} | {status} | {page['queries']} | {fmt(page['cold_ms'])} "
            f"| {fmt(page['median_ms'], 2)} | {fmt(page['p95_ms'], 2)} | {fmt(ratio)} "
            f"| {fmt(over_http.get('median_ms'), 2)} | {fmt(over_http.get('p95_ms'), 2)} "
            f"| {fmt(http_ratio)} |"
        )
    return lines


def targets(run) -> list[str]:
    """Check the issue's targets against the PostgreSQL national run."""
    trivial_http = run["http"][TRIVIAL]["median_ms"]
    lines = ["| doel | gemeten | gehaald |", "| --- | --- | --- |"]
    public = [p for p in run["pages"] if p["status"] != 404 and p["kind"] != "trivial"]
    worst = max(public, key=lambda p: p["queries"])
    lines.append(
        f"| hooguit 10 queries per publieke pagina (koud) | max {worst['queries']} "
        f"({worst['label']}) | {'ja' if worst['queries'] <= 10 else 'nee'} |"
    )
    for page in public:
        if page["kind"] == "excel":
            cold = run["cold_downloads"][page["path"]]
            lines.append(
                f"| {page['label']} onder 2 s (HTTP, koud: niets in de cache) "
                f"| {cold['median_ms'] / 1000:.2f} s (mediaan), {cold['max_ms'] / 1000:.2f} s "
                f"(hoogste) | {'ja' if cold['max_ms'] < 2000 else 'nee'} |"
            )
            continue
        limit = 2 if page["kind"] == "matrix" else 5
        ratio = run["http"][page["path"]]["median_ms"] / trivial_http
        lines.append(
            f"| {page['label']} binnen {limit}× triviaal (HTTP) | {ratio:.1f}× "
            f"| {'ja' if ratio <= limit else 'nee'} |"
        )
    if "load" in run:
        errors = run["load"]["errors"]
        lines.append(
            f"| geen fouten onder belasting | {errors} | {'ja' if errors == 0 else 'nee'} |"
        )
    return lines


def cold_download_table(runs) -> list[str]:
    header = "| download | " + " | ".join(f"{r['backend']}, {SIZE_NAMES[r['size']]}" for r in runs)
    header += " |"
    lines = [header, "| --- |" + " ---: |" * len(runs)]
    for label, path, kind in PAGES:
        if kind != "excel":
            continue
        cells = []
        for run in runs:
            cold = run["cold_downloads"].get(path)
            cells.append(
                f"{cold['median_ms'] / 1000:.2f} s (hoogste {cold['max_ms'] / 1000:.2f} s)"
                if cold
                else "–"
            )
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines


def query_independence(runs) -> list[str]:
    """Cold query counts per page, side by side for every run: they must not grow."""
    header = "| pagina | " + " | ".join(f"{r['backend']}, {r['size']}" for r in runs) + " |"
    lines = [header, "| --- |" + " ---: |" * len(runs)]
    for index, (label, _, _) in enumerate(PAGES):
        cells = []
        for run in runs:
            page = run["pages"][index]
            cells.append("–" if page["status"] == 404 else str(page["queries"]))
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines


SIZE_NAMES = {"baseline": "basisgegevens 2023", "national": "landelijke omvang"}


def markdown(report, info) -> str:
    runs = report["runs"]
    lines = [
        "# Benchmark",
        "",
        f"Gemeten met `make bench` (`bench/run.py`) op "
        f"{report['started']:%Y-%m-%d %H:%M %Z}, commit {info['commit']}, in "
        f"{report['elapsed'] / 60:.1f} minuten. Dit bestand wordt door de benchmark zelf "
        "geschreven; draai hem opnieuw om het bij te werken.",
        "",
        "## Machine",
        "",
        "| | |",
        "| --- | --- |",
        f"| CPU | {info['cpu']}, {info['cores']} kernen |",
        f"| geheugen | {info['memory']} |",
        f"| besturingssysteem | {info['os']} |",
        f"| Python | {info['python']} |",
        f"| Django | {info['django']} |",
        "| databases | " + ", ".join(sorted({run["database"] for run in runs})) + " |",
        f"| belasting (load average 1/5/15 min) bij start | "
        f"{' / '.join(f'{v:.2f}' for v in report['load_start'])} |",
        f"| belasting bij einde | {' / '.join(f'{v:.2f}' for v in report['load_end'])} |",
        "",
        "## Gegevens",
        "",
        "| database | omvang | organisaties | aanbiedingen (gepubliceerd) | posities |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for run in runs:
        counts = run["counts"]
        lines.append(
            f"| {run['backend']} | {SIZE_NAMES[run['size']]} | {counts['organisations']} "
            f"| {counts['offers']} ({counts['published']}) | {counts['positions']} |"
        )
    if report["generation"]:
        lines += [
            "",
            "`generate_demo_data --organisations 2500 --offers 12500 --seed 1`:",
            "",
            "| database | duur van het genereren | met opstarten van Django |",
            "| --- | ---: | ---: |",
        ]
        for generation in report["generation"]:
            lines.append(
                f"| {generation['backend']} | {generation['seconds']:.1f} s "
                f"| {generation['wall']:.1f} s |"
            )
    national_pg = next(
        (r for r in runs if r["backend"] == "PostgreSQL" and r["size"] == "national"), None
    )
    if national_pg:
        lines += ["", "## Doelen (PostgreSQL, landelijke omvang)", "", *targets(national_pg)]
    lines += [
        "",
        "## Latentie per pagina",
        "",
        "Koud: eerste verzoek na het legen van de cache, in-proces, met het aantal queries. "
        "Mediaan en p95: warme verzoeken na elkaar, in-proces (Django-testclient) en over HTTP "
        "(gunicorn, 2 workers, `DEBUG` uit, één verzoek tegelijk, nieuwe verbinding per verzoek). "
        "× triviaal: de mediaan gedeeld door die van de triviale view `/bench/ok/` in dezelfde "
        "meting. Excel-exports zijn geen publieke pagina's in de zin van de doelen "
        "(doel: onder 2 s); warm komen ze uit de cache, koud staan ze in de volgende tabel.",
    ]
    for run in runs:
        lines += ["", f"### {run['backend']}, {SIZE_NAMES[run['size']]}", "", *page_table(run)]
    lines += [
        "",
        "### Excel-downloads koud over HTTP",
        "",
        f"Zoals een gebruiker ze krijgt na een wijziging: niets in de cache (de Redis-database "
        "van de benchmark geleegd), "
        f"{COLD_SAMPLES} keer, elke keer met een nieuw gestarte gunicorn (2 workers, `DEBUG` "
        "uit).",
        "",
        *cold_download_table(runs),
    ]
    lines += [
        "",
        "### Aantal queries (koud) per omvang",
        "",
        "Het aantal queries hangt niet af van de hoeveelheid gegevens.",
        "",
        *query_independence(runs),
    ]
    if national_pg and "http_no_response_cache" in national_pg:
        with_cache = national_pg["http"]
        without = national_pg["http_no_response_cache"]
        trivial_without = without[TRIVIAL]["median_ms"]
        lines += [
            "",
            "## Wat het cachen van hele responses oplevert (PostgreSQL, landelijke omvang, HTTP)",
            "",
            "Zonder: alleen de berekende dekking staat in de cache; de pagina wordt elke keer "
            "opnieuw gerenderd (`CACHE_WHOLE_RESPONSES=0`).",
            "",
            "| pagina | met (ms) | × triviaal | zonder (ms) | × triviaal |",
            "| --- | ---: | ---: | ---: | ---: |",
        ]
        for page in national_pg["pages"]:
            if page["kind"] == "trivial" or page["path"] not in without:
                continue
            a, b = with_cache[page["path"]]["median_ms"], without[page["path"]]["median_ms"]
            lines.append(
                f"| {page['label']} | {a:.2f} | {a / with_cache[TRIVIAL]['median_ms']:.1f} "
                f"| {b:.2f} | {b / trivial_without:.1f} |"
            )
    if national_pg and "load" in national_pg:
        load = national_pg["load"]
        lines += [
            "",
            "## Belasting (PostgreSQL, landelijke omvang)",
            "",
            f"gunicorn met 2 workers, `DEBUG` uit, Redis-cache; belasting door {load['tool']} "
            f"vanaf 127.0.0.1 gedurende {load['seconds']:.0f} s, alle beschikbare pagina's "
            "hierboven door elkaar (Excel-exports een kwart zo vaak als de andere).",
            "",
            "| verzoeken | per seconde | mediaan (ms) | p95 (ms) | fouten |",
            "| ---: | ---: | ---: | ---: | ---: |",
            f"| {load['requests']} | {load['requests'] / load['seconds']:.1f} "
            f"| {fmt(load['p50_ms'])} | {fmt(load['p95_ms'])} | {load['errors']} |",
        ]
    if national_pg and "explain" in national_pg:
        lines += [
            "",
            "## EXPLAIN ANALYZE (PostgreSQL, landelijke omvang)",
            "",
            national_pg["explain"].strip(),
        ]
    notes = list(report.get("notes", []))
    missing = sorted(
        {
            name
            for run in runs[:1]
            for page in run["pages"]
            if page["status"] != 404
            for name in re.findall(r"[?&](\w+)=", page["path"])
            if name not in run["filters"]
        }
    )
    if missing:
        notes.append(
            "De filters " + ", ".join(f"`{name}`" for name in missing) + " bestaan in deze "
            "versie nog niet: de FilterSet negeert ze, en omdat de responsecache alleen "
            "bekende filterparameters aanneemt, meten de rijen met die filters het renderen "
            "zonder responsecache (de dekking zelf komt wel uit de cache). Zodra de filters "
            "bestaan, worden ook die pagina's als geheel gecachet."
        )
    if notes:
        lines += ["", "## Opmerkingen bij deze meting", "", *[f"- {note}" for note in notes]]
    lines += ["", EXPLANATION.strip()]
    return "\n".join(lines) + "\n"


EXPLANATION = """
## Toelichting

**Opnieuw meten.** `make bench` meet op SQLite;
`DATABASE_URL=postgres://postgres@127.0.0.1:5432/sk_bench make bench` meet ook op PostgreSQL
(de naam van de database moet `bench` bevatten: de benchmark vervangt er de
demonstratiegegevens en laadt de basisgegevens opnieuw; `createdb -h 127.0.0.1 -U postgres
sk_bench`). Redis op `redis://127.0.0.1:6379/4` (of `BENCH_REDIS_URL`) dient als cache van
gunicorn; zonder Redis draait gunicorn met de cache in het geheugen van elk proces. `wrk`
(`apt-get install wrk`) maakt de belasting; zonder wrk doet een kleine Python-client met
threads dat. `python bench/run.py --quick` is een proefrit op de basisgegevens. Een run duurt
ongeveer 4 tot 6 minuten en stopt na 12 minuten met nieuwe stappen. Al het verkeer gaat over
127.0.0.1; gunicorn luistert op poort 8804 (`BENCH_PORT`).

**Omvang.** *Basisgegevens 2023*: `load_baseline`. *Landelijke omvang*: daarbovenop
`generate_demo_data --organisations 2500 --offers 12500 --seed 1` (rollen zoals in
`fixtures/organisations.csv`, posities per cel zo scheef verdeeld als in
`fixtures/report-2023-positions.csv`, ongeveer 100.000 posities).

**Wat de snelheid maakt.**

- `providers/matrix/coverage.py` rekent een matrix uit met vier queries, onafhankelijk van
  de omvang: fasen, geweldsvormen, één gegroepeerde query (fase, geweldsvorm, organisatie) over de
  posities, en één query over de organisaties (naam, wel/niet gepositioneerd, toegelaten door
  de filters). De matrix wordt gecachet per analysekader, filters (de SQL van de querysets) en
  *dataversie*.
- Home, matrixpagina's, matrix-JSON, organisatie- en aanbodpagina's worden voor anonieme
  bezoekers ook als geheel gecachet (per URL en dataversie; alleen met bekende
  filterparameters, niet met een sessie, en nooit een antwoord met cookies, CSRF-token of
  CSP-nonce). De tabel 'Wat het cachen van hele responses oplevert' laat zien waarom.
- De dataversie (`sociale_kaart/cache.py`) is een teller in de cache die elke schrijfactie ophoogt
  die de dekking kan veranderen: opslaan en verwijderen van organisaties, aanbod, posities,
  analysekaders (drempels), fasen, geweldsvormen en de lijsten, wijzigingen van hun
  veel-op-veel-relaties (signalen), bulk-schrijfacties via de managers (`bulk_create`,
  `bulk_update`, `update`), `load_baseline` en `generate_demo_data`. Zet in productie met
  meerdere processen `REDIS_URL`, zodat alle processen dezelfde teller zien.
- Een matrixcel op de pagina toont het aantal en de eerste vijf namen, met 'en N meer' naar de
  zoekpagina voor die cel; JSON en Excel houden de volledige lijsten.
- Indexen (`providers/migrations/0004_performance_indexes.py`): zie de EXPLAIN-uitvoer.

**Ruis.** De machine kan gedeeld zijn met ander werk; de load average bij start en einde
staat bovenaan. Tel verhoudingen zwaarder dan absolute tijden: de triviale view is in dezelfde
meting gemeten.
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--worker", choices=["inprocess", "explain", "load"], help=argparse.SUPPRESS
    )
    parser.add_argument("--paths", help=argparse.SUPPRESS)
    parser.add_argument("--seconds", type=float, default=60, help=argparse.SUPPRESS)
    parser.add_argument("--connections", type=int, default=4, help=argparse.SUPPRESS)
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmark.md"))
    parser.add_argument("--load-seconds", type=int, default=60)
    parser.add_argument(
        "--quick", action="store_true", help="alleen basisgegevens, zonder belasting (proefrit)"
    )
    args = parser.parse_args()
    if args.worker:
        {"inprocess": worker_inprocess, "explain": worker_explain, "load": worker_load}[
            args.worker
        ](args)
        return

    run = Run(args)
    try:
        report = run.execute()
    finally:
        shutil.rmtree(run.tmp, ignore_errors=True)
    report["notes"] = run.notes
    text = markdown(report, machine())
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(text, encoding="utf-8")
    print(text)
    run.log(f"written to {args.output}")


if __name__ == "__main__":
    main()
