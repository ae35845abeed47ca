"""The reporting half of the benchmark: the tables and the Markdown of docs/benchmark.md.

`markdown(report, info)` turns what `bench.measure.Run.execute()` returned, and the machine
facts of `bench.measure.machine()`, into the text of docs/benchmark.md; nothing here measures.
"""

from bench.measure import COLD_SAMPLES, NATIONAL, PAGES, TRIVIAL

SIZE_NAMES = {"baseline": "basisgegevens 2023", "national": "landelijke omvang"}
GENERATE_NATIONAL = (
    "python -m bench.generate_demo_data --organisations {organisations} --offers {offers} "
    "--seed {seed}".format(**NATIONAL)
)


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


def targets(run) -> list[str]:
    """Check the performance targets against the PostgreSQL national run."""
    trivial_http = run["http"][TRIVIAL]["median_ms"]
    lines = ["| doel | gemeten | gehaald |", "| --- | --- | --- |"]
    public = [p for p in run["pages"] if p["kind"] != "trivial"]
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
            f"`{GENERATE_NATIONAL}`:",
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
run duurt ongeveer 4 tot 6 minuten en stopt na 12 minuten met nieuwe stappen. Al het verkeer
gaat over 127.0.0.1; gunicorn luistert op poort 8804 (`BENCH_PORT`).

**Omvang.** *Basisgegevens 2023*: `load_baseline`. *Landelijke omvang*: daarbovenop
`python -m bench.generate_demo_data --organisations 2500 --offers 12500 --seed 1` (rollen
zoals in `fixtures/organisations.csv`, posities per cel zo scheef verdeeld als in
`fixtures/report-2023-positions.csv`, ongeveer 100.000 posities).

**Wat de snelheid maakt.**

- `providers/matrix/coverage.py` rekent een matrix uit met vier queries, onafhankelijk van
  de omvang: fasen, geweldsvormen, één gegroepeerde query (fase, geweldsvorm, organisatie) over de
  posities, en één query over de organisaties (naam, wel/niet gepositioneerd, toegelaten door
  de filters). De matrix wordt gecachet per analysekader, drempel, filters (als querystring) en
  *dataversie*.
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
