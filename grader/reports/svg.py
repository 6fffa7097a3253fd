"""Small inline SVG charts: no script, no external reference, colours from report.css classes.

Every label goes through ``escape``; numbers are formatted here. The charts have a
``<title>`` and ``role="img"`` so a screen reader (and a printed page) still has the numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape


def fmt(value: float) -> str:
    """A score as people write it: 7.5, 8, 0.25 (no trailing zeros, at most 2 decimals)."""
    return f"{round(value, 2) + 0.0:g}"  # + 0.0 turns -0.0 into 0


def _svg(width: int, height: int, title: str, body: list[str]) -> Markup:
    return Markup(
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    maximum: float


def score_bars(bars: list[Bar], title: str) -> Markup:
    """One horizontal bar per question: grey track = points available, fill = points earned."""
    row, label_w, track_w = 22, 70, 300
    body = []
    for index, bar in enumerate(bars):
        y = index * row
        share = 0.0 if bar.maximum <= 0 else min(max(bar.value / bar.maximum, 0.0), 1.0)
        body.append(
            f'<text class="label" x="{label_w - 6}" y="{y + 15}" text-anchor="end">{escape(bar.label)}</text>'
            f'<rect class="track" x="{label_w}" y="{y + 4}" width="{track_w}" height="14"></rect>'
            f'<rect class="fill" x="{label_w}" y="{y + 4}" width="{track_w * share:.1f}" height="14"></rect>'
            f'<text class="value" x="{label_w + track_w + 6}" y="{y + 15}">{fmt(bar.value)} / {fmt(bar.maximum)}</text>'
        )
    return _svg(label_w + track_w + 80, max(row * len(bars), row), title, body)


def histogram(counts: list[int], edges: list[float], title: str) -> Markup:
    """Columns of ``counts`` between consecutive ``edges``, with the count above each column."""
    width, height, left, bottom, top = 560, 220, 30, 40, 20
    plot_w, plot_h = width - left - 10, height - bottom - top
    tallest = max(counts, default=0) or 1
    column = plot_w / max(len(counts), 1)
    body = [f'<line class="axis" x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}"></line>']
    for index, count in enumerate(counts):
        x = left + index * column
        h = plot_h * count / tallest
        body.append(
            f'<rect class="fill" x="{x + 2:.1f}" y="{top + plot_h - h:.1f}" width="{column - 4:.1f}" height="{h:.1f}">'
            f"<title>{fmt(edges[index])}–{fmt(edges[index + 1])}: {count}</title></rect>"
        )
        if count:
            body.append(f'<text class="value" x="{x + column / 2:.1f}" y="{top + plot_h - h - 4:.1f}" text-anchor="middle">{count}</text>')
    for index, edge in enumerate(edges):
        x = left + index * column
        body.append(f'<text class="label" x="{x:.1f}" y="{top + plot_h + 16}" text-anchor="middle">{fmt(edge)}</text>')
    body.append(f'<text class="label" x="{left + plot_w / 2:.1f}" y="{height - 6}" text-anchor="middle">score</text>')
    return _svg(width, height, title, body)


@dataclass(frozen=True)
class Spread:
    label: str
    mean: float
    sd: float
    low: float
    high: float
    maximum: float


def spread_bars(rows: list[Spread], title: str) -> Markup:
    """Per question: a bar to the mean, a whisker from lowest to highest score, ticks at mean ± sd."""
    row, label_w, track_w = 26, 70, 300
    body = []
    for index, item in enumerate(rows):
        y = index * row
        scale = track_w / item.maximum if item.maximum > 0 else 0.0

        def x(value: float) -> float:
            return label_w + min(max(value, 0.0), item.maximum) * scale

        mid = y + 13
        body.append(
            f'<text class="label" x="{label_w - 6}" y="{mid + 4}" text-anchor="end">{escape(item.label)}</text>'
            f'<rect class="track" x="{label_w}" y="{y + 6}" width="{track_w}" height="14"></rect>'
            f'<rect class="fill" x="{label_w}" y="{y + 6}" width="{x(item.mean) - label_w:.1f}" height="14"></rect>'
            f'<line class="whisker" x1="{x(item.low):.1f}" y1="{mid}" x2="{x(item.high):.1f}" y2="{mid}"></line>'
            f'<line class="whisker" x1="{x(item.mean - item.sd):.1f}" y1="{y + 3}" x2="{x(item.mean - item.sd):.1f}" y2="{y + 23}"></line>'
            f'<line class="whisker" x1="{x(item.mean + item.sd):.1f}" y1="{y + 3}" x2="{x(item.mean + item.sd):.1f}" y2="{y + 23}"></line>'
            f'<text class="value" x="{label_w + track_w + 6}" y="{mid + 4}">{fmt(item.mean)} ± {fmt(item.sd)} / {fmt(item.maximum)}</text>'
        )
    return _svg(label_w + track_w + 120, max(row * len(rows), row), title, body)
