"""Downloads of stored runs (``report.html``, Parquet tables) and the assets pages load."""

from __future__ import annotations

import io
import zipfile

from fastapi import APIRouter, Response
from plotly.offline import get_plotlyjs

from escalade.report.explore_report import explore_report
from escalade.report.game_report import game_report
from escalade.report.html import render_html
from escalade.report.replay_report import replay_report
from escalade.report.run_report import run_report
from escalade.web.dashboard import Board
from escalade.web.models import ERRORS

__all__ = ["router"]

router = APIRouter(
    tags=["downloads"], responses={404: ERRORS[404], 413: ERRORS[413], 503: ERRORS[503]}
)

FAVICON = (
    "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'>"
    "<path d='M2 14h3v-3h3V8h3V5h3V2' fill='none' stroke='#b22' stroke-width='2'/></svg>"
)


@router.get(
    "/results/{run_id}/report.html",
    response_class=Response,
    responses={200: {"content": {"text/html": {}}, "description": "A self-contained report"}},
)
def download_report(run_id: str, board: Board) -> Response:
    """The run's self-contained ``report.html`` (plotly inlined, opens offline)."""
    rs = board.stored(run_id)
    builders = {"explore": explore_report, "game": game_report, "replay": replay_report}
    html = render_html(builders.get(rs.kind, run_report)(rs))
    return Response(
        html,
        media_type="text/html",
        headers={"Content-Disposition": f"attachment; filename={run_id}-report.html"},
    )


@router.get(
    "/results/{run_id}/parquet.zip",
    response_class=Response,
    responses={200: {"content": {"application/zip": {}}, "description": "One file per table"}},
)
def download_parquet(run_id: str, board: Board) -> Response:
    """The run's tables, one Parquet file each, in a zip."""
    rs = board.stored(run_id)
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


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> Response:
    """The ladder icon."""
    return Response(FAVICON, media_type="image/svg+xml")


@router.get("/static/plotly.js", include_in_schema=False)
def plotly_js() -> Response:
    """plotly.js from the installed plotly package (pages never load it from a CDN)."""
    return Response(
        get_plotlyjs(),
        media_type="application/javascript",
        headers={"Cache-Control": "max-age=86400"},
    )
