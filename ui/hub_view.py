"""The national hub's screen pieces: the provinces side by side, a province's published
pages (meetings and resolutions with their owners' status, agencies, neighborhoods,
indicators), its versions and the ingest log. Everything a province typed (names,
texts) goes into the HTML as text."""

from __future__ import annotations

from datetime import date
from typing import Any

from data_layer.db import read_session
from data_layer.jalali import (
    format_jalali,
    format_jalali_datetime,
    format_number,
    format_percent,
    to_fa_digits,
)
from data_layer.labels import NEIGHBORHOOD_KIND_LABELS, STATUS_LABELS
from data_layer.permissions import Scope
from data_layer.queries.hub import (
    ProvinceLatest,
    ingest_log,
    province_versions,
    provinces_latest,
    snapshot_content,
    stale_days,
)
from ui.cache import loader

# The hub reads every province: its loaders take the reader's scope as every loader does
# (a hub has no county readers, so it is always the whole).
from ui.html import Html
from ui.tables import html_table

STANDING_LABELS = {"on_track": "در مسیر هدف", "off_track": "دور از هدف", "no_data": "بی‌داده"}
OUTCOME_LABELS = {
    "stored": "دریافت شد",
    "same": "تکراری",
    "refused": "پذیرفته نشد",
    "failed": "ناموفق",
}
VIA_LABELS = {"push": "ارسال استان", "pull": "دریافت از استان"}


@loader(spinner="در حال خواندن استان‌ها…")
def national(url: str, scope: Scope, version: int) -> tuple[list[ProvinceLatest], int]:
    """Every province with its latest figures, and the stale-days setting."""
    with read_session(url) as s:
        return provinces_latest(s), stale_days(s)


@loader()
def drawn(url: str, scope: Scope, today: date, version: int) -> dict[str, Any]:
    """The provinces side by side as screen HTML (the headline and the national table)
    and the provinces that published, by id, built once per data version and day for
    every session: a warm run takes these few strings from the cache instead of the
    provinces' figures, so it does not grow with the number of provinces."""
    rows, days = national(url, scope, version)
    return {
        "provinces": len(rows),
        "headline": headline(rows, today, days),
        "table": national_table(rows, today, days),
        "days": days,
        "published": {p.province_id: p.name for p in rows if p.snapshot_id is not None},
    }


@loader()
def versions(url: str, scope: Scope, province_id: int, version: int) -> list[dict[str, Any]]:
    """A province's versions, newest first."""
    with read_session(url) as s:
        return province_versions(s, province_id)


@loader(spinner="در حال خواندن نسخهٔ منتشرشده…", keep=8)
def content(url: str, scope: Scope, snapshot_id: int, version: int) -> dict[str, Any] | None:
    """One kept version's content (never changes once kept)."""
    with read_session(url) as s:
        return snapshot_content(s, snapshot_id)


# A province's published pages, drawn once per kept version (and per meeting or county
# chosen) for every session: a warm run takes the drawn HTML from the cache and never
# unpickles the version's whole content (millions of bytes at the L).
HOODS_SHOWN = 300  # neighborhoods a table shows at once (the rest are counted, not hidden)
ALL = "__all__"


@loader(keep=8)
def published(url: str, scope: Scope, snapshot_id: int, version: int) -> dict[str, Any] | None:
    """A kept version's heading, its meetings' labels (index -> label, oldest first),
    its counties and its agencies' table (None: the version is not there)."""
    shown = content(url, scope, snapshot_id, version)
    if shown is None:
        return None
    data = shown["content"]
    return {
        "province_name": shown["province_name"],
        "group_name": data["group_name"],
        "version": shown["version"],
        "as_of": shown["as_of"],
        "meetings": {
            i: f"جلسهٔ {to_fa_digits(m['number'])}"
            f" — {format_jalali(date.fromisoformat(m['held_on']))}"
            for i, m in enumerate(data["meetings"])
        },
        "counties": sorted(
            {n["county"] for n in data["neighborhoods"]} | {i["county"] for i in data["indicators"]}
        ),
        "agencies": agencies_table(data["agencies"]),
    }


@loader()
def meeting_html(url: str, scope: Scope, snapshot_id: int, index: int, version: int) -> Html:
    """One meeting's resolutions of a kept version, drawn."""
    shown = content(url, scope, snapshot_id, version)
    meetings = shown["content"]["meetings"] if shown is not None else []
    return resolutions_table(meetings[index]) if 0 <= index < len(meetings) else Html("")


def _in_county(rows: list[dict[str, Any]], county: str) -> tuple[list[dict[str, Any]], int]:
    """The rows of a county (ALL: the first HOODS_SHOWN of all) and how many there were."""
    chosen = [r for r in rows if county in (ALL, r["county"])]
    return (chosen[:HOODS_SHOWN] if county == ALL else chosen), len(chosen)


@loader()
def hoods_html(
    url: str, scope: Scope, snapshot_id: int, county: str, version: int
) -> tuple[Html, int]:
    """A kept version's neighborhoods of a county, drawn, and how many the county has."""
    shown = content(url, scope, snapshot_id, version)
    rows, n = _in_county(shown["content"]["neighborhoods"] if shown else [], county)
    return neighborhoods_table(rows), n


@loader()
def indicators_html(
    url: str, scope: Scope, snapshot_id: int, county: str, version: int
) -> tuple[Html, int]:
    """A kept version's indicator rows of a county, drawn, and how many the county has."""
    shown = content(url, scope, snapshot_id, version)
    rows, n = _in_county(shown["content"]["indicators"] if shown else [], county)
    return indicators_table(rows), n


@loader()
def log_rows(url: str, scope: Scope, version: int) -> list[dict[str, Any]]:
    """The latest ingest attempts."""
    with read_session(url) as s:
        return ingest_log(s)


def _n(value: object) -> str:
    return format_number(int(value)) if isinstance(value, int | float) else "—"


def _published(p: ProvinceLatest, today: date, days: int) -> Html:
    """The last publication's date, marked when stale."""
    if p.as_of is None:
        return Html('<span class="hub-stale">▲ هنوز<br>منتشر نکرده</span>')
    when = format_jalali(p.as_of)
    if p.stale(today, days):
        age = to_fa_digits((today - p.as_of).days)
        return Html('<span class="hub-stale">▲ {}<br>کهنه: {} روز</span>').format(when, age)
    return Html("<span>{}</span>").format(when)


def _behind(summary: dict[str, Any]) -> str:
    names = [
        f"{a['short_name'] or a['name']} ({to_fa_digits(a['late'])})" for a in summary["behind"]
    ]
    return "، ".join(names) or "—"


def national_table(rows: list[ProvinceLatest], today: date, days: int) -> Html:
    """The provinces side by side, a row each."""
    head = [
        "استان",
        "وضعیت در تاریخ",
        "نسخه",
        "مصوبات",
        "انجام‌شده",
        "دارای تأخیر",
        "ردیف‌های معوق",
        "عقب‌ترین دستگاه‌ها (ردیف معوق)",
        "محلات هدف بی‌خدمت فعال",
        "شاخص: در مسیر / دور از هدف",
    ]
    body: list[list[object]] = []
    for p in rows:
        s = p.summary
        name = Html("<b>{}</b>").format(p.name) if p.active else f"{p.name} (غیرفعال)"
        if s is None:
            body.append([name, _published(p, today, days), *["—"] * 8])
            continue
        t = s["totals"]
        body.append(
            [
                name,
                _published(p, today, days),
                to_fa_digits(p.version),
                _n(t["resolutions"]),
                _n(s["resolutions_done"]),
                _n(s["resolutions_late"]),
                f"{_n(t['rows_late'])} از {_n(t['rows'])}",
                _behind(s),
                f"{_n(t['neighborhoods_without_service'])} از {_n(t['neighborhoods'])}",
                f"{_n(t['on_track'])} / {_n(t['off_track'])}",
            ]
        )
    return html_table(head, body, "hub-national")


def headline(rows: list[ProvinceLatest], today: date, days: int) -> Html:
    """The national figures: provinces publishing, stale ones, resolutions done and late."""
    published = [p.summary for p in rows if p.summary is not None]
    sums = {k: sum(int(s[k]) for s in published) for k in ("resolutions_done", "resolutions_late")}
    rows_late = sum(int(s["totals"]["rows_late"]) for s in published)
    cards = [
        ("", format_number(len(published)), f"استان منتشرکرده از {format_number(len(rows))}"),
        (
            "late",
            format_number(sum(1 for p in rows if p.stale(today, days))),
            "استان کهنه یا بی‌انتشار",
        ),
        ("done", format_number(sums["resolutions_done"]), "مصوبهٔ انجام‌شده"),
        ("late", format_number(sums["resolutions_late"]), "مصوبهٔ دارای تأخیر"),
        ("late", format_number(rows_late), "ردیف معوق دستگاه‌ها"),
    ]
    inner = Html("").join(
        Html('<div class="kpi {}"><div class="v">{}</div><div class="l">{}</div></div>').format(
            c, v, label
        )
        for c, v, label in cards
    )
    return Html('<div class="kpis hub-kpis">{}</div>').format(inner)


def _owner(o: dict[str, Any]) -> str:
    late = "، معوق" if o["late"] else ""
    due = f"، سررسید {format_jalali(date.fromisoformat(o['due_on']))}" if o["due_on"] else ""
    status = STATUS_LABELS.get(o["status"], o["status"])
    return (
        f"{o['short_name'] or o['agency']}: {status} ({format_percent(o['progress'])}{late}{due})"
    )


def resolutions_table(meeting: dict[str, Any]) -> Html:
    """One meeting's resolutions with each owner's status as published."""
    body = [
        [
            to_fa_digits(r["number"]),
            r["text"],
            format_percent(r["progress"]),
            "انجام و تأییدشده" if r["done"] else ("دارای تأخیر" if r["late"] else "در جریان"),
            Html("<br>").join(_owner(o) for o in r["owners"]) or "—",
        ]
        for r in meeting["resolutions"]
    ]
    return html_table(["بند", "متن مصوبه", "پیشرفت", "وضعیت", "مسئولان پیگیری"], body, "hub-res")


def agencies_table(agencies: list[dict[str, Any]]) -> Html:
    """The agencies, most late rows first."""
    ranked = sorted(agencies, key=lambda a: (-a["late"], a["progress"], a["name"]))
    body = [
        [a["name"], _n(a["rows"]), _n(a["done"]), _n(a["late"]), format_percent(a["progress"])]
        for a in ranked
    ]
    return html_table(["دستگاه", "ردیف‌ها", "انجام‌شده", "معوق", "پیشرفت"], body, "hub-agencies")


def neighborhoods_table(hoods: list[dict[str, Any]]) -> Html:
    """Neighborhoods, those with no active service first."""
    ranked = sorted(hoods, key=lambda n: (n["active_services"] > 0, n["county"], n["name"]))
    body = [
        [
            n["name"],
            n["county"],
            NEIGHBORHOOD_KIND_LABELS.get(n["kind"], n["kind"]),
            _n(n["population"]),
            _n(n["active_services"]) if n["active_services"] else "▲ هیچ",
            _n(n["gaps"]),
        ]
        for n in ranked
    ]
    head = ["محله", "شهرستان", "نوع", "جمعیت", "خدمت فعال", "کمبود"]
    return html_table(head, body, "hub-hoods")


def indicators_table(rows: list[dict[str, Any]]) -> Html:
    """Indicators per neighborhood against their targets."""

    def num(v: object) -> str:
        return format_number(v, 1) if isinstance(v, int | float) else "—"

    body = [
        [
            i["neighborhood"],
            i["county"],
            f"{i['indicator']} ({i['unit']})",
            num(i["baseline"]),
            num(i["target"]),
            f"{num(i['latest'])} {i['latest_period'] or ''}".strip(),
            STANDING_LABELS.get(i["standing"], i["standing"]),
        ]
        for i in rows
    ]
    head = ["محله", "شهرستان", "شاخص", "مبنا", "هدف", "آخرین مقدار", "وضعیت"]
    return html_table(head, body, "hub-indicators")


def versions_table(rows: list[dict[str, Any]]) -> Html:
    """Every version a province published."""
    body = [
        [
            to_fa_digits(v["version"]),
            format_jalali(v["as_of"]),
            format_jalali_datetime(v["published_at"]),
            format_jalali_datetime(v["received_at"]),
            VIA_LABELS.get(v["via"], v["via"]),
            f"{format_number(v['size'] / 1024, 1)} کیلوبایت",
        ]
        for v in rows
    ]
    head = ["نسخه", "وضعیت در تاریخ", "انتشار", "دریافت", "راه", "اندازه"]
    return html_table(head, body, "hub-versions")


def log_table(rows: list[dict[str, Any]]) -> Html:
    """The ingest log, newest first."""
    body = [
        [
            format_jalali_datetime(r["at"]),
            r["province"] or "ناشناخته",
            VIA_LABELS.get(r["via"], r["via"]),
            OUTCOME_LABELS.get(r["outcome"], r["outcome"]),
            to_fa_digits(r["status"]) if r["status"] else "—",
            to_fa_digits(r["version"]) if r["version"] else "—",
            r["message"],
        ]
        for r in rows
    ]
    head = ["زمان", "استان", "راه", "نتیجه", "پاسخ", "نسخه", "پیام"]
    return html_table(head, body, "hub-log")
