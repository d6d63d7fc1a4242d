"""The wall dashboard in a real browser: `funnel serve --dashboard`, opened by headless
Chromium from Debian's package, driven by Playwright (no browser download).

textual-serve draws into an xterm.js terminal on a WebGL/canvas, so the page has no text to
read: the test reads the screen by replaying the bytes the browser's websocket received into
a terminal emulator (pyte) of the size the browser asked for, and checks the picture with a
screenshot (kept in tests/browser/artifacts/dashboard.png, git-ignored).
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import time
from datetime import date
from pathlib import Path

import pyte
import pytest

from funnel_tui.cli import main
from tests.browser.serving import serving

try:
    from playwright.sync_api import Page, WebSocket, sync_playwright
except ImportError:
    pytest.skip(
        "playwright is not installed (it is in the `test` dependency group)",
        allow_module_level=True,
    )

CHROMIUM = shutil.which("chromium")
if CHROMIUM is None:
    pytest.skip(
        "Debian's chromium is not installed (apt-get install chromium; .ci/run does it)",
        allow_module_level=True,
    )

ARTIFACT = Path(__file__).parent / "artifacts" / "dashboard.png"
HEADING = "Funnel of the deals created this month"
# The first demo pipeline ("New clients"), in order, as the funnel lists it.
STAGES = [
    "Prospecting",
    "Qualification",
    "Meeting",
    "Proposal",
    "Negotiation",
    "Closing",
    "Fulfilment",
    "Won",
]
RENDER_TIMEOUT_S = 40.0


class TerminalReader:
    """The screen of the browser's terminal, rebuilt from its websocket traffic: the bytes
    the server sent (the app's output) and the sizes the page asked for."""

    def __init__(self) -> None:
        self.screen = pyte.Screen(80, 24)
        self.stream = pyte.ByteStream(self.screen)
        self.bytes_received = 0

    def attach(self, websocket: WebSocket) -> None:
        size = re.search(r"width=(\d+)&height=(\d+)", websocket.url)
        if size is not None:
            self.screen.resize(lines=int(size[2]), columns=int(size[1]))
        websocket.on("framesent", self._sent)
        websocket.on("framereceived", self._received)

    def _sent(self, payload: str | bytes) -> None:
        message = json.loads(payload)
        if message[0] == "resize":
            self.screen.resize(lines=message[1]["height"], columns=message[1]["width"])

    def _received(self, payload: str | bytes) -> None:
        if isinstance(payload, bytes):  # text frames are the server's own ("pong")
            self.bytes_received += len(payload)
            self.stream.feed(payload)

    @property
    def lines(self) -> list[str]:
        return [line.rstrip() for line in self.screen.display]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def wait_for_funnel(page: Page, reader: TerminalReader) -> None:
    deadline = time.monotonic() + RENDER_TIMEOUT_S
    while not (HEADING in reader.text and "in the cohort" in reader.text):
        if time.monotonic() > deadline:
            raise AssertionError(
                f"no funnel after {RENDER_TIMEOUT_S:g} s "
                f"({reader.bytes_received} bytes received); the screen:\n{reader.text}"
            )
        page.wait_for_timeout(100)  # lets Playwright deliver the websocket events


def picture_stats(page: Page, png: bytes) -> dict[str, float]:
    """How many colours the screenshot has and how much of it is not the background,
    counted by the browser itself (no image library needed)."""
    source = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    stats: dict[str, float] = page.evaluate(
        """async (source) => {
            const image = new Image();
            image.src = source;
            await image.decode();
            const canvas = document.createElement("canvas");
            canvas.width = image.width;
            canvas.height = image.height;
            const context = canvas.getContext("2d");
            context.drawImage(image, 0, 0);
            const data = context.getImageData(0, 0, image.width, image.height).data;
            const counts = new Map();
            for (let i = 0; i < data.length; i += 4) {
                const key = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
                counts.set(key, (counts.get(key) || 0) + 1);
            }
            const pixels = data.length / 4;
            const background = Math.max(...counts.values());
            return {
                width: image.width,
                height: image.height,
                colours: counts.size,
                foreground: (pixels - background) / pixels,
            };
        }""",
        source,
    )
    return stats


def test_the_served_dashboard_shows_the_funnel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LC_ALL", "C.UTF-8")  # English stage names and headings
    db = tmp_path / "dashboard.db"
    # Ending today: the dashboard shows this month's cohort by the real clock.
    today = date.today().isoformat()
    assert main(["--db", str(db), "demo", "--deals", "2000", "--seed", "3", "--today", today]) == 0

    reader = TerminalReader()
    shot = tmp_path / "dashboard.png"
    with serving(db, "--dashboard", log=tmp_path / "serve.log") as served, sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--disable-dev-shm-usage"]
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            # Hermetic: the page also asks Google for a web font; only the server answers.
            page.route(
                "**/*",
                lambda route: (
                    route.continue_() if route.request.url.startswith(served.url) else route.abort()
                ),
            )
            page.on("websocket", reader.attach)
            page.goto(served.url)
            page.wait_for_selector(
                "body.-first-byte .xterm-screen canvas",
                state="attached",
                timeout=RENDER_TIMEOUT_S * 1000,
            )
            wait_for_funnel(page, reader)
            page.wait_for_timeout(600)  # the terminal fades in over 0.3 s
            png = page.screenshot(path=shot)
            stats = picture_stats(page, png)
        finally:
            browser.close()
        log = served.output()
    ARTIFACT.parent.mkdir(exist_ok=True)
    shutil.copyfile(shot, ARTIFACT)

    lines = reader.lines
    heading = next((i for i, line in enumerate(lines) if line.strip().startswith(HEADING)), -1)
    assert heading >= 0, reader.text
    # Under it, every stage of the pipeline in its order, each on a row of the funnel.
    rows = [
        next(
            (i for i in range(heading + 1, len(lines)) if lines[i].lstrip(" ★").startswith(stage)),
            -1,
        )
        for stage in STAGES
    ]
    assert -1 not in rows and rows == sorted(set(rows)), reader.text
    cohort = re.search(r"(\d+) deals in the cohort", reader.text)
    assert cohort is not None, reader.text
    if int(cohort[1]) > 0:  # only on the first day of a month might nobody be in it yet
        assert "█" in lines[rows[0]], "no bar on the first stage:\n" + reader.text

    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert (stats["width"], stats["height"]) == (1280, 800)
    assert len(png) > 20_000, f"a {len(png)}-byte screenshot cannot hold the dashboard"
    assert stats["colours"] >= 8, stats  # text, bars and accents, not a blank page
    assert stats["foreground"] > 0.02, stats
    assert "Traceback" not in log, log
