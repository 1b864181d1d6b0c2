"""The dashboard's API and pages through FastAPI's TestClient (real DuckDB store, real runs)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from escalade.scenario import load_scenario
from escalade.scenario.distributions import allowed_values
from escalade.web.app import Settings, create_app
from escalade.web.jobs import JobManager, Overloaded
from escalade.workflows.explore import ExploreOptions, explore_scenario
from escalade.workflows.game import GameOptions, game_outcome
from webclient import dashboard_client

KURSK = "kursk-mini"


@pytest.fixture
def client(tmp_path: Path):
    root = tmp_path / "scenarios"
    root.mkdir()
    (root / "broken.yaml").write_text("schema_version: 1\nid: broken\n", encoding="utf-8")
    settings = Settings(
        roots=(root,), store=tmp_path / "web.duckdb", max_n=5000, max_jobs=1, max_queue=1
    )
    with dashboard_client(settings) as c:
        yield c


def test_scenarios_api(client: TestClient) -> None:
    listed = {s["id"] for s in client.get("/api/scenarios").json()}
    assert {"kursk-mini", "dprk-troops-2024"} <= listed and "broken" not in listed
    one = client.get("/api/scenarios/dprk-troops-2024").json()
    scenario = load_scenario("dprk-troops-2024")
    assert "usa" in one["actors"]
    assert len(one["uncertainties"]) == len(scenario.spec.uncertainties) > 0


def test_a_run_from_api_to_result_page(client: TestClient, wait_for_job) -> None:
    r = client.post("/api/runs", json={"scenario": KURSK, "n": 300, "seed": 3})
    assert r.status_code == 202
    job = wait_for_job(client, r.json()["id"])
    assert job["status"] == "done" and job["progress"] == 1.0
    assert {row["strategy"] for row in job["results"]["comparison"]} == {"graduated", "deescalate"}
    page = client.get(f"/results/{job['run_id']}")
    assert page.status_code == 200 and "Strategies compared" in page.text
    assert (
        client.get(f"/results/{job['run_id']}/report.html")
        .headers["content-type"]
        .startswith("text/html")
    )
    assert client.get(f"/results/{job['run_id']}/parquet.zip").content[:2] == b"PK"
    stored = client.get("/api/runs").json()["stored"]
    assert job["run_id"] in {row["id"] for row in stored}
    assert client.get(f"/compare?a={job['run_id']}&b={job['run_id']}").status_code == 200


def test_form_run_with_an_override(client: TestClient, wait_for_job) -> None:
    page = client.get(f"/scenarios/{KURSK}")
    assert page.status_code == 200 and "override_strike_effect" in page.text
    r = client.post(
        f"/scenarios/{KURSK}/run",
        data={
            "n": "200",
            "seed": "1",
            "strategies": "graduated",
            "mindsets": "opportunist",
            "override_strike_effect": "0.5",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    jid = r.headers["location"].rsplit("/", 1)[1]
    assert client.get(f"/jobs/{jid}").status_code == 200
    assert wait_for_job(client, jid)["status"] == "done"


@pytest.mark.parametrize(
    "path",
    [
        "/api/scenarios/..%2F..%2Fetc%2Fpasswd",
        "/api/scenarios/%2Fetc%2Fpasswd",
        "/scenarios/../../pyproject.toml",
        "/api/scenarios/broken",
    ],
)
def test_no_path_reaches_the_file_system(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 404


def test_bad_requests_get_4xx(client: TestClient) -> None:
    assert (
        client.post(
            "/api/runs", content=b"{not json", headers={"content-type": "application/json"}
        ).status_code
        == 422
    )
    assert client.post("/api/runs", json={"scenario": KURSK, "n": 10**6}).status_code == 422
    assert client.post("/api/runs", json={"scenario": "nope"}).status_code == 404
    too_big = client.post(
        "/api/runs", content=b"x" * 2_000_000, headers={"content-type": "application/json"}
    )
    assert too_big.status_code == 413
    bad = client.post(
        "/api/scenarios/validate",
        content="schema_version: 1\nid: x\n",
        headers={"content-type": "text/plain"},
    )
    assert bad.status_code == 422 and "upload.yaml:1:1" in bad.json()["detail"]
    override = client.post("/api/runs", json={"scenario": KURSK, "overrides": {"nope": 1}})
    assert override.status_code == 422
    # Su-24 trial: a misspelt override got no did-you-mean
    typo = client.post("/api/runs", json={"scenario": KURSK, "overrides": {"strike_efect": 0.5}})
    assert typo.status_code == 422 and "did you mean 'strike_effect'?" in typo.json()["detail"]


def test_override_outside_the_support_gets_422(client: TestClient) -> None:
    """A value outside an uncertainty's range is refused before the run is queued."""
    body = {"scenario": KURSK, "n": 1, "overrides": {"strike_effect": 1.5}}
    bad = client.post("/api/runs", json=body)
    assert bad.status_code == 422
    detail = bad.json()["detail"]
    assert "strike_effect" in detail and "[0.1, 0.8]" in detail and "found 1.5" in detail
    inside = client.post("/api/runs", json={**body, "overrides": {"strike_effect": 0.8}})
    assert inside.status_code == 202


def test_overload_gets_429(client: TestClient) -> None:
    codes = [
        client.post("/api/runs", json={"scenario": "dprk-troops-2024", "n": 5000}).status_code
        for _ in range(4)
    ]
    assert codes[:2] == [202, 202] and 429 in codes[2:]


def test_openapi_documents_the_api(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert {"/api/scenarios", "/api/scenarios/{sid}", "/api/runs", "/api/runs/{jid}"} <= set(
        spec["paths"]
    )


def test_explore_results_are_shown(tmp_path: Path) -> None:
    store = tmp_path / "web.duckdb"
    outcome = explore_scenario(KURSK, ExploreOptions(n=16, trajectories=2, store=store))
    with dashboard_client(Settings(store=store)) as c:
        page = c.get(f"/results/{outcome.run_id}")
        assert page.status_code == 200 and "Which strategy holds up" in page.text
        assert outcome.run_id in c.get("/results").text


def test_game_results_are_shown(tmp_path: Path) -> None:
    store = tmp_path / "web.duckdb"
    options = GameOptions(n=32, bootstrap=5, store=store)
    outcome = game_outcome(KURSK, options)
    with dashboard_client(Settings(store=store)) as c:
        page = c.get(f"/results/{outcome.run_id}")
        assert page.status_code == 200 and "The value of commitment" in page.text
        report = c.get(f"/results/{outcome.run_id}/report.html")
        assert report.status_code == 200 and "Nash equilibria" in report.text


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.dictionaries(
        st.sampled_from(["scenario", "n", "seed", "strategies", "mindsets", "overrides", "x"]),
        st.one_of(
            st.none(),
            st.booleans(),
            st.integers(-(2**70), 2**70),
            st.floats(allow_nan=False, allow_infinity=False),
            st.text(max_size=30),
            st.lists(st.text(max_size=10), max_size=3),
            st.dictionaries(
                st.text(max_size=10), st.floats(allow_nan=False, allow_infinity=False), max_size=2
            ),
        ),
    )
)
def test_fuzzed_run_bodies_never_get_5xx(client: TestClient, body: dict) -> None:
    """A property test standing in for schemathesis: any JSON body gets a 2xx or a 4xx."""
    body = {**body, "n": 1} if body.get("scenario") == KURSK else body
    response = client.post("/api/runs", json=body)
    assert response.status_code < 500, (body, response.text)


def test_the_app_serves_again_after_its_lifespan_ends(tmp_path: Path, wait_for_job) -> None:
    settings = Settings(store=tmp_path / "web.duckdb", max_n=500)
    app = create_app(settings)
    for seed in (1, 2):
        with dashboard_client(settings, app) as c:
            r = c.post("/api/runs", json={"scenario": KURSK, "n": 50, "seed": seed})
            assert r.status_code == 202 and wait_for_job(c, r.json()["id"])["status"] == "done"


def test_jobs_still_queued_at_shutdown_are_marked_failed() -> None:
    jobs = JobManager(max_jobs=1, max_queue=2)
    gate = threading.Event()
    first = jobs.submit("a", 1, lambda job: gate.wait(30))
    second = jobs.submit("b", 1, lambda job: None)
    for _ in range(200):
        if first.status == "running":
            break
        time.sleep(0.01)
    timer = threading.Timer(0.2, gate.set)
    timer.start()
    jobs.shutdown()
    assert first.status == "done"
    assert second.status == "failed" and second.error.startswith("cancelled")
    with pytest.raises(Overloaded, match="the server is stopping"):
        jobs.submit("c", 1, lambda job: None)
    jobs.open()
    third = jobs.submit("c", 1, lambda job: None)
    jobs.shutdown()
    assert third.status == "done"


def test_the_index_shows_each_scenarios_title(client: TestClient) -> None:
    """Su-24 trial: the list showed bare ids (``su24-2015``), not what each scenario is."""
    page = client.get("/").text
    title = load_scenario("dprk-troops-2024").title
    assert 'href="/scenarios/dprk-troops-2024"' in page
    assert title.replace("'", "&#39;").replace('"', "&#34;") in page


def test_the_run_form_says_what_each_uncertainty_may_be_fixed_to(client: TestClient) -> None:
    """Yom Kippur 1973: the override fields showed only the distribution ("uniform"), so a
    value outside the range was learned from the 422 after submitting."""
    page = client.get(f"/scenarios/{KURSK}").text
    # kursk-mini: strike_effect is triangular from 0.1 to 0.8
    assert 'placeholder="triangular, 0.1 to 0.8"' in page


def test_allowed_values_in_words() -> None:
    spec = load_scenario("dprk-troops-2024").spec
    words = {u.dist: allowed_values(u) for u in spec.uncertainties}
    assert words["uniform"].startswith("uniform, ") and " to " in words["uniform"]
    if "choice" in words:
        assert words["choice"].startswith("choice: ") and " or " in words["choice"]
