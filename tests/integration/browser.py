"""Helpers for tests that drive the real Chromium of the ``chromium`` fixture."""

from __future__ import annotations

import http.server
import struct
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from io import BytesIO
from pathlib import Path
from typing import Any

from selenium.webdriver.support.ui import WebDriverWait

try:
    from PIL import Image
except ImportError:  # pragma: no cover - the zlib decoder below is the fallback
    Image = None

LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")

_PLOT_PROBLEMS_JS = """
const problems = [];
const plots = document.querySelectorAll('.js-plotly-plot');
plots.forEach((plot, i) => {
  const name = plot.id || ('plot ' + i);
  const svg = plot.querySelector('svg.main-svg');
  if (!svg) { problems.push(name + ': no svg.main-svg'); return; }
  const traces = plot.querySelectorAll('.plot .trace, .plot .hm, .plot image, .barlayer .point');
  if (traces.length === 0) { problems.push(name + ': no trace drawn'); return; }
  const drawn = Array.from(plot.querySelectorAll('.plot path, .plot image')).filter(
    (el) => el.tagName === 'image' || ((el.getAttribute('d') || '').length > 3));
  if (drawn.length === 0) { problems.push(name + ': traces have no visible shapes'); }
  const box = svg.getBoundingClientRect();
  if (box.width < 100 || box.height < 100) { problems.push(name + ': svg is too small'); }
});
if (document.documentElement.getAttribute('data-figures') === 'pending') {
  problems.push('figures still being drawn');
}
return [plots.length, problems];
"""


@contextmanager
def page_on_another_port(page: bytes) -> Iterator[str]:
    """Serve ``page`` from another loopback port (another origin), for cross-origin tests."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("content-type", "text/html")
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


def open_file(driver: Any, path: Path, *, timeout: float = 60) -> None:
    """Open a local file in the browser and wait until the document has loaded."""
    driver.get(Path(path).resolve().as_uri())
    WebDriverWait(driver, timeout).until(
        lambda d: d.execute_script("return document.readyState") == "complete"
    )


def console_errors(driver: Any) -> list[str]:
    """Return the browser console messages of level SEVERE since the last call."""
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def assert_plots_rendered(driver: Any, min_count: int, *, timeout: float = 60) -> int:
    """Wait until at least ``min_count`` plotly plots exist, each drawn; return the count."""
    state: dict[str, Any] = {}

    def ready(d: Any) -> bool:
        count, problems = d.execute_script(_PLOT_PROBLEMS_JS)
        state.update(count=count, problems=problems)
        return bool(count >= min_count and not problems)

    try:
        WebDriverWait(driver, timeout, poll_frequency=0.25).until(ready)
    except Exception as exc:  # selenium's TimeoutException: report what was wrong
        raise AssertionError(
            f"expected {min_count} rendered plots, found {state.get('count')}: "
            f"{state.get('problems')}"
        ) from exc
    return int(state["count"])


def resource_urls(driver: Any) -> list[str]:
    """Return the URLs of every resource the page loaded (Resource Timing API)."""
    script = "return performance.getEntriesByType('resource').map(e => e.name)"
    return list(driver.execute_script(script))


def external_references(driver: Any) -> list[str]:
    """Return the non-local resources of the live DOM: what the page would load.

    Every ``src`` and every ``href`` except an anchor's (a link to a source's
    page loads nothing until it is clicked; it must then open without handing
    over the report: ``rel="noopener noreferrer"``, else it is returned too).
    """
    script = """
    return Array.from(document.querySelectorAll('[src], [href]'))
      .filter(el => !(el.tagName === 'A' && /noopener/.test(el.getAttribute('rel') || '')
                      && /noreferrer/.test(el.getAttribute('rel') || '')))
      .map(el => el.getAttribute('src') || el.getAttribute('href'))
      .filter(u => /^(https?:)?\\/\\//i.test(u));
    """
    return list(driver.execute_script(script))


ARTEFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def keep(path: Path) -> Path:
    """Copy a test's output file into ``test-artifacts/`` (ignored by git); return the copy."""
    ARTEFACTS.mkdir(exist_ok=True)
    target = ARTEFACTS / Path(path).name
    target.write_bytes(Path(path).read_bytes())
    return target


def screenshot(driver: Any, path: Path) -> bytes:
    """Save a PNG screenshot of the viewport to ``path`` (and to ``test-artifacts/``)."""
    png: bytes = driver.get_screenshot_as_png()
    Path(path).write_bytes(png)
    keep(Path(path))
    return png


def _unfilter(raw: bytes, width: int, height: int, bpp: int) -> list[bytes]:
    stride = width * bpp
    rows: list[bytes] = []
    previous = bytearray(stride)
    pos = 0
    for _ in range(height):
        kind = raw[pos]
        line = bytearray(raw[pos + 1 : pos + 1 + stride])
        pos += 1 + stride
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up = previous[i]
            corner = previous[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                pred = left if pa <= pb and pa <= pc else (up if pb <= pc else corner)
                line[i] = (line[i] + pred) & 0xFF
        rows.append(bytes(line))
        previous = line
    return rows


def png_colours_zlib(png: bytes, *, step: int = 4) -> int:
    """Count distinct colours of an 8-bit RGB/RGBA PNG with zlib and struct only.

    Every ``step``-th pixel of every ``step``-th row is sampled.
    """
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    width = height = bpp = 0
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind, data = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", data)
            assert depth == 8 and colour in (2, 6) and interlace == 0, "unsupported PNG"
            bpp = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += data
    rows = _unfilter(zlib.decompress(idat), width, height, bpp)
    colours = {row[x * bpp : x * bpp + 3] for row in rows[::step] for x in range(0, width, step)}
    return len(colours)


def png_colours(png: bytes) -> int:
    """Count the distinct colours of a PNG (Pillow when installed, else zlib + struct)."""
    if Image is None:  # pragma: no cover - Pillow is usually present
        return png_colours_zlib(png)
    with Image.open(BytesIO(png)) as image:
        found = image.convert("RGB").getcolors(maxcolors=1 << 24)
    return 0 if found is None else len(found)


def assert_not_blank(png: bytes, *, min_colours: int = 16) -> int:
    """Assert that a screenshot shows something (many distinct colours); return the count."""
    count = png_colours(png)
    assert count >= min_colours, f"screenshot looks blank: {count} distinct colours"
    return count


AXE = Path(__file__).resolve().parents[1] / "assets" / "axe-core" / "axe.min.js"


def axe_violations(driver: Any, impacts: tuple[str, ...] = ("serious", "critical")) -> list[str]:
    """Run the vendored axe-core in the current page; the violations of the given impacts.

    Each is ``"rule (impact): help -- targets"``. WCAG 2.0/2.1 A and AA rules and best practices.
    """
    if not driver.execute_script("return typeof window.axe !== 'undefined'"):
        driver.execute_script(AXE.read_text(encoding="utf-8"))
    driver.set_script_timeout(120)
    result = driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        axe.run(document, {runOnly: {type: 'tag',
                  values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})
          .then((r) => done(r.violations.map((v) => [v.id, v.impact, v.help,
                  v.nodes.slice(0, 5).map((n) => n.target.join(' ')).join(', ')])))
          .catch((e) => done([['axe-error', 'critical', String(e), '']]));
        """
    )
    return [
        f"{rule} ({impact}): {text} -- {where}"
        for rule, impact, text, where in result
        if impact in impacts
    ]
