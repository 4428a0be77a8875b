"""Report charts as PNG bytes: matplotlib's Agg canvas (no pyplot, no display) with a bundled Chinese font.

The font comes from the pylopdf-fonts-zh-cn package (Noto Sans SC, SIL OFL 1.1): matplotlib's own
fonts have no Han glyphs and would draw boxes. Without the font, chart functions return None and the
report shows the numbers as a table instead.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # matplotlib itself is imported where a chart is drawn: importing this module stays cheap
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

BAR_COLOUR, OPEN_COLOUR, CLOSED_COLOUR = "#B22222", "#B22222", "#2F5597"
DPI = 200


@lru_cache(maxsize=1)
def chinese_font() -> FontProperties | None:
    """The bundled Simplified-Chinese font, registered with matplotlib; None when not installed."""
    path = _font_path()
    if path is None:
        return None
    from matplotlib.font_manager import FontProperties, fontManager

    fontManager.addfont(str(path))
    return FontProperties(fname=str(path))


def _font_path() -> Path | None:
    try:
        import pylopdf_fonts_zh_cn
    except ImportError:
        return None
    path = Path(pylopdf_fonts_zh_cn.sans_path())
    return path if path.is_file() else None


SIZE_IN = (6.4, 2.7)  # 150 x 63 mm in the 通报: two charts, their captions and the 版记 fit one page


def category_chart(labels: list[str], values: list[int]) -> bytes | None:
    fig = category_figure(labels, values)
    return None if fig is None else _png(fig)


def trend_chart(periods: list[str], open_items: list[int], closed_items: list[int]) -> bytes | None:
    fig = trend_figure(periods, open_items, closed_items)
    return None if fig is None else _png(fig)


def category_figure(labels: list[str], values: list[int]) -> Figure | None:
    """Horizontal bars: open items per category, each labelled with its number. No title: the
    caption under the picture in the 通报 says what it shows."""
    font = chinese_font()
    if font is None:
        return None
    fig, ax = _figure(*SIZE_IN)
    positions = list(range(len(labels)))[::-1]
    bars = ax.barh(positions, values, color=BAR_COLOUR, height=0.6)
    ax.set_yticks(positions, labels, fontproperties=font, fontsize=10)
    ax.bar_label(bars, labels=[str(v) for v in values], padding=3, fontproperties=font, fontsize=9)
    ax.set_xlim(0, max(values + [1]) * 1.15)
    ax.xaxis.get_major_locator().set_params(integer=True)
    _finish(ax, font, xlabel="事项数（项）")
    return fig


def trend_figure(periods: list[str], open_items: list[int], closed_items: list[int]) -> Figure | None:
    """Lines: open and closed items week by week, each point labelled with its number; the legend
    sits above the plot area, clear of the lines. No title (the caption says it)."""
    font = chinese_font()
    if font is None:
        return None
    fig, ax = _figure(*SIZE_IN)
    x = list(range(len(periods)))
    top = max(open_items + closed_items + [1])
    for values, marker, colour, label, below in (
        (open_items, "o", OPEN_COLOUR, "未办结", False),
        (closed_items, "s", CLOSED_COLOUR, "已办结", True),
    ):
        ax.plot(x, values, marker=marker, color=colour, label=label)
        for xi, v, other in zip(x, values, closed_items if not below else open_items):
            under = v < other or (v == other and below)  # the lower line's labels go under its points
            ax.annotate(
                str(v),
                (xi, v),
                textcoords="offset points",
                xytext=(0, -12 if under else 6),
                ha="center",
                fontproperties=font,
                fontsize=9,
                color=colour,
            )
    ax.set_xticks(x, periods, fontproperties=font, fontsize=9, rotation=30 if len(x) > 6 else 0)
    ax.set_xlim(-0.4, len(x) - 0.6)
    ax.set_ylim(-top * 0.08, top * 1.15)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.legend(prop=font, frameon=False, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2)
    _finish(ax, font, ylabel="事项数（项）")
    return fig


def _figure(width: float, height: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig, ax


def _finish(ax, font: FontProperties, xlabel: str = "", ylabel: str = "") -> None:
    if xlabel:
        ax.set_xlabel(xlabel, fontproperties=font, fontsize=10)
    if ylabel:
        ax.set_ylabel(ylabel, fontproperties=font, fontsize=10)
    for tick in ax.get_xticklabels() + ax.get_yticklabels():
        tick.set_fontproperties(font)
    ax.figure.tight_layout()


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    return buf.getvalue()
