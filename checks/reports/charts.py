"""The class report's two charts, drawn by matplotlib as SVG text to inline in the page.

Each bar is given an element id (matplotlib's `gid`), then a class and a
`<title>` (its tooltip) by editing the SVG with ElementTree. Every other id is
prefixed with the chart's name, references included, so that two charts can sit
in one page. The output is deterministic: fixed `svg.hashsalt`, no date.
"""
from __future__ import annotations

import io
import xml.etree.ElementTree as ET

from checks.statuses import ERROR, FAILED, NOT_ATTEMPTED, PARTIAL, PASSED, TIMEOUT

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG)
ET.register_namespace("xlink", XLINK)

STATUS_COLOURS = {PASSED: "#009E73", PARTIAL: "#E69F00", FAILED: "#D55E00", ERROR: "#CC79A7",
                  TIMEOUT: "#56B4E9", NOT_ATTEMPTED: "#C8C8C8"}
"""Okabe and Ito's colour-blind-safe palette, one colour per derivation status."""
STYLE = {"svg.hashsalt": "gradjudge", "svg.fonttype": "none", "font.family": "sans-serif", "font.size": 9}


def histogram_svg(summary: dict) -> str:
    """The score distribution: one bar per bin of `summary["scores"]["histogram"]`, id `score-bin-<k>`."""
    from matplotlib.ticker import MaxNLocator

    bins = summary["scores"]["histogram"]
    with _style():
        figure, axes = _figure(7.0, 2.6)
        bars = axes.bar([b["from"] for b in bins], [b["count"] for b in bins], width=[b["to"] - b["from"] for b in bins],
                        align="edge", color="#0072B2", edgecolor="white")
        titles = {}
        for index, (bar, found) in enumerate(zip(bars, bins)):
            bar.set_gid(f"score-bin-{index}")
            end = "inclusive" if index == len(bins) - 1 else "exclusive"
            titles[bar.get_gid()] = (f"{found['from']:g} to {found['to']:g} points ({end}): "
                                     f"{found['count']} of {summary['scores']['count']} graded submissions")
        axes.set_xlim(0, bins[-1]["to"] or 1)
        axes.set_xticks([b["from"] for b in bins] + [bins[-1]["to"]])
        axes.xaxis.set_major_formatter(lambda value, _: f"{value:.3g}")
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_xlabel(f"score (of {summary['max_score']:g})")
        axes.set_ylabel("submissions")
        return _svg(figure, "histogram", titles, "score-bin", "Score distribution of the class")


def statuses_svg(summary: dict) -> str:
    """Per id, a stacked bar of the class's statuses: one segment per status that occurs, id `status-<id>-<status>`."""
    from matplotlib.patches import Patch

    ids = list(summary["ids"])
    size = summary["submissions"]
    row = {id: len(ids) - 1 - index for index, id in enumerate(ids)}
    with _style():
        figure, axes = _figure(7.0, 0.9 + 0.24 * len(ids))
        left = dict.fromkeys(ids, 0.0)
        titles = {}
        for status, colour in STATUS_COLOURS.items():
            present = [(id, summary["ids"][id]["statuses"][status]) for id in ids if summary["ids"][id]["statuses"][status]]
            shares = [100 * count / size for _, count in present]
            bars = axes.barh([row[id] for id, _ in present], shares, left=[left[id] for id, _ in present], color=colour,
                             height=0.75)
            for bar, (id, count), share in zip(bars, present, shares):
                bar.set_gid(f"status-{id}-{status}")
                titles[bar.get_gid()] = f"{id}: {count} of {size} {status.replace('_', ' ')} ({share:.0f}%)"
                left[id] += share
        axes.set_yticks([row[id] for id in ids], ids, fontfamily="monospace")
        axes.set_xlim(0, 100)
        axes.set_ylim(-0.6, len(ids) - 0.4)
        axes.set_xlabel(f"share of the class's {size} submissions (%)")
        handles = [Patch(facecolor=colour, label=status.replace("_", " ")) for status, colour in STATUS_COLOURS.items()]
        axes.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=len(handles), frameon=False,
                    handlelength=1.2, columnspacing=1.0)
        return _svg(figure, "statuses", titles, "status-bar", "Statuses per derivation id")


def _style():
    import matplotlib

    return matplotlib.rc_context(STYLE)


def _figure(width: float, height: float):
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), layout="constrained")
    axes = figure.add_subplot()
    axes.spines[["top", "right"]].set_visible(False)
    return figure, axes


def _svg(figure, name: str, titles: dict[str, str], bar_class: str, label: str) -> str:
    out = io.StringIO()
    figure.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    root = ET.fromstring(out.getvalue())
    for metadata in root.findall(f"{{{SVG}}}metadata"):
        root.remove(metadata)
    renamed = {}
    for element in root.iter():
        found = element.get("id")
        if found is not None and found not in titles:
            renamed[found] = element.attrib["id"] = f"{name}-{found}"
    for element in root.iter():
        for attribute, value in element.attrib.items():
            element.set(attribute, _relinked(value, renamed))
        if element.get("id") in titles:
            element.set("class", bar_class)
            title = ET.Element(f"{{{SVG}}}title")
            title.text = titles[element.get("id")]
            element.insert(0, title)
    root.set("class", f"chart chart-{name}")
    root.set("role", "img")
    root.set("aria-label", label)
    return ET.tostring(root, encoding="unicode")


def _relinked(value: str, renamed: dict[str, str]) -> str:
    """`url(#x)` and `#x` references to a renamed id, pointed at its new name."""
    if value.startswith("#") and value[1:] in renamed:
        return f"#{renamed[value[1:]]}"
    if value.startswith("url(#") and value.endswith(")") and value[5:-1] in renamed:
        return f"url(#{renamed[value[5:-1]]})"
    return value
