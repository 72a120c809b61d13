"""The coverage screen's data: the filtered matrix and what it draws from it, built
once per scope, filter and data version for every session (and by the warmer at start)."""

from __future__ import annotations

import math
from typing import Any, cast

import pandas as pd

from data_layer.db import read_session
from data_layer.jalali import format_amount, format_number
from data_layer.permissions import Scope
from data_layer.queries import coverage as qc
from data_layer.queries.agencies import list_agencies
from data_layer.queries.meta import shows_sample_data
from data_layer.queries.places import list_counties, neighborhood_coordinates
from ui.cache import loader
from ui.html import Html

LEVELS = {
    "met": ("●", "تأمین", "lv-met"),
    "partial": ("◐", "ناقص", "lv-partial"),
    "none": ("○", "ندارد", "lv-none"),
    "served": ("✔", "دارد (بی‌هنجار)", "lv-served"),
    "no_norm": ("—", "بی‌هنجار", "lv-nonorm"),
}


@loader(spinner="در حال خواندن…")
def load(
    url: str,
    scope: Scope,
    county_ids: tuple[int, ...],
    kinds: tuple[str, ...],
    max_priority: int | None,
    agency_id: int | None,
    version: int,
) -> dict[str, Any]:
    """The filtered coverage matrix and the pickers' options (of the reader's county
    only, for a county's reader: its scope, under whatever counties a person picks)."""
    with read_session(url) as s:
        counties = list_counties(s, county_id=scope.county_id)
        return {
            "cells": qc.coverage_matrix(
                s,
                county_ids=list(county_ids) or None,
                kinds=list(kinds) or None,
                max_priority=max_priority,
                agency_id=agency_id,
                county_id=scope.county_id,
            ),
            "counties": counties["name"].tolist(),
            "county_ids": dict(zip(counties["name"], counties["id"].astype(int), strict=True)),
            "agencies": list_agencies(s),
            "sample": shows_sample_data(s),
        }


def matrix_html(cells: pd.DataFrame) -> Html:
    """Neighborhoods as rows (right), services as columns; level by symbol and word."""
    services = cells[["service_type_id", "service"]].drop_duplicates()
    head = Html('<th class="agency">محله</th>') + Html("").join(
        Html("<th>{}</th>").format(s) for s in services["service"]
    )
    body = []
    order = cells.sort_values(["priority_rank", "population"], ascending=[True, False])
    for hood_id, grp in order.groupby("neighborhood_id", sort=False):
        first = grp.iloc[0]
        by_service = {int(r["service_type_id"]): r for _, r in grp.iterrows()}
        tds = [
            Html('<th class="agency" scope="row">{} <small>({})</small></th>').format(
                first["neighborhood"], first["county"]
            )
        ]
        for sid in services["service_type_id"]:
            r = by_service[int(sid)]
            sym, word, cls = LEVELS[r["level"]]
            need = "—" if pd.isna(r["need"]) else format_amount(r["need"])
            title = (
                f"{r['service']} در {r['neighborhood']}: {word}\nنیاز {need}،"
                f" موجود {format_amount(r['delivered'])} {r['unit']}،"
                f" {format_number(int(r['agencies']))} دستگاه"
            )
            tds.append(
                Html('<td class="lv {}" title="{}" data-level="{}">{} {}</td>').format(
                    cls, title, r["level"], sym, word
                )
            )
        hood = int(cast(int, hood_id))  # the group's key: a neighborhood id
        body.append(Html("<tr data-hood='{}'>{}</tr>").format(hood, Html("").join(tds)))
    return Html(
        '<div class="matrix-wrap"><table class="matrix coverage" dir="rtl">'
        "<thead><tr>{}</tr></thead><tbody>{}</tbody></table></div>"
    ).format(head, Html("").join(body))


MAP_NAMES = 40  # at most this many dots carry their name (the most populous that fit)
# The smallest map the screens draw (px): a name placed apart here stays apart on a
# larger one, where the dots move apart and the names keep their size.
MAP_MIN_SIZE = (480.0, 320.0)  # below the chart's 380 px: the fit keeps a margin
NAME_LIFT = 24.0  # px from a dot's centre to its name's (the text mark's dy): clear of the largest
NAME_HEIGHT = 16.0
NAME_CHAR_WIDTH = 6.8  # Vazirmatn at 12 px, a Persian letter's mean advance and then some
DOT_AREA = (60.0, 900.0)  # the dots' size range (px²), as map_chart draws them
MAX_ROWS = 150  # a province-sized matrix; past that, the filters narrow it down


@loader()
def view(
    url: str,
    scope: Scope,
    county_ids: tuple[int, ...],
    kinds: tuple[str, ...],
    max_priority: int | None,
    agency_id: int | None,
    version: int,
) -> dict[str, Any]:
    """What the screen draws from the filtered matrix, built once per filter and data
    version for every session: the figures, the matrix's HTML, the names, the map."""
    cells = load(url, scope, county_ids, kinds, max_priority, agency_id, version)["cells"]
    if cells.empty:
        return {"empty": True}
    firsts = cells.drop_duplicates("neighborhood_id").sort_values(
        ["priority_rank", "population"], ascending=[True, False]
    )
    served = cells["level"].isin(["met", "partial", "served"])
    anything = served.groupby(cells["neighborhood_id"]).any()
    shown = cells
    if len(firsts) > MAX_ROWS:
        shown = cells[cells["neighborhood_id"].isin(firsts["neighborhood_id"].head(MAX_ROWS))]
    return {
        "empty": False,
        "hoods": len(firsts),
        "nothing": int((~anything).sum()),
        "met": int((cells["level"] == "met").sum()),
        "none": int((cells["level"] == "none").sum()),
        "matrix": matrix_html(shown),
        "names": {
            int(i): f"{n} ({c})"
            for i, n, c in zip(
                firsts["neighborhood_id"], firsts["neighborhood"], firsts["county"], strict=True
            )
        },
        "map": map_frame(cells, coordinates(url, scope, version)),
    }


@loader()
def coordinates(url: str, scope: Scope, version: int) -> dict[int, tuple[float, float]]:
    """Every neighborhood's position, read once per data version."""
    with read_session(url) as s:
        return neighborhood_coordinates(s)


def map_frame(cells: pd.DataFrame, where: dict[int, tuple[float, float]]) -> pd.DataFrame:
    """One row per placed neighborhood: position, population, services not covered."""
    keys = ["neighborhood_id", "neighborhood", "county", "population"]
    # as_index=False: the sum is a frame with the group columns (the stubs say Series).
    per = cast(
        pd.DataFrame,
        cells.assign(missing=(cells["level"] == "none").astype(int))
        .groupby(keys, as_index=False)["missing"]
        .sum(),
    )
    per = per[per["neighborhood_id"].isin(list(where))].copy()
    if per.empty:
        return per
    per["lat"] = [where[int(h)][0] for h in per["neighborhood_id"]]
    per["lon"] = [where[int(h)][1] for h in per["neighborhood_id"]]
    per["خدمات بدون پوشش"] = per["missing"].map(format_number)
    per["جمعیت"] = per["population"].map(format_number)
    per["named"] = named_apart(per)
    return per


def _mercator(lat: float, lon: float) -> tuple[float, float]:
    return math.radians(lon), math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


Box = tuple[float, float, float, float]


def _overlap(a: Box, b: Box) -> bool:
    return not (a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1])


def map_boxes(per: pd.DataFrame) -> tuple[list[Box], list[Box]]:
    """Each name's box and each dot's (left, top, right, bottom, px) on the smallest map
    we draw, the positions projected and fitted as the chart's mercator projection does."""
    xy = [_mercator(la, lo) for la, lo in zip(per["lat"], per["lon"], strict=True)]
    xs, ys = [x for x, _ in xy], [y for _, y in xy]
    width, height = MAP_MIN_SIZE
    span_x, span_y = (max(xs) - min(xs)) or 1e-9, (max(ys) - min(ys)) or 1e-9
    scale = min(width / span_x, height / span_y)
    top = float(per["population"].max()) or 1.0
    names: list[Box] = []
    dots: list[Box] = []
    for (x, y), name, people in zip(xy, per["neighborhood"], per["population"], strict=True):
        cx, cy = (x - min(xs)) * scale, (max(ys) - y) * scale
        area = DOT_AREA[0] + (DOT_AREA[1] - DOT_AREA[0]) * float(people) / top
        r = math.sqrt(area / math.pi)
        dots.append((cx - r, cy - r, cx + r, cy + r))
        half = (len(str(name)) * NAME_CHAR_WIDTH) / 2
        lift = cy - NAME_LIFT
        names.append((cx - half, lift - NAME_HEIGHT / 2, cx + half, lift + NAME_HEIGHT / 2))
    return names, dots


def named_apart(per: pd.DataFrame) -> list[bool]:
    """Which dots carry their name: the most populous first, each only where its name
    covers no name already placed and no other dot, and MAP_NAMES at most (the rest
    name themselves on hover)."""
    names, dots = map_boxes(per)
    placed: list[Box] = []
    named = [False] * len(names)
    for i in sorted(range(len(names)), key=lambda k: -float(per["population"].iloc[k])):
        box = names[i]
        # Dots that touch this one hide under its name anyway; any other must stay clear.
        clear = not any(_overlap(box, b) for b in placed) and not any(
            _overlap(box, d) for j, d in enumerate(dots) if j != i and not _overlap(d, dots[i])
        )
        if clear and len(placed) < MAP_NAMES:
            placed.append(box)
            named[i] = True
    return named
