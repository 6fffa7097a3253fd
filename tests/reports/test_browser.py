"""The pages in a real browser: headless Chromium opens them offline, logs no console message
(so no CSP violation, no blocked request, no script), and the screenshot shows the charts.

Skipped, saying why, where no Chromium is installed (.ci/run installs Debian's chromium).
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest

from grader.publish import publish

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(CHROMIUM is None, reason="no chromium installed (apt-get install chromium) to open the pages")]

ACCENT = (0x2F, 0x6F, 0xB5)  # svg.chart .fill in report.css: histogram columns and score bars
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--enable-logging=stderr", "--v=0", "--window-size=1200,1600"]


def chromium(tmp: Path, page: Path, *extra: str) -> subprocess.CompletedProcess:
    profile = tmp / f"profile-{page.stem}-{len(extra)}"
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *extra, page.resolve().as_uri()],
                          capture_output=True, text=True, timeout=120, check=False)


class _Attributes(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: set[str] = set()
        self.names: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.names.extend(name for name, _ in attrs)


def console_messages(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


def png_pixels(path: Path) -> tuple[int, int, list[bytes]]:
    """Width, height and the raw RGB(A) rows of an 8-bit, non-interlaced PNG (what Chromium writes)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and interlace == 0 and colour in (2, 6)
    bpp = 3 if colour == 2 else 4
    raw, stride, rows, prev = zlib.decompress(idat), width * bpp, [], bytearray(width * bpp)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up, corner = prev[i], prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 0xFF
        rows.append(bytes(line))
        prev = line
    return width, height, [bytes(b for i in range(0, stride, bpp) for b in row[i:i + 3]) for row in rows]  # RGB only


def count_colour(rows: list[bytes], rgb: tuple[int, int, int], tolerance: int = 6) -> int:
    found = 0
    for row in rows:
        for i in range(0, len(row), 3):
            if all(abs(row[i + k] - rgb[k]) <= tolerance for k in range(3)):
                found += 1
    return found


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return tmp_path_factory.mktemp("site")


@pytest.fixture
def pages(site, demo_rubric, rich_result, hostile_result, error_result):
    publish(demo_rubric, "0" * 64, [rich_result, hostile_result, error_result], site, write_json=False)
    return site


@pytest.mark.parametrize("name", ["index", "alice", "mallory", "broken"])
def test_page_opens_without_console_messages_and_shows_charts(pages, tmp_path, name):
    shot = tmp_path / f"{name}.png"
    run = chromium(tmp_path, pages / f"{name}.html", f"--screenshot={shot}")
    assert run.returncode == 0, run.stderr[-2000:]
    assert console_messages(run.stderr) == []
    width, height, rows = png_pixels(shot)
    assert (width, height) == (1200, 1600)
    accent = count_colour(rows, ACCENT)
    if name in ("index", "alice"):
        assert accent > 2000, f"the histogram / score bars are not visible in {name}.png ({accent} accent pixels)"
    dark = count_colour(rows, (0x1B, 0x1F, 0x24), tolerance=40)
    assert dark > 1000, "no text rendered"


def test_mathml_survives_the_browser_parser(pages, tmp_path):
    run = chromium(tmp_path, pages / "alice.html", "--dump-dom")
    dom = run.stdout
    assert dom.count("<math") >= 3 and "<mfrac>" in dom and "<msub>" in dom
    assert "<svg" in dom and "<rect" in dom


def test_hostile_submission_is_inert_in_the_browser(pages, tmp_path):
    run = chromium(tmp_path, pages / "mallory.html", "--dump-dom")
    dom = run.stdout
    parser = _Attributes()
    parser.feed(dom)
    assert not {"script", "img", "iframe", "object"} & parser.tags
    assert not [name for name in parser.names if name.startswith("on") or name in ("src", "style")]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom
    assert "{{ 7*7 }}" in dom
    assert console_messages(run.stderr) == []
