"""The dashboard: ``create_app(settings)`` builds a FastAPI app over the library.

Thin by design: pages and the JSON API call :mod:`escalade.workflows.run`,
the results store and the report builders; there is no model logic here.
Scenario files are only ever looked up by id among the catalog and the files
under the configured roots, so no request can name a path.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import threading
import zipfile
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from fastapi import Body, FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from markupsafe import escape
from plotly.offline import get_plotlyjs
from pydantic import BaseModel, Field

from escalade.engine.executors import ProcessExecutor
from escalade.errors import EscaladeError, ScenarioError
from escalade.report.explore_report import explore_report
from escalade.report.html import render_html
from escalade.report.run_report import run_report
from escalade.report.scenario_report import scenario_report
from escalade.results import Store
from escalade.scenario import Scenario, catalog_names, load_scenario, loads_scenario
from escalade.scenario.dump import dump_scenario
from escalade.web.jobs import Job, JobManager, Overloaded
from escalade.workflows.run import RunOptions, run_scenario

__all__ = ["RunRequest", "Settings", "create_app"]


@dataclass(frozen=True)
class Settings:
    """Where scenarios and results live, and the limits."""

    roots: tuple[Path, ...] = ()
    scenarios: tuple[Path, ...] = ()
    store: Path = Path("escalade.duckdb")
    max_n: int = 20_000
    max_jobs: int = 2
    max_queue: int = 4
    max_body: int = 1_000_000
    extra: dict[str, Any] = field(default_factory=dict)


class RunRequest(BaseModel):
    """Body of ``POST /api/runs``."""

    scenario: str = Field(min_length=1, max_length=200)
    n: int = Field(default=1000, ge=1)
    seed: int = Field(default=2024, ge=0, lt=2**63)
    strategies: list[str] = Field(default_factory=list, max_length=50)
    mindsets: list[str] = Field(default_factory=list, max_length=50)
    overrides: dict[str, float] = Field(default_factory=dict)


def _scenario_files(settings: Settings) -> dict[str, Path | str]:
    found: dict[str, Path | str] = {name: name for name in catalog_names()}
    files = list(settings.scenarios)
    for root in settings.roots:
        files += sorted(root.glob("*.yaml")) + sorted(root.glob("*.yml"))
    for path in files:
        try:
            found.setdefault(load_scenario(path).id, path)
        except EscaladeError:
            continue
    return found


def with_overrides(scenario: Scenario, overrides: dict[str, float]) -> Scenario:
    """The scenario with some uncertainties fixed to a value (a one-value ``choice``)."""
    if not overrides:
        return scenario
    known = {u.id for u in scenario.spec.uncertainties}
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise HTTPException(
            422, f"overrides: expected uncertainties among {sorted(known)}, found {unknown}"
        )
    fixed = [
        u.model_copy(
            update={
                "dist": "choice",
                "values": [float(overrides[u.id])],
                "weights": None,
                "low": None,
                "high": None,
                "mode": None,
                "mean": None,
                "sd": None,
                "alpha": None,
                "beta": None,
                "nominal": None,
            }
        )
        if u.id in overrides
        else u
        for u in scenario.spec.uncertainties
    ]
    spec = scenario.spec.model_copy(update={"uncertainties": fixed})
    changed = dataclasses.replace(scenario, spec=spec)
    return loads_scenario(dump_scenario(changed), file=scenario.file)


_FAVICON = (
    "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'>"
    "<path d='M2 14h3v-3h3V8h3V5h3V2' fill='none' stroke='#b22' stroke-width='2'/></svg>"
)


def _page(title: str, body: str) -> HTMLResponse:
    html = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{escape(title)}</title><script src='/static/plotly.js'></script>"
        "<style>body{font-family:system-ui,sans-serif;max-width:70rem;margin:1rem auto;"
        "padding:0 1rem}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .5rem}</style>"
        "</head><body><nav><a href='/'>escalade</a></nav>"
        f"<h1>{escape(title)}</h1>{body}</body></html>"
    )
    return HTMLResponse(html)


def create_app(settings: Settings) -> FastAPI:  # noqa: PLR0915 - the routes, in one place
    """Build the app (see module docstring)."""
    jobs = JobManager(max_jobs=settings.max_jobs, max_queue=settings.max_queue)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        jobs.shutdown()

    app = FastAPI(title="escalade dashboard", version="1", lifespan=lifespan)
    store_lock = threading.Lock()
    scenarios = _scenario_files(settings)
    app.state.jobs = jobs

    @app.middleware("http")
    async def limit_body(request: Request, call_next: Any) -> Response:
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > settings.max_body):
            return JSONResponse(
                {"detail": f"request body: expected at most {settings.max_body} bytes"}, 413
            )
        response: Response = await call_next(request)
        return response

    loaded: dict[str, Scenario] = {}
    pages: dict[str, str] = {}

    def scenario(sid: str) -> Scenario:
        if sid not in scenarios:
            raise HTTPException(
                404, f"scenario: expected one of {sorted(scenarios)}, found {sid!r}"
            )
        if sid not in loaded:
            loaded[sid] = load_scenario(scenarios[sid])
        return loaded[sid]

    def start(req: RunRequest) -> Job:
        if req.n > settings.max_n:
            raise HTTPException(422, f"n: expected at most {settings.max_n}, found {req.n}")
        base = with_overrides(scenario(req.scenario), req.overrides)
        options = RunOptions(
            strategies=req.strategies or None,
            mindsets=req.mindsets or None,
            n=req.n,
            seed=req.seed,
            workers=1,
            store=None,
            out=None,
            chunk_size=2048,
        )
        cells = max(len(req.strategies or base.strategies), 1) * max(
            len(req.mindsets or base.mindsets), 1
        )

        def work(job: Job) -> None:
            # The simulation runs in a worker process, so pages stay responsive meanwhile.
            with ProcessExecutor(1) as executor:
                outcome = run_scenario(
                    base,
                    dataclasses.replace(options, executor=executor),
                    progress=lambda k: setattr(job, "done", job.done + k),
                )
            with store_lock, Store(settings.store) as store:
                job.run_id = store.save(outcome.result_set)
            job.summary = {
                "comparison": outcome.result_set.tables["comparison"].to_dict(orient="records")
            }

        try:
            return jobs.submit(req.scenario, req.n * cells, work)
        except Overloaded as exc:
            raise HTTPException(429, str(exc)) from exc

    @app.exception_handler(ScenarioError)
    async def scenario_error(_: Request, exc: ScenarioError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, 422)

    @app.exception_handler(EscaladeError)
    async def escalade_error(_: Request, exc: EscaladeError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, 422)

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(_FAVICON, media_type="image/svg+xml")

    @app.get("/static/plotly.js", include_in_schema=False)
    def plotly_js() -> Response:
        return Response(
            get_plotlyjs(),
            media_type="application/javascript",
            headers={"Cache-Control": "max-age=86400"},
        )

    @app.get("/api/scenarios")
    def api_scenarios() -> list[dict[str, Any]]:
        out = []
        for sid in sorted(scenarios):
            s = scenario(sid)
            out.append(
                {
                    "id": sid,
                    "title": s.title,
                    "strategies": [x.id for x in s.strategies],
                    "mindsets": [x.id for x in s.mindsets],
                }
            )
        return out

    @app.get("/api/scenarios/{sid}")
    def api_scenario(sid: str) -> dict[str, Any]:
        s = scenario(sid)
        return {
            "id": s.id,
            "title": s.title,
            "hash": s.content_hash,
            "actors": [a.id for a in s.spec.actors],
            "arenas": [a.id for a in s.spec.arenas],
            "strategies": [x.id for x in s.strategies],
            "mindsets": [x.id for x in s.mindsets],
            "uncertainties": [
                u.model_dump(mode="json", exclude_none=True) for u in s.spec.uncertainties
            ],
        }

    @app.post("/api/scenarios/validate")
    def api_validate(text: Annotated[str, Body(media_type="text/plain")]) -> dict[str, Any]:
        s = loads_scenario(text, file="upload.yaml")
        return {"valid": True, "id": s.id, "hash": s.content_hash}

    @app.post("/api/runs", status_code=202)
    def api_start(req: RunRequest) -> dict[str, str]:
        return {"id": start(req).id}

    @app.get("/api/runs")
    def api_runs() -> dict[str, Any]:
        with store_lock, Store(settings.store) as store:
            stored = store.list_runs().astype(str).to_dict(orient="records")
        return {"jobs": [j.to_dict() for j in jobs.jobs.values()], "stored": stored}

    @app.get("/api/runs/{jid}")
    def api_run(jid: str) -> dict[str, Any]:
        if jid not in jobs.jobs:
            raise HTTPException(404, f"run: no job {jid!r}")
        return jobs.jobs[jid].to_dict()

    @app.get("/", response_class=HTMLResponse)
    def index() -> HTMLResponse:
        rows = "".join(
            f"<li><a href='/scenarios/{escape(sid)}'>{escape(sid)}</a></li>"
            for sid in sorted(scenarios)
        )
        return _page("Scenarios", f"<ul>{rows}</ul><p><a href='/results'>Stored runs</a></p>")

    @app.get("/scenarios/{sid}", response_class=HTMLResponse)
    def scenario_page(sid: str) -> HTMLResponse:
        s = scenario(sid)
        if sid not in pages:
            pages[sid] = render_html(scenario_report(s), include_plotlyjs=False)
        doc = pages[sid]
        controls = "".join(
            f"<label>{escape(u.id)} <input name='override_{escape(u.id)}' type='number' step='any' "
            f"placeholder='{escape(u.dist)}'></label><br>"
            for u in s.spec.uncertainties
        )
        checks = (
            "".join(
                f"<label><input type='checkbox' name='strategies' value='{escape(x.id)}' "
                f"checked>{escape(x.id)}</label> "
                for x in s.strategies
            )
            + "<br>"
            + "".join(
                f"<label><input type='checkbox' name='mindsets' value='{escape(x.id)}' "
                f"checked>{escape(x.id)}</label> "
                for x in s.mindsets
            )
        )
        form = (
            f"<h2>Run</h2><form method='post' action='/scenarios/{escape(sid)}/run'>{checks}<br>"
            "<label>N <input name='n' type='number' value='500' min='1' "
            f"max='{settings.max_n}'></label> "
            "<label>seed <input name='seed' type='number' value='2024' min='0'></label><br>"
            f"<details><summary>Fix uncertainties</summary>{controls}</details>"
            "<button type='submit' id='run'>Run</button></form>"
        )
        body = doc.replace("<body>", f"<body><nav><a href='/'>escalade</a></nav>{form}", 1)
        body = body.replace("</head>", "<script src='/static/plotly.js'></script></head>", 1)
        return HTMLResponse(body)

    @app.post("/scenarios/{sid}/run")
    async def scenario_run(sid: str, request: Request) -> RedirectResponse:
        form = await request.form()
        overrides = {
            k.removeprefix("override_"): float(str(v))
            for k, v in form.items()
            if k.startswith("override_") and str(v).strip()
        }
        req = RunRequest(
            scenario=sid,
            n=int(str(form.get("n", "500"))),
            seed=int(str(form.get("seed", "2024"))),
            strategies=[str(x) for x in form.getlist("strategies")],
            mindsets=[str(x) for x in form.getlist("mindsets")],
            overrides=overrides,
        )
        return RedirectResponse(f"/jobs/{start(req).id}", status_code=303)

    @app.get("/jobs/{jid}", response_class=HTMLResponse)
    def job_page(jid: str) -> HTMLResponse:
        if jid not in jobs.jobs:
            raise HTTPException(404, f"run: no job {jid!r}")
        script = (
            "<p id='status'>starting…</p><progress id='bar' max='1' value='0'></progress>"
            "<script>async function poll(){const r=await fetch('/api/runs/" + jid + "');"
            "const j=await r.json();document.getElementById('bar').value=j.progress;"
            "const s=document.getElementById('status');"
            "s.textContent=j.status+' '+Math.round(100*j.progress)+'%';"
            "if(j.status==='done'){s.innerHTML=\"done: <a id='result' href='/results/\""
            '+j.run_id+"\'>results</a>";return;}'
            "if(j.status==='failed'){s.textContent='failed: '+j.error;s.id='error';return;}"
            "setTimeout(poll,300);}poll();</script>"
        )
        return _page(f"Run of {jobs.jobs[jid].scenario}", script)

    def stored(run_id: str) -> Any:
        try:
            with store_lock, Store(settings.store) as store:
                return store.load(run_id)
        except EscaladeError as exc:
            raise HTTPException(404, str(exc)) from exc

    @app.get("/results", response_class=HTMLResponse)
    def results() -> HTMLResponse:
        with store_lock, Store(settings.store) as store:
            runs = store.list_runs()
        rows = "".join(
            f"<tr><td><a href='/results/{escape(r.id)}'>{escape(r.id)}</a></td>"
            f"<td>{escape(str(r.kind))}</td>"
            f"<td>{escape(str(r.scenario_id))}</td><td>{escape(str(r.created))}</td></tr>"
            for r in runs.itertuples()
        )
        return _page(
            "Stored runs",
            f"<table><tr><th>run</th><th>kind</th><th>scenario</th><th>created</th></tr>{rows}</table>",
        )

    @app.get("/results/{run_id}", response_class=HTMLResponse)
    def result_page(run_id: str) -> HTMLResponse:
        rs = stored(run_id)
        builders = {"run": run_report, "explore": explore_report}
        if rs.kind not in builders:
            raise HTTPException(
                404, f"run {run_id}: expected a run or an exploration, found {rs.kind!r}"
            )
        html = render_html(builders[rs.kind](rs), include_plotlyjs=False)
        html = html.replace("</head>", "<script src='/static/plotly.js'></script></head>", 1)
        links = (
            "<nav><a href='/'>escalade</a> · "
            f"<a href='/results/{escape(run_id)}/report.html'>report.html</a>"
            f" · <a href='/results/{escape(run_id)}/parquet.zip'>Parquet</a></nav>"
        )
        return HTMLResponse(html.replace("<body>", f"<body>{links}", 1))

    @app.get("/results/{run_id}/report.html")
    def download_report(run_id: str) -> Response:
        rs = stored(run_id)
        html = render_html(explore_report(rs) if rs.kind == "explore" else run_report(rs))
        return Response(
            html,
            media_type="text/html",
            headers={"Content-Disposition": f"attachment; filename={run_id}-report.html"},
        )

    @app.get("/results/{run_id}/parquet.zip")
    def download_parquet(run_id: str) -> Response:
        rs = stored(run_id)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, table in rs.tables.items():
                data = io.BytesIO()
                table.to_parquet(data, index=False)
                zf.writestr(f"{name}.parquet", data.getvalue())
        return Response(
            buffer.getvalue(),
            media_type="application/zip",
            headers={"Content-Disposition": f"attachment; filename={run_id}.zip"},
        )

    @app.get("/compare", response_class=HTMLResponse)
    def compare(a: str, b: str) -> HTMLResponse:
        for run_id in (a, b):
            stored(run_id)
        frames = "".join(
            f"<iframe title='{escape(r)}' src='/results/{escape(r)}' "
            "style='width:49%;height:85vh;border:0'></iframe>"
            for r in (a, b)
        )
        return _page(f"Compare {a} and {b}", frames)

    return app
