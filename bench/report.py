"""The reporting half of the benchmark: the tables and the Markdown of docs/benchmark.md.

`markdown(report, info)` turns what `bench.measure.Run.execute()` returned, and the machine
facts of `bench.measure.machine()`, into the text of docs/benchmark.md; nothing here measures.
"""

from bench.measure import (
    CHURN_PATHS,
    CHURN_SECONDS,
    COLD_HTTP_SAMPLES,
    COLD_SAMPLES,
    LARGE,
    NATIONAL,
    PAGES,
    SCALE,
    TRIVIAL,
)

SIZE_NAMES = {
    "baseline": "basisgegevens 2023",
    "national": "landelijke omvang",
    "large": f"{SCALE}× landelijke omvang",
}
GENERATE = (
    "python -m bench.generate_demo_data --clear --organisations {organisations} --offers "
    "{offers} --seed {seed}"
)
GENERATE_NATIONAL = GENERATE.format(**NATIONAL) + " --snapshots {snapshots}".format(**NATIONAL)
# The targets: cold (first request after a save) within this many times the trivial view.
WARM_LIMIT = 1.3
EXCEL_LIMIT_MS = 1000
MATRIX_JSON_WIRE_LIMIT = 300 * 1024
HTML_LIMIT = 200 * 1024
LARGE_GROWTH_LIMIT = 2.0


def cold_limit(path: str) -> int:
    """Searches (pages and JSON) and filtered matrices within 15x; the rest within 5x."""
    if path == "/aanbod/" or path.startswith(("/aanbod/?", "/api/aanbod/")):
        return 15
    return 15 if "?" in path else 5


def kb(value) -> str:
    return "–" if value is None else f"{value / 1024:.0f} KB"


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


def targets(run, large=None) -> list[str]:
    """Check the performance targets against the PostgreSQL national run (and the large run
    beside it, when there is one)."""
    trivial_http = run["http"][TRIVIAL]["median_ms"]
    lines = ["| doel | gemeten | gehaald |", "| --- | --- | --- |"]
    public = [p for p in run["pages"] if p["kind"] != "trivial"]
    worst = max(public, key=lambda p: p["queries"])
    lines.append(
        f"| hooguit 10 queries per publieke pagina (koud) | max {worst['queries']} "
        f"({worst['label']}) | {'ja' if worst['queries'] <= 10 else 'nee'} |"
    )
    cold = run.get("cold_http", {})
    for page in public:
        if page["kind"] == "excel":
            download = run["cold_downloads"][page["path"]]
            lines.append(
                f"| {page['label']} onder 1 s (HTTP, koud: niets in de cache) "
                f"| {download['median_ms'] / 1000:.2f} s (mediaan), "
                f"{download['max_ms'] / 1000:.2f} s (hoogste) "
                f"| {'ja' if download['max_ms'] < EXCEL_LIMIT_MS else 'nee'} |"
            )
            continue
        if page["path"] in cold:
            limit = cold_limit(page["path"])
            ratio = cold[page["path"]]["median_ms"] / cold[page["path"]]["trivial_ms"]
            lines.append(
                f"| {page['label']} koud (eerste verzoek na een opslag) binnen {limit}× "
                f"triviaal (HTTP) | {ratio:.1f}× | {'ja' if ratio <= limit else 'nee'} |"
            )
    for page in public:
        if page["kind"] == "excel":
            continue
        ratio = run["http"][page["path"]]["median_ms"] / trivial_http
        lines.append(
            f"| {page['label']} warm binnen {WARM_LIMIT}× triviaal (HTTP) | {ratio:.1f}× "
            f"| {'ja' if ratio <= WARM_LIMIT else 'nee'} |"
        )
    for page in public:
        on_wire = page["wire_bytes"]
        if page["path"].startswith("/api/kaart/"):
            lines.append(
                f"| {page['label']} onder 300 KB over de lijn | {kb(on_wire)} (zonder gzip "
                f"{kb(page['bytes'])}) | {'ja' if on_wire < MATRIX_JSON_WIRE_LIMIT else 'nee'} |"
            )
    html = [p for p in public if p["kind"] in ("page", "matrix") and "/api/" not in p["path"]]
    largest = max(html, key=lambda p: p["bytes"])
    lines.append(
        f"| geen publieke HTML-pagina boven 200 KB | grootste: {largest['label']} "
        f"{kb(largest['bytes'])} | {'ja' if largest['bytes'] <= HTML_LIMIT else 'nee'} |"
    )
    if "churn" in run:
        churn = run["churn"]
        quiet, busy = churn["quiet"], churn["churn"]
        throughput = (busy["requests"] / busy["seconds"]) / (quiet["requests"] / quiet["seconds"])
        p99 = busy["p99_ms"] / quiet["p99_ms"]
        lines.append(
            f"| met één opslag per seconde: doorvoer minstens 0,9× rustig | {throughput:.2f}× "
            f"| {'ja' if throughput >= 0.9 else 'nee'} |"
        )
        lines.append(
            f"| met één opslag per seconde: p99 binnen 3× rustig | {p99:.1f}× "
            f"({fmt(quiet['p99_ms'])} → {fmt(busy['p99_ms'])} ms) | {'ja' if p99 <= 3 else 'nee'} |"
        )
    if large and "cold_http" in large and cold:
        for page in public:
            if page["path"] not in cold or page["path"] not in large["cold_http"]:
                continue
            growth = large["cold_http"][page["path"]]["median_ms"] / cold[page["path"]]["median_ms"]
            lines.append(
                f"| {page['label']} koud op {SCALE}× landelijke omvang hooguit 2× landelijk "
                f"| {growth:.1f}× | {'ja' if growth <= LARGE_GROWTH_LIMIT else 'nee'} |"
            )
    if "import" in run:
        total = run["import"]["total_seconds"]
        lines.append(
            f"| import van {run['import']['rows']:,} regels aanbod, voorbeeld en opslaan, "
            f"onder 30 s | {total:.1f} s | {'ja' if total < 30 else 'nee'} |".replace(",", ".")
        )
    if "load" in run:
        errors = run["load"]["errors"]
        lines.append(
            f"| geen fouten onder belasting | {errors} | {'ja' if errors == 0 else 'nee'} |"
        )
    return lines


def cold_http_table(runs) -> list[str]:
    """The first request after a save, over HTTP, per PostgreSQL run that measured it."""
    measured = [run for run in runs if "cold_http" in run]
    header = "| pagina | doel |" + "".join(
        f" {SIZE_NAMES[r['size']]} (ms) | × triviaal |" for r in measured
    )
    lines = [header, "| --- | ---: |" + " ---: | ---: |" * len(measured)]
    for label, path, kind in PAGES:
        if kind in ("trivial", "excel"):
            continue
        cells = []
        for run in measured:
            page = next((p for p in run["pages"] if p["label"] == label), None)
            cold = run["cold_http"].get(page["path"]) if page else None
            if cold is None:
                cells += ["–", "–"]
                continue
            cells += [fmt(cold["median_ms"]), fmt(cold["median_ms"] / cold["trivial_ms"])]
        lines.append(f"| {label} | {cold_limit(path)}× | " + " | ".join(cells) + " |")
    return lines


def size_table(runs) -> list[str]:
    """Bytes of each page's body: plain, and on the wire to a client that accepts gzip."""
    header = "| pagina |" + "".join(f" {r['backend']}, {SIZE_NAMES[r['size']]} |" for r in runs)
    lines = [header, "| --- |" + " ---: |" * len(runs)]
    for index, (label, _, _) in enumerate(PAGES):
        cells = []
        for run in runs:
            page = run["pages"][index]
            text = kb(page["bytes"])
            if page["wire_bytes"] < page["bytes"]:
                text += f" (gzip {kb(page['wire_bytes'])})"
            cells.append(text)
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines


def churn_table(run) -> list[str]:
    churn = run["churn"]
    lines = [
        "| | verzoeken | per seconde | mediaan (ms) | p95 (ms) | p99 (ms) | fouten |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, load in (("rustig", churn["quiet"]), ("één opslag per seconde", churn["churn"])):
        lines.append(
            f"| {label} | {load['requests']} | {load['requests'] / load['seconds']:.1f} "
            f"| {fmt(load['p50_ms'])} | {fmt(load['p95_ms'])} | {fmt(load['p99_ms'])} "
            f"| {load['errors']} |"
        )
    return lines


def cold_download_table(runs) -> list[str]:
    runs = [run for run in runs if "cold_downloads" in run]
    header = "| download | " + " | ".join(f"{r['backend']}, {SIZE_NAMES[r['size']]}" for r in runs)
    header += " |"
    lines = [header, "| --- |" + " ---: |" * len(runs)]
    for label, path, kind in PAGES:
        if kind != "excel":
            continue
        cells = []
        for run in runs:
            cold = run.get("cold_downloads", {}).get(path)
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
        cells = [str(run["pages"][index]["queries"]) for run in runs]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines


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
            f"`{GENERATE_NATIONAL}`"
            + (f", en met `BENCH_SCALE={SCALE}` `{GENERATE.format(**LARGE)}`" if SCALE > 1 else "")
            + ":",
            "",
            "| database | omvang | duur van het genereren | met opstarten van Django |",
            "| --- | --- | ---: | ---: |",
        ]
        for generation in report["generation"]:
            lines.append(
                f"| {generation['backend']} | {SIZE_NAMES[generation.get('size', 'national')]} "
                f"| {generation['seconds']:.1f} s | {generation['wall']:.1f} s |"
            )
    national_pg = next(
        (r for r in runs if r["backend"] == "PostgreSQL" and r["size"] == "national"), None
    )
    large_pg = next(
        (r for r in runs if r["backend"] == "PostgreSQL" and r["size"] == "large"), None
    )
    if national_pg:
        lines += [
            "",
            "## Doelen (PostgreSQL, landelijke omvang)",
            "",
            *targets(national_pg, large_pg),
        ]
    if any("cold_http" in run for run in runs):
        lines += [
            "",
            "## Koud: het eerste verzoek na een opslag (PostgreSQL, HTTP)",
            "",
            "Zoals een verwijzer een pagina krijgt vlak nadat een partner iets opsloeg: de "
            "dataversie in Redis opgehoogd (wat elke opslag doet; alle pagina's en matrices "
            "zijn dan verouderd), dan de triviale view en de pagina, elk op een nieuwe "
            f"verbinding, {COLD_HTTP_SAMPLES} keer per pagina (mediaan). gunicorn met 2 "
            "workers, `DEBUG` uit. × triviaal: gedeeld door de mediaan van de triviale view "
            "in dezelfde paren. Een filtercombinatie die nog niemand vroeg is even koud.",
            "",
            *cold_http_table(runs),
        ]
    if national_pg and "churn" in national_pg:
        lines += [
            "",
            "## Onrust: verwijzers laden terwijl partners opslaan (PostgreSQL, landelijke omvang)",
            "",
            f"{CHURN_SECONDS} s rustig en daarna {CHURN_SECONDS} s terwijl een tweede proces elke "
            "seconde een aanbod opslaat (`providers.services.offer_save`, in een transactie, "
            f"{national_pg['churn']['saves']} keer), tegen dezelfde gunicorn (2 workers, Redis). "
            "Belasting door een Python-client met threads over "
            + ", ".join(f"`{path}`" for path in CHURN_PATHS)
            + ".",
            "",
            *churn_table(national_pg),
        ]
    lines += [
        "",
        "## Omvang van de antwoorden",
        "",
        "Bytes van de body, zoals een bezoeker zonder sessie ze krijgt; tussen haakjes over de "
        "lijn voor een client die gzip aanneemt (alleen de anonieme JSON wordt gecomprimeerd).",
        "",
        *size_table(runs),
    ]
    lines += [
        "",
        "## Latentie per pagina",
        "",
        "Koud: eerste verzoek na het legen van de cache, in-proces, met het aantal queries. "
        "Mediaan en p95: warme verzoeken na elkaar, in-proces (Django-testclient) en over HTTP "
        "(gunicorn, 2 workers, `DEBUG` uit, één verzoek tegelijk, nieuwe verbinding per verzoek). "
        "× triviaal: de mediaan gedeeld door die van de triviale view `/bench/ok/` in dezelfde "
        "meting. Excel-exports zijn geen publieke pagina's in de zin van de doelen "
        "(doel: onder 1 s); warm komen ze uit de cache, koud staan ze in de volgende tabel.",
    ]
    for run in runs:
        if run["size"] == "large":
            continue  # measured cold only (above)
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
    imports = [run for run in runs if "import" in run]
    if imports:
        lines += [
            "",
            "### Import van 10.000 regels aanbod met posities",
            "",
            "Een bestand van `bench/import_file.py` (de helft wijzigt bestaand aanbod, de helft is "
            "nieuw) op landelijke omvang, als taak van de wachtrij (`bench/import_bench.py`, "
            "in het proces zelf); daarna teruggedraaid. Seconden op de klok (processortijd).",
            "",
            "| database | controle bij uploaden | voorbeeld | opslaan | samen |",
            "| --- | ---: | ---: | ---: | ---: |",
            *(
                f"| {run['backend']} | {run['import']['upload_seconds']:.1f} s "
                f"| {run['import']['preview_seconds']:.1f} s ({run['import']['preview_cpu']:.1f}) "
                f"| {run['import']['confirm_seconds']:.1f} s ({run['import']['confirm_cpu']:.1f}) "
                f"| {run['import']['total_seconds']:.1f} s |"
                for run in imports
            ),
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
    notes = report["notes"]
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
threads dat. `.venv/bin/python bench/run.py --quick` is een proefrit op de basisgegevens. Een
run duurt ongeveer 6 tot 10 minuten en stopt na 12 minuten met nieuwe stappen. Al het verkeer
gaat over 127.0.0.1; gunicorn luistert op poort 8804 (`BENCH_PORT`). Een andere database dan
`*bench*` alleen bewust: `BENCH_ALLOW_DATABASE=<naam>`. `BENCH_SCALE=5 make bench` meet op
PostgreSQL daarna ook op vijf keer de landelijke omvang (alleen koud en de omvang van de
antwoorden; de run mag dan 25 minuten duren).

**Omvang.** *Basisgegevens 2023*: `load_baseline`. *Landelijke omvang*: daarbovenop
`python -m bench.generate_demo_data --organisations 2500 --offers 12500 --seed 1` (rollen
zoals in `fixtures/organisations.csv`, posities per cel zo scheef verdeeld als in
`fixtures/report-2023-positions.csv`, ongeveer 100.000 posities).

**Wat de snelheid maakt.**

- `providers/matrix/coverage.py` begint elke matrix bij één gedeelde basis, per dataversie en
  dag één keer berekend voor beide analysekaders, de startpagina en elke filter: fasen,
  geweldsvormen, de organisaties en één gegroepeerde query over alle gepubliceerde posities die
  per cel de organisaties geeft (`ARRAY_AGG` op PostgreSQL, `GROUP_CONCAT` op SQLite). Een matrix
  zonder filter heeft verder niets nodig; met filters komt er één gegroepeerde query over de
  selectie bij (twee bij een filter op een gegeven dat onbekend mag zijn) en één voor de
  organisaties die de rolfilter toelaat. De matrix wordt gecachet per analysekader, drempel,
  filters (als querystring) en *dataversie*.
- Koud na een opslag: een cache-ingang wordt door één proces berekend (een slot in Redis); wie
  hem intussen vraagt, krijgt de vorige versie als geen schrijfactie sindsdien iets kan hebben
  verborgen (een geheim adres, depubliceren, archiveren, verwijderen: die hogen ook de
  *verbergversie* op), en wacht anders op de nieuwe. Een opslag hoogt bij de commit één keer op,
  niet per rij. De dataversie leest elk verzoek één keer, over een vaste Redis-client.
- De matrix-JSON noemt elke organisatie één keer (`organisations`) en verder alleen ids; de
  anonieme JSON gaat gzip over de lijn als de client dat aanneemt.
- Home, matrixpagina's, matrix-JSON, zoeken (pagina en JSON), organisatie- en aanbodpagina's
  (ook het aanbod als JSON) worden voor anonieme bezoekers ook als geheel gecachet (per URL en
  dataversie; alleen met bekende filterparameters, niet met een sessie, en nooit een antwoord
  met cookies, CSRF-token of CSP-nonce). De tabel 'Wat het cachen van hele responses
  oplevert' laat zien waarom.
- De dataversie (`sociale_kaart/cache.py`) is een teller in de cache die elke schrijfactie ophoogt
  die de dekking kan veranderen: opslaan en verwijderen van organisaties, aanbod, posities,
  analysekaders (drempels), fasen, geweldsvormen en de lijsten, wijzigingen van hun
  veel-op-veel-relaties (signalen), bulk-schrijfacties via de managers (`bulk_create`,
  `bulk_update`, `update`), `load_baseline` en `bench.generate_demo_data`. Zet in productie met
  meerdere processen `REDIS_URL`, zodat alle processen dezelfde teller zien.
- Een matrixcel op de pagina toont het aantal en de eerste vijf namen, met 'en N meer' naar de
  zoekpagina voor die cel; JSON en Excel houden de volledige lijsten.
- Indexen (`providers/migrations/0004_performance_indexes.py`): zie de EXPLAIN-uitvoer.

**Ruis.** De machine kan gedeeld zijn met ander werk; de load average bij start en einde
staat bovenaan. Tel verhoudingen zwaarder dan absolute tijden: de triviale view is in dezelfde
meting gemeten.
"""
