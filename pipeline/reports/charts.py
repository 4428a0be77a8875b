"""Report charts as PNG bytes, drawn with Pillow in a fixed layout with a bundled Chinese font.

The 通报 has two charts of a known shape (open items per category as bars; open and closed items week by
week as two lines), so they are laid out here directly: a `Chart` is the list of what to draw, every piece
of text with its box, the plot area and the legend, and `png()` paints it (at twice the size, scaled down,
so lines and markers are smooth). Tests read the layout: no title, every value labelled, no label over
another, the legend clear of the lines. (matplotlib drew them before; its import alone took 0.55 s of the
3 s a county week may take.)

The font comes from the pylopdf-fonts-zh-cn package (Noto Sans SC, SIL OFL 1.1). Without it the chart
functions return None and the report shows the numbers as a table instead.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

BAR_COLOUR, OPEN_COLOUR, CLOSED_COLOUR = "#B22222", "#B22222", "#2F5597"
INK = "#000000"
DPI = 200
SIZE_IN = (6.4, 2.7)  # 150 x 63 mm in the 通报: two charts, their captions and the 版记 fit one page
WIDTH, HEIGHT = round(SIZE_IN[0] * DPI), round(SIZE_IN[1] * DPI)
SUPERSAMPLE = 2


def pt(points: float) -> int:
    """Points to pixels of the chart (200 dpi)."""
    return round(points * DPI / 72)


TICK_PT, VALUE_PT, AXIS_PT = 10, 9, 10  # font sizes
LINE_W, SPINE_W, TICK_LEN = pt(1.5), pt(0.8), pt(3.5)
PAD = pt(3.5)  # between a tick and its label, a bar and its value


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: Box) -> bool:
        return self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1


@dataclass
class Label:
    text: str
    box: Box  # where it is drawn (for rotated text, the box of the rotated text)
    size: int  # points
    colour: str = INK
    role: str = "tick"  # tick, value (a data label), axis (an axis title), legend
    angle: float = 0  # degrees, anticlockwise


@dataclass
class Chart:
    plot: Box  # the plot area, inside the left and bottom axes
    labels: list[Label] = field(default_factory=list)
    shapes: list[tuple] = field(default_factory=list)  # ("rect"|"line"|"circle"|"square", colour, coordinates…)
    legend: Box | None = None

    def texts(self, role: str) -> list[str]:
        return [lab.text for lab in self.labels if lab.role == role]

    def png(self) -> bytes:
        return _paint(self)


# --------------------------------------------------------------------------- the font


@lru_cache(maxsize=1)
def font_path() -> Path | None:
    """The bundled Simplified-Chinese font; None when not installed."""
    try:
        import pylopdf_fonts_zh_cn
    except ImportError:
        return None
    path = Path(pylopdf_fonts_zh_cn.sans_path())
    return path if path.is_file() else None


@lru_cache(maxsize=16)
def _font(size_px: int):
    from PIL import ImageFont

    return ImageFont.truetype(str(font_path()), size_px)


def text_size(text: str, points: float) -> tuple[int, int]:
    """Width and height (pixels) of one line of text, the height that of the font's full line."""
    font = _font(pt(points))
    ascent, descent = font.getmetrics()
    return round(font.getlength(text)), ascent + descent


def _label(text: str, points: int, anchor: tuple[float, float], align: str, **kw) -> Label:
    """A label placed by one point of its box: align is two letters, horizontal (l, m, r) then vertical
    (t, m, b), as in Pillow's anchors."""
    w, h = text_size(text, points)
    x, y = anchor
    x0 = {"l": x, "m": x - w / 2, "r": x - w}[align[0]]
    y0 = {"t": y, "m": y - h / 2, "b": y - h}[align[1]]
    return Label(text, Box(x0, y0, x0 + w, y0 + h), points, **kw)


def _rotated(text: str, points: int, angle: float, corner: tuple[float, float], **kw) -> Label:
    """Text turned `angle` degrees anticlockwise, its box placed with its top-right corner at `corner`
    (an x tick label, ending under its tick), or for 90 degrees centred on `corner`."""
    w, h = text_size(text, points)
    a = math.radians(angle)
    bw, bh = w * math.cos(a) + h * math.sin(a), w * math.sin(a) + h * math.cos(a)
    x, y = corner
    box = Box(x - bw / 2, y - bh / 2, x + bw / 2, y + bh / 2) if angle == 90 else Box(x - bw, y, x, y + bh)
    return Label(text, box, points, angle=angle, **kw)


# --------------------------------------------------------------------------- the two charts


def category_chart(labels: list[str], values: list[int]) -> bytes | None:
    chart = category_figure(labels, values)
    return None if chart is None else chart.png()


def trend_chart(periods: list[str], open_items: list[int], closed_items: list[int]) -> bytes | None:
    chart = trend_figure(periods, open_items, closed_items)
    return None if chart is None else chart.png()


def category_figure(labels: list[str], values: list[int]) -> Chart | None:
    """Horizontal bars: open items per category, top to bottom in the given order, each labelled with its
    number. No title: the caption under the picture in the 通报 says what it shows."""
    if font_path() is None:
        return None
    top = max(values + [1]) * 1.15
    ticks = nice_ticks(top)
    labels = [_shortened(s, TICK_PT, WIDTH / 2 - TICK_LEN - PAD - pt(6)) for s in labels]  # bars keep half
    left = max(text_size(s, TICK_PT)[0] for s in labels) + TICK_LEN + PAD + pt(6)
    bottom = HEIGHT - (text_size("0", TICK_PT)[1] + text_size("事", AXIS_PT)[1] + TICK_LEN + 2 * PAD + pt(4))
    plot = Box(left, pt(6), WIDTH - pt(6), bottom)
    chart = Chart(plot)
    x = _scale(0, top, plot.x0, plot.x1)
    row = (plot.y1 - plot.y0) / max(len(labels), 1)
    for i, (name, value) in enumerate(zip(labels, values)):
        mid = plot.y0 + row * (i + 0.5)
        half = row * 0.6 / 2
        if value > 0:
            chart.shapes.append(("rect", BAR_COLOUR, (plot.x0, mid - half, x(value), mid + half)))
        chart.shapes.append(("line", INK, (plot.x0 - TICK_LEN, mid, plot.x0, mid), SPINE_W))
        chart.labels.append(_label(name, TICK_PT, (plot.x0 - TICK_LEN - PAD, mid), "rm"))
        chart.labels.append(_label(str(value), VALUE_PT, (x(value) + PAD, mid), "lm", role="value"))
    _axes(chart)
    for t in ticks:
        chart.shapes.append(("line", INK, (x(t), plot.y1, x(t), plot.y1 + TICK_LEN), SPINE_W))
        chart.labels.append(_label(str(t), TICK_PT, (x(t), plot.y1 + TICK_LEN + PAD), "mt"))
    axis_top = max(lab.box.y1 for lab in chart.labels if lab.role == "tick" and lab.box.y0 > plot.y1)
    chart.labels.append(_label("事项数（项）", AXIS_PT, ((plot.x0 + plot.x1) / 2, axis_top + pt(2)), "mt", role="axis"))
    return chart


def trend_figure(periods: list[str], open_items: list[int], closed_items: list[int]) -> Chart | None:
    """Lines: open and closed items week by week, each point labelled with its number (the upper line's
    above its points, the lower line's below; in a long series every few weeks, see _labelled_points); the
    legend sits above the plot area, clear of the lines. No title (the caption says it)."""
    if font_path() is None:
        return None
    top = max(open_items + closed_items + [1])
    turn = 30 if len(periods) > 6 else 0
    label_w, label_h = max(text_size(p, TICK_PT)[0] for p in periods), text_size("0", TICK_PT)[1]
    tick_h = label_w * math.sin(math.radians(turn)) + label_h * math.cos(math.radians(turn)) if turn else label_h
    axis_w = text_size("事", AXIS_PT)[1]
    legend_h = text_size("未办结", TICK_PT)[1]
    y0, y1 = legend_h + pt(8), HEIGHT - tick_h - TICK_LEN - PAD - pt(4)
    # room inside the plot for a value label above the highest point and below the lowest
    room = (pt(5) + text_size("0", VALUE_PT)[1] + pt(2)) / (y1 - y0)
    span = top / (1 - 2 * room)
    low, high = -room * span, top + room * span
    ticks = [t for t in nice_ticks(high) if t >= low]
    left = axis_w + pt(4) + max(text_size(str(t), TICK_PT)[0] for t in ticks) + TICK_LEN + 2 * PAD
    right, n = WIDTH - pt(6), max(len(periods), 1)
    last_w = max((text_size(str(v), VALUE_PT)[0] for v in open_items[-1:] + closed_items[-1:]), default=0)
    # this week's numbers, centred on the last point half a step from the plot's edge, stay in the picture
    fits_last = (right - last_w / 2 - left / (2 * n)) / (1 - 1 / (2 * n))
    plot = Box(left, y0, min(right - (label_w / 2 if not turn else 0), fits_last), y1)
    chart = Chart(plot)
    y = _scale(low, high, plot.y1, plot.y0)
    step = (plot.x1 - plot.x0) / n
    xs = [plot.x0 + step * (i + 0.5) for i in range(len(periods))]
    series = ((open_items, "circle", OPEN_COLOUR, "未办结"), (closed_items, "square", CLOSED_COLOUR, "已办结"))
    week_labels = [
        _rotated(name, TICK_PT, turn, (xi + pt(3), plot.y1 + TICK_LEN + PAD))
        if turn
        else _label(name, TICK_PT, (xi, plot.y1 + TICK_LEN + PAD), "mt")
        for xi, name in zip(xs, periods)
    ]
    value_labels = []  # (point, label)
    for (values, marker, colour, _), (other, _, _, _), below in zip(series, reversed(series), (False, True)):
        points = [(xi, y(v)) for xi, v in zip(xs, values)]
        chart.shapes.append(("polyline", colour, points, LINE_W))
        for i, ((xi, yi), v, o) in enumerate(zip(points, values, other)):
            chart.shapes.append((marker, colour, (xi, yi), pt(3)))
            under = v < o or (v == o and below)  # the lower line's labels go under its points
            anchor = (xi, yi + pt(5)) if under else (xi, yi - pt(5))
            label = _label(str(v), VALUE_PT, anchor, "mt" if under else "mb", colour=colour, role="value")
            value_labels.append((i, label))
    shown = _labelled_points(len(periods), value_labels + list(enumerate(week_labels)))
    shown -= {i for i, label in value_labels if label.box.x0 <= plot.x0}  # a first point's numbers over the axis
    shown -= {i for i, label in enumerate(week_labels) if label.box.x0 < 0}
    chart.labels += [label for i, label in value_labels if i in shown]
    _axes(chart)
    for t in ticks:
        chart.shapes.append(("line", INK, (plot.x0 - TICK_LEN, y(t), plot.x0, y(t)), SPINE_W))
        chart.labels.append(_label(str(t), TICK_PT, (plot.x0 - TICK_LEN - PAD, y(t)), "rm"))
    for i, xi in enumerate(xs):
        chart.shapes.append(("line", INK, (xi, plot.y1, xi, plot.y1 + TICK_LEN), SPINE_W))
        if i in shown:
            chart.labels.append(week_labels[i])
    chart.labels.append(
        _rotated("事项数（项）", AXIS_PT, 90, (axis_w / 2 + pt(2), (plot.y0 + plot.y1) / 2), role="axis")
    )
    _legend(chart, series)
    return chart


def _labelled_points(count: int, labels: list[tuple[int, Label]]) -> set[int]:
    """The points whose week and numbers are labelled: every one while the labels fit; in a long series
    (it holds every period so far) every k-th, counted back from the last (this week), k the least with no
    label over another."""
    for k in range(1, count + 1):
        kept = set(range(count - 1, -1, -k))
        boxes = sorted((lab.box for i, lab in labels if i in kept), key=lambda b: b.x0)
        if not any(_overlap_after(boxes, n) for n in range(len(boxes))):
            return kept
    return {count - 1}


def _overlap_after(boxes: list[Box], n: int) -> bool:
    """Whether boxes[n] overlaps one after it (the boxes sorted by their left edge)."""
    a = boxes[n]
    for b in boxes[n + 1 :]:
        if b.x0 >= a.x1:
            return False
        if a.overlaps(b):
            return True
    return False


def _shortened(text: str, points: int, width: float) -> str:
    """The text, or as much of it as fits `width` followed by an ellipsis."""
    if text_size(text, points)[0] <= width:
        return text
    while text and text_size(text + "…", points)[0] > width:
        text = text[:-1]
    return text + "…"


def nice_ticks(top: float) -> list[int]:
    """Whole-number ticks from 0 to at most `top`, 1, 2 or 5 times a power of ten apart, 3 to 8 of them."""
    for power in range(0, 12):
        for unit in (1, 2, 5):
            step = unit * 10**power
            if top / step <= 7:
                return list(range(0, int(top) + 1, step))
    return [0]


def _scale(lo: float, hi: float, a: float, b: float):
    return lambda v: a + (v - lo) / (hi - lo) * (b - a)


def _axes(chart: Chart) -> None:
    p = chart.plot
    chart.shapes.append(("line", INK, (p.x0, p.y0, p.x0, p.y1), SPINE_W))
    chart.shapes.append(("line", INK, (p.x0, p.y1, p.x1, p.y1), SPINE_W))


def _legend(chart: Chart, series) -> None:
    """One row above the plot area, centred: a short line with its marker, then the name."""
    sample, gap = pt(20), pt(14)
    widths = [sample + PAD + text_size(name, TICK_PT)[0] for *_, name in series]
    total = sum(widths) + gap * (len(widths) - 1)
    x, mid = (chart.plot.x0 + chart.plot.x1 - total) / 2, text_size("未", TICK_PT)[1] / 2 + pt(2)
    start = x
    for (_, marker, colour, name), w in zip(series, widths):
        chart.shapes.append(("polyline", colour, [(x, mid), (x + sample, mid)], LINE_W))
        chart.shapes.append((marker, colour, (x + sample / 2, mid), pt(3)))
        chart.labels.append(_label(name, TICK_PT, (x + sample + PAD, mid), "lm", role="legend"))
        x += w + gap
    boxes = [lab.box for lab in chart.labels if lab.role == "legend"]
    chart.legend = Box(start, min(b.y0 for b in boxes), x - gap, max(b.y1 for b in boxes))


# --------------------------------------------------------------------------- painting


def _paint(chart: Chart) -> bytes:
    from PIL import Image, ImageDraw

    k = SUPERSAMPLE
    image = Image.new("RGB", (WIDTH * k, HEIGHT * k), "white")
    draw = ImageDraw.Draw(image)
    for kind, colour, where, *rest in chart.shapes:
        if kind == "rect":
            draw.rectangle([v * k for v in where], fill=colour)
        elif kind == "line":
            draw.line([v * k for v in where], fill=colour, width=max(1, round(rest[0] * k)))
        elif kind == "polyline":
            draw.line([(x * k, y * k) for x, y in where], fill=colour, width=round(rest[0] * k), joint="curve")
        else:  # a marker: circle or square of radius r around (x, y)
            (x, y), r = where, rest[0] * k
            box = (x * k - r, y * k - r, x * k + r, y * k + r)
            (draw.ellipse if kind == "circle" else draw.rectangle)(box, fill=colour)
    for lab in chart.labels:
        _draw_text(image, draw, lab, k)
    image = image.reduce(k)  # each pixel the mean of k x k: smooth edges
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(DPI, DPI), compress_level=3)
    return out.getvalue()


def _draw_text(image, draw, lab: Label, k: int) -> None:
    from PIL import Image, ImageDraw

    font = _font(pt(lab.size) * k)
    if not lab.angle:
        draw.text((lab.box.x0 * k, lab.box.y0 * k), lab.text, font=font, fill=lab.colour)
        return
    ascent, descent = font.getmetrics()
    tile = Image.new("L", (math.ceil(font.getlength(lab.text)), ascent + descent), 0)
    ImageDraw.Draw(tile).text((0, 0), lab.text, font=font, fill=255)
    tile = tile.rotate(lab.angle, resample=Image.Resampling.BICUBIC, expand=True)
    colour = Image.new("RGB", tile.size, lab.colour)
    image.paste(colour, (round(lab.box.x0 * k), round(lab.box.y0 * k)), tile)
