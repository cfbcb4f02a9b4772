"""The report's charts: matplotlib figures returned as inline PNG data URIs.

PNG rather than SVG keeps the file small (SVG would embed every Chinese glyph as a path)
and the same bytes every time: the Agg renderer is deterministic and no timestamp is written.
Chinese labels need a CJK font; ``cjk_font`` finds one or says what to install.
Inside ``charts_kept_in(folder)`` a chart drawn before from the same inputs is read back, not drawn.
"""

from __future__ import annotations

import base64
import dataclasses
import functools
import hashlib
import io
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import networkx as nx  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib import cm, colors, font_manager, patches  # noqa: E402

CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "Noto Sans CJK JP")
DPI = 110
BAR_COLOUR = "#2f6f9f"
ORG_TYPE_COLOURS = {
    "enterprise": "#2f6f9f",
    "investor": "#d9822b",
    "university": "#3a9d5d",
    "research_institute": "#8e6bbf",
    "government_agency": "#c44e52",
    "other": "#8c8c8c",
}


class MissingFontError(RuntimeError):
    pass


def cjk_font() -> str:
    """The first installed font that draws Chinese; raises if there is none (labels would be boxes)."""
    installed = {font.name for font in font_manager.fontManager.ttflist}
    for name in CJK_FONTS:
        if name in installed:
            return name
    raise MissingFontError(
        "no CJK font found for the report's Chinese labels; install one, e.g. `apt-get install fonts-noto-cjk`"
    )


@dataclass(frozen=True)
class Chart:
    """One rendered chart: what it shows, and the image as a data URI."""

    chart_id: str
    title: str
    data_uri: str
    alt: str


_KEPT_IN: ContextVar[Path | None] = ContextVar("charts_kept_in", default=None)


@contextmanager
def charts_kept_in(folder: Path) -> Iterator[None]:
    """Keep every chart drawn inside this block in ``folder``, and read back those drawn before.

    Drawing report.html's charts takes about 3 s (matplotlib lays out every label), the same each time a release
    is unchanged. A chart is kept under the hash of its function, its arguments, this module's code and the
    versions and font that draw it, so a change to any of them draws it again.
    """
    token = _KEPT_IN.set(Path(folder))
    try:
        yield
    finally:
        _KEPT_IN.reset(token)


def _canonical(value: object) -> object:
    """``value`` as JSON-ready data that tells apart any two arguments that would draw differently."""
    if isinstance(value, pd.DataFrame):
        hashed = pd.util.hash_pandas_object(value, index=True).to_numpy().tobytes()
        return ["frame", [str(c) for c in value.columns], [str(t) for t in value.dtypes],
                hashlib.sha256(hashed).hexdigest()]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [type(value).__name__, _canonical(dataclasses.astuple(value))]
    if isinstance(value, (list, tuple)):
        return [_canonical(item) for item in value]
    if isinstance(value, dict):
        return [[str(k), _canonical(v)] for k, v in sorted(value.items())]
    if isinstance(value, np.generic):
        return _canonical(value.item())
    if isinstance(value, float):
        return repr(value)
    if value is None or isinstance(value, (str, int, bool)):
        return value
    raise TypeError(f"a chart argument of type {type(value).__name__} cannot be keyed; teach charts._canonical it")


@functools.cache
def _drawing_version() -> str:
    """What draws a chart besides its arguments: this module's code, the libraries' versions and the CJK font."""
    font = Path(font_manager.findfont(font_manager.FontProperties(family=cjk_font())))
    parts = [Path(__file__).read_text(encoding="utf-8"), matplotlib.__version__, nx.__version__, np.__version__,
             str(font), str(font.stat().st_size)]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _kept(draw: Callable[..., Chart]) -> Callable[..., Chart]:
    """``draw``, reading its chart back from the folder of ``charts_kept_in`` when it was drawn there before."""

    @functools.wraps(draw)
    def drawn_or_kept(*args, **kwargs) -> Chart:
        folder = _KEPT_IN.get()
        if folder is None:
            return draw(*args, **kwargs)
        key = json.dumps([draw.__name__, _canonical(args), _canonical(kwargs), _drawing_version()])
        path = folder / f"{hashlib.sha256(key.encode()).hexdigest()}.json"
        if path.exists():
            return Chart(**json.loads(path.read_text(encoding="utf-8")))
        chart = draw(*args, **kwargs)
        folder.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
        partial.write_text(json.dumps(dataclasses.asdict(chart)), encoding="utf-8")
        os.replace(partial, path)  # whole or absent: another process may read it
        return chart

    return drawn_or_kept


def _style() -> None:
    plt.rcParams.update({
        "font.family": "sans-serif",
        "font.sans-serif": [cjk_font(), "DejaVu Sans"],
        "axes.unicode_minus": False,
        "axes.spines.top": False,
        "axes.spines.right": False,
    })


def _encode(figure, chart_id: str, title: str, alt: str) -> Chart:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight", metadata={"Software": None})
    plt.close(figure)
    return Chart(chart_id, title, "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii"), alt)


@_kept
def bar_chart(chart_id: str, title: str, labels: list[str], values: list[float], value_label: str,
              horizontal: bool = True, percent: bool = False) -> Chart:
    """Bars sorted by value, largest at the top (horizontal) or left (vertical)."""
    _style()
    order = np.argsort(-np.asarray(values, dtype=float), kind="stable")
    labels = [labels[i] for i in order]
    values = [float(values[i]) for i in order]
    shown = [v * 100 for v in values] if percent else values
    axis_label = f"{value_label} (%)" if percent else value_label
    if horizontal:
        figure, axes = plt.subplots(figsize=(7.5, max(2.2, 0.28 * len(labels) + 0.8)))
        axes.barh(range(len(labels)), shown, color=BAR_COLOUR)
        axes.set_yticks(range(len(labels)), labels)
        axes.invert_yaxis()
        axes.set_xlabel(axis_label)
        for y, value in enumerate(shown):
            axes.text(value, y, f" {value:.1f}" if percent else f" {value:,.0f}", va="center", fontsize=8)
    else:
        figure, axes = plt.subplots(figsize=(max(6.0, 0.3 * len(labels) + 1.5), 3.6))
        axes.bar(range(len(labels)), shown, color=BAR_COLOUR)
        axes.set_xticks(range(len(labels)), labels, rotation=90 if len(labels) > 12 else 0)
        axes.set_ylabel(axis_label)
    axes.set_title(title, fontsize=11)
    return _encode(figure, chart_id, title, f"{title}: " + ", ".join(f"{l} {v:g}" for l, v in zip(labels[:5], shown[:5])))


@_kept
def histogram_by_year(chart_id: str, title: str, years: list[int], counts: list[int], value_label: str) -> Chart:
    """Counts per year in year order (a histogram of founding years)."""
    _style()
    figure, axes = plt.subplots(figsize=(7.5, 3.2))
    axes.bar(years, counts, color=BAR_COLOUR, width=0.85)
    axes.set_xlabel("year")
    axes.set_ylabel(value_label)
    axes.set_title(title, fontsize=11)
    peak = int(np.argmax(counts)) if len(counts) else 0
    alt = f"{title}: peak {years[peak]} with {counts[peak]}" if len(counts) else title
    return _encode(figure, chart_id, title, alt)


@_kept
def grouped_bars(chart_id: str, title: str, frame: pd.DataFrame, value_label: str) -> Chart:
    """One group of bars per row of ``frame`` (index = labels), one bar per column (e.g. editions)."""
    _style()
    figure, axes = plt.subplots(figsize=(8, max(2.5, 0.45 * len(frame) + 1)))
    width = 0.8 / max(1, len(frame.columns))
    positions = np.arange(len(frame))
    palette = ["#9ecae1", "#4292c6", "#08519c", "#08306b"]
    for i, column in enumerate(frame.columns):
        axes.barh(positions + i * width, frame[column].to_numpy(dtype=float), height=width,
                  label=str(column), color=palette[i % len(palette)])
    axes.set_yticks(positions + width * (len(frame.columns) - 1) / 2, list(frame.index))
    axes.invert_yaxis()
    axes.set_xlabel(value_label)
    axes.legend(title="edition", fontsize=8)
    axes.set_title(title, fontsize=11)
    return _encode(figure, chart_id, title, f"{title}, editions {', '.join(map(str, frame.columns))}")


@_kept
def stacked_bars(chart_id: str, title: str, frame: pd.DataFrame, value_label: str) -> Chart:
    """Horizontal stacked bars: rows are labels in the given order, columns the stacked parts."""
    _style()
    figure, axes = plt.subplots(figsize=(8.5, max(3.0, 0.3 * len(frame) + 1.2)))
    left = np.zeros(len(frame))
    colours = plt.get_cmap("tab10")
    for i, column in enumerate(frame.columns):
        values = frame[column].to_numpy(dtype=float)
        axes.barh(range(len(frame)), values, left=left, label=str(column), color=colours(i))
        left += values
    axes.set_yticks(range(len(frame)), list(frame.index))
    axes.invert_yaxis()
    axes.set_xlabel(value_label)
    axes.legend(fontsize=7, loc="lower right")
    axes.set_title(title, fontsize=11)
    return _encode(figure, chart_id, title, f"{title}: {len(frame)} rows, {len(frame.columns)} parts")


@_kept
def rank_intervals(chart_id: str, title: str, labels: list[str], nominal: list[float], low: list[float],
                   high: list[float], median: list[float]) -> Chart:
    """Each row's nominal rank with its 5-95% interval and median rank, as in the JRC audits."""
    _style()
    figure, axes = plt.subplots(figsize=(7.5, max(3.0, 0.28 * len(labels) + 1.2)))
    y = np.arange(len(labels))
    axes.hlines(y, low, high, color="#7f7f7f", linewidth=3, label="5-95% interval")
    axes.plot(median, y, "o", color="#d9822b", markersize=4, label="median rank")
    axes.plot(nominal, y, "D", color=BAR_COLOUR, markersize=4, label="nominal rank")
    axes.set_yticks(y, labels)
    axes.invert_yaxis()
    axes.set_xlabel("rank (1 = most competitive)")
    axes.legend(fontsize=8, loc="lower right")
    axes.set_title(title, fontsize=11)
    return _encode(figure, chart_id, title, f"{title}: {len(labels)} provinces")


@dataclass(frozen=True)
class Tile:
    """One province's square on the tile-grid map: where it sits, its label and the value that colours it."""

    column: int
    row: int
    label: str
    value: float
    note: str  # the second line under the label, e.g. the score and rank


@_kept
def tile_map(chart_id: str, title: str, tiles: list[Tile], value_label: str) -> Chart:
    """A tile-grid map: one equal square per province at its rough position (west to east, north to south),
    coloured by value on one sequential scale, labelled with its name and note. Drawn without boundary data."""
    _style()
    columns = max(t.column for t in tiles) + 1
    rows = max(t.row for t in tiles) + 1
    figure, axes = plt.subplots(figsize=(1.05 * columns + 1.2, 1.0 * rows + 0.6))
    values = np.array([t.value for t in tiles], dtype=float)
    scale = colors.Normalize(vmin=float(np.nanmin(values)), vmax=float(np.nanmax(values)))
    colour_map = matplotlib.colormaps["YlGnBu"]
    for tile in tiles:
        axes.add_patch(patches.Rectangle((tile.column, -tile.row), 0.94, -0.94, facecolor=colour_map(scale(tile.value)),
                                                    edgecolor="white"))
        ink = "white" if scale(tile.value) > 0.6 else "#222222"
        axes.text(tile.column + 0.47, -tile.row - 0.36, tile.label, ha="center", va="center", fontsize=9,
                  color=ink, fontweight="bold")
        axes.text(tile.column + 0.47, -tile.row - 0.68, tile.note, ha="center", va="center", fontsize=7, color=ink)
    axes.set_xlim(-0.1, columns)
    axes.set_ylim(-rows - 0.1, 0.1)
    axes.set_aspect("equal")
    axes.set_axis_off()
    bar = figure.colorbar(cm.ScalarMappable(norm=scale, cmap=colour_map), ax=axes, shrink=0.6, pad=0.02)
    bar.set_label(value_label, fontsize=8)
    axes.set_title(title, fontsize=11)
    best = max(tiles, key=lambda t: t.value)
    return _encode(figure, chart_id, title, f"{title}: {len(tiles)} provinces; highest {best.label} ({best.note})")


@_kept
def network_drawing(chart_id: str, title: str, nodes: pd.DataFrame, edges: pd.DataFrame, seed: int = 2020) -> Chart:
    """The network's core: nodes sized by weighted degree, coloured by org type, laid out by force."""
    _style()
    graph = nx.Graph()
    graph.add_nodes_from(nodes["org_id"])
    for row in edges.itertuples(index=False):
        graph.add_edge(row.source_org_id, row.target_org_id, weight=row.relation_count)
    layout = nx.spring_layout(graph, seed=seed, k=1.5 / np.sqrt(max(1, len(graph))), iterations=100)
    figure, axes = plt.subplots(figsize=(8, 8))
    nx.draw_networkx_edges(graph, layout, ax=axes, alpha=0.15, width=0.5)
    degree = nodes.set_index("org_id")["weighted_degree"].astype(float)
    sizes = 20 + 400 * (degree / degree.max()).to_numpy() if len(degree) else []
    colours = [ORG_TYPE_COLOURS.get(t, ORG_TYPE_COLOURS["other"]) for t in nodes["org_type"]]
    nx.draw_networkx_nodes(graph, layout, nodelist=list(nodes["org_id"]), node_size=sizes, node_color=colours,
                           ax=axes, linewidths=0)
    top = nodes.nsmallest(15, "rank")
    nx.draw_networkx_labels(graph, layout, labels=dict(zip(top["org_id"], top["name"])), font_size=7,
                            font_family=plt.rcParams["font.sans-serif"][0], ax=axes)
    for org_type, colour in ORG_TYPE_COLOURS.items():
        if (nodes["org_type"] == org_type).any():
            axes.scatter([], [], color=colour, label=org_type)
    axes.legend(fontsize=8, loc="lower left")
    axes.set_axis_off()
    axes.set_title(title, fontsize=11)
    return _encode(figure, chart_id, title, f"{title}: {len(nodes)} nodes, {len(edges)} node pairs")
