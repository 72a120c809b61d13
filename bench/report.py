"""Tables of one benchmark run, the targets, and docs/benchmarks.md."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ANALYSIS = Path(__file__).with_name("analysis.md")
SUITE = Path(__file__).with_name("suite.md")  # the last `python -m bench.suite` kept

INTRO = """\
# Benchmarks

How the dashboard's time and memory grow with the size of the data, on SQLite and on
PostgreSQL. The machine is shared and noisy, so absolute times move from run to run;
**only the ratios measured within one run are meaningful**, and every ratio below
compares figures taken in the same run.

```sh
make bench                             # S, M, L on SQLite and PostgreSQL (15-25 min)
make bench BENCH_ARGS=--quick          # smoke run: S and M on SQLite, 2 repeats
.venv/bin/python -m bench.run --sizes S,L --dbs postgresql --repeat 3
.venv/bin/python -m bench.run --fresh  # drop and re-seed the datasets first
```

A full run (not `--quick`, which writes `bench/.data/benchmarks-quick.md`) overwrites
this file. The benchmark is not part of the test suite and asserts nothing.

**Datasets.** `data_layer.seed.seed(url, sample=True, scale=N, as_of=2026-11-28)`:
S = scale 1, M = scale 10, L = scale 100. SQLite files live in `bench/.data/`
(git-ignored); PostgreSQL databases `bench_s`, `bench_m`, `bench_l` on the server of
`TEST_DATABASE_URL` (`VACUUM ANALYZE` after seeding). A dataset that already holds its
seed (markers `seed.sample` / `seed.scale` and the meeting count) is reused; `--fresh`
drops and re-seeds. Each (database, size) is measured in its own process, so its peak
memory is its own.

**Columns.**

- *cold*: one script run of the page with Streamlit's AppTest after
  `st.cache_data.clear()`, in a new AppTest (a new session on an empty cache);
  *warm*: a second run of the same AppTest. Median of `--repeat` rounds, after one
  warm-up round that is thrown away; pages are timed round-robin. *floor* is a
  script with a single `st.write("x")`, timed the same way; *warm/floor* is how many
  empty script runs a warm page costs. `my_agency` runs signed in as agency02,
  `verification` as dabir (signing in is not timed). Server-side only: no browser.
- *L/S*: the same figure at the largest size over the smallest, same run.
- *peak RSS*: `ru_maxrss` of the measuring process, after the page runs (AppTest
  keeps every session in this process), after the saves, and at the end (after the
  naive baseline, which loads whole tables).
- *saves*: `update_assignment` inside `write_session`, as «دستگاه من» saves a row,
  each changing `next_step` to a new text. *one writer*: agency02, 50 saves in a
  row. *writer processes*: 30 separate processes (as 30 server processes would be;
  threads in one process would share its interpreter lock and pool, which spaces
  their statements out and hides the database's queue), each connected before all
  are let go together, 50 saves each, back to back, each on its own rows (24 liaison
  accounts exist, so 6 writers are a second tab of agency01-06 on the other half of
  that agency's rows); then as many processes as the machine has cores. Latencies
  include waiting for the pool, the lock and the CPU. *connections waiting on a
  lock*: pg_stat_activity sampled every 20 ms while they run (PostgreSQL); *CPU
  busy*: the whole machine's, from /proc/stat. The rows and their history are
  restored afterwards, so the datasets stay the same between runs.
- *ours / naive*: the overview's figures from our data layer (the calls
  `ui/loaders.py`'s `overview` makes, without Streamlit's cache) against loading
  the tables assignment, resolution, meeting, agency, evidence and history_entry whole
  with `pd.read_sql` and computing the headline, the scorecards and the changes since
  the last meeting in pandas. Both answers are compared; *agree* says they match.
  Median of `--repeat`, after a warm-up.
- *hot spots*: a cold run of each page at the largest size under cProfile; the
  project functions with the most cumulative time, as a share of the page script's
  own time (nested: `load` includes the queries it calls).
- *browser*: `streamlit run launcher.py` on the dataset and Debian's Chromium. *server
  RSS*: VmRSS of the server and its children after 1 and after 20 sessions (browser
  contexts opened one after another on the overview, each waited for until `.kpis`
  shows, all left open). *to headline*: from `page.goto` to `.kpis` visible, a new
  context each time, median of 5 after a warm-up; *one line*: the same against a
  second server running `bench/one_line.py` (one `st.write`), alternated with it.
  *first visit*: the first session on a freshly started server.
- *every page in the browser*: for each page a freshly started server (its health
  check answers once the warmer's first pass is over), its *first visit*, then
  `PAGE_SAMPLES` visits, each a new browser context (a new person; signed in through
  the form first for «دستگاه من» and the verification page, not timed), alternated
  with the one-line page; *visit* and *one line* are their medians. Timed from
  `page.goto` until the element a person came for is visible: `.kpis` (overview),
  `table.matrix` (resolutions), `.pcover` (projector), `table.coverage`, the first
  table (gaps, meetings, «دستگاه من»), `table.reports`, the first report or notice
  (verification).
"""


def secs(value: float | None) -> str:
    """'12.3 ms' or '1.23 s'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if value < 1:
        return f"{value * 1000:.1f} ms" if value < 0.1 else f"{value * 1000:.0f} ms"
    return f"{value:.2f} s"


def times(value: float | None) -> str:
    """'1.23×'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:.2f}×" if value < 10 else f"{value:.0f}×"


def mib(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f} MiB"


def ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b == 0 or math.isnan(a) or math.isnan(b):
        return None
    return a / b


def table(headers: list[str], rows: list[list[str]]) -> str:
    """A GitHub markdown table."""
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


@dataclass
class Report:
    """Everything one run measured, turned into sections of markdown."""

    results: dict[str, Any]

    @property
    def sizes(self) -> list[str]:
        return list(self.results["sizes"])

    @property
    def dbs(self) -> list[str]:
        return list(self.results["dbs"])

    @property
    def small(self) -> str:
        return self.sizes[0]

    @property
    def large(self) -> str:
        return self.sizes[-1]

    def m(self, db: str, size: str) -> dict[str, Any] | None:
        return self.results["measure"].get(f"{db} {size}")

    def b(self, db: str, size: str) -> dict[str, Any] | None:
        return self.results["browser"].get(f"{db} {size}")

    def page_names(self, db: str) -> list[str]:
        """The pages in the order they were timed (floor first)."""
        for size in self.sizes:
            got = self.m(db, size)
            if got and got.get("pages"):
                return list(got["pages"])
        return []

    def page(self, db: str, size: str, name: str, kind: str) -> float | None:
        got = self.m(db, size)
        return got["pages"][name][kind] if got and got.get("pages") else None

    # --- sections ------------------------------------------------------------------

    def datasets(self) -> str:
        rows = []
        for d in self.results["datasets"]:
            c = d["counts"]
            rows.append(
                [
                    d["db"],
                    d["size"],
                    str(d["scale"]),
                    f"{c['agency']:,}",
                    f"{c['meeting']:,}",
                    f"{c['assignment']:,}",
                    f"{c['history_entry']:,}",
                    f"{d['action']} ({d['seconds']:.1f} s)",
                ]
            )
        head = ["db", "size", "scale", "agencies", "meetings", "assignments", "history", "dataset"]
        return table(head, rows)

    def pages(self, db: str) -> str:
        head = ["page"]
        for size in self.sizes:
            head += [f"{size} cold", f"{size} warm", f"{size} warm/floor"]
        if len(self.sizes) > 1:
            head += [f"cold {self.large}/{self.small}", f"warm {self.large}/{self.small}"]
        rows = []
        for name in self.page_names(db):
            row = [name]
            for size in self.sizes:
                cold = self.page(db, size, name, "cold")
                warm = self.page(db, size, name, "warm")
                floor = self.page(db, size, "floor", "warm")
                row += [secs(cold), secs(warm), times(ratio(warm, floor))]
            if len(self.sizes) > 1:
                for kind in ("cold", "warm"):
                    big = self.page(db, self.large, name, kind)
                    row.append(times(ratio(big, self.page(db, self.small, name, kind))))
            rows.append(row)
        return table(head, rows)

    def memory(self) -> str:
        rows = []
        for db in self.dbs:
            for size in self.sizes:
                got = self.m(db, size)
                if not got:
                    continue
                r = got["maxrss"]
                rows.append([db, size, mib(r.get("pages")), mib(r.get("saves")), mib(r.get("all"))])
        head = ["db", "size", "peak RSS after pages", "after saves", "at the end (after naive)"]
        return table(head, rows)

    def saves(self) -> str:
        rows = []
        for db in self.dbs:
            for size in self.sizes:
                got = self.m(db, size)
                if not got or not got.get("saves"):
                    continue
                seq = got["saves"]["sequential"]
                for run in ("concurrent", "per_core"):
                    con = got["saves"].get(run)
                    if not con:
                        continue
                    errors = {k: v for k, v in con["errors"].items() if k != "database is locked"}
                    errors.update(seq["errors"])
                    waiting = con.get("lock_waiting")
                    rows.append(
                        [
                            db,
                            size,
                            str(con["writers"]),
                            secs(seq["median"]),
                            secs(con["median"]),
                            secs(con["p95"]),
                            secs(con["max"]),
                            f"{con['per_second']:.0f}",
                            times(ratio(con["median"], seq["median"])),
                            "—" if waiting is None else f"{waiting:.1f} of {con['writers']}",
                            f"{100 * con.get('cpu_busy', float('nan')):.0f}%",
                            str(con["locked"]),
                            ", ".join(f"{k}: {v}" for k, v in errors.items()) or "0",
                        ]
                    )
        head = [
            "db",
            "size",
            "writer processes",
            "one writer median",
            "median",
            "p95",
            "slowest",
            "saves/s",
            "median / one writer",
            "connections waiting on a lock (mean)",
            "CPU busy",
            "database is locked",
            "other errors",
        ]
        return table(head, rows)

    def naive(self) -> str:
        rows = []
        for db in self.dbs:
            for size in self.sizes:
                got = self.m(db, size)
                if not got or not got.get("naive"):
                    continue
                n = got["naive"]
                agree = "yes" if not n["problems"] else "NO: " + "; ".join(n["problems"])
                rows.append(
                    [
                        db,
                        size,
                        secs(n["ours"]),
                        secs(n["naive"]),
                        times(ratio(n["naive"], n["ours"])),
                        agree,
                    ]
                )
        return table(["db", "size", "ours", "naive", "naive/ours", "agree"], rows)

    def queries(self, db: str) -> str:
        names: list[str] = []
        for size in self.sizes:
            got = self.m(db, size)
            if got and got.get("naive"):
                names = names or list(got["naive"]["per_query"])
        rows = []
        for name in names:
            row = [name]
            for size in self.sizes:
                got = self.m(db, size)
                row.append(
                    secs(got["naive"]["per_query"].get(name)) if got and got.get("naive") else "—"
                )
            if len(self.sizes) > 1:
                big, small = self.m(db, self.large), self.m(db, self.small)
                if big and small and big.get("naive") and small.get("naive"):
                    row.append(
                        times(
                            ratio(
                                big["naive"]["per_query"].get(name),
                                small["naive"]["per_query"].get(name),
                            )
                        )
                    )
                else:
                    row.append("—")
            rows.append(row)
        head = ["query (as load calls it)", *self.sizes]
        if len(self.sizes) > 1:
            head.append(f"{self.large}/{self.small}")
        rows.sort(key=lambda r: r[0])
        return table(head, rows)

    def hot_spots(self, db: str) -> str:
        got = self.m(db, self.large)
        if not got or not got.get("hot"):
            return "(not measured)"
        rows = []
        for page, spots in got["hot"].items():
            shown = "; ".join(f"`{fn}` {100 * share:.0f}%" for fn, share in spots)
            rows.append([page, secs(self.page(db, self.large, page, "cold")), shown])
        return table(["page", f"cold at {self.large}", "where the cold run goes"], rows)

    def browser(self) -> str:
        rows = []
        for db in self.dbs:
            for size in self.sizes:
                got = self.b(db, size)
                if not got:
                    continue
                rows.append(
                    [
                        db,
                        size,
                        mib(got["rss_idle"]),
                        mib(got["rss_1"]),
                        mib(got["rss_n"]),
                        secs(got["first_visit"]),
                        secs(got["headline"]),
                        secs(got["one_line"]),
                        times(ratio(got["headline"], got["one_line"])),
                    ]
                )
        head = [
            "db",
            "size",
            "server RSS idle",
            "1 session",
            "20 sessions",
            "first visit",
            "to headline",
            "one line",
            "headline / one line",
        ]
        return table(head, rows)

    # --- targets -------------------------------------------------------------------------

    def targets(self) -> list[tuple[str, str, str]]:
        """(target, measured, met) rows of the issue's table; 'met' says by how much a
        target is missed. A "worst" figure names the page it comes from."""
        S, L = self.small, self.large
        out: list[tuple[str, str, str]] = []

        def check(name: str, value: float | None, limit: float, note: str = "") -> None:
            shown = f"{times(value)}{note}" if value is not None else "—"
            if value is None:
                out.append((name, shown, "not measured"))
            elif value <= limit:
                out.append((name, shown, "yes"))
            else:
                out.append((name, shown, f"**no** ({100 * (value / limit - 1):.0f}% over)"))

        def at_least(name: str, value: float | None, limit: float) -> None:
            if value is None:
                out.append((name, "—", "not measured"))
            elif value >= limit:
                out.append((name, times(value), "yes"))
            else:
                out.append((name, times(value), f"**no** ({100 * (1 - value / limit):.0f}% short)"))

        for db in self.dbs:
            tag = f" — {db}"
            value, where = self._worst(
                db, lambda p, size: ratio(p[size]["warm"], p[size]["one_line"])
            )
            check(
                f"browser to the page's figures / one-line page, every page, {S} and {L}"
                f" ≤ 1.3×{tag}",
                value,
                1.3,
                where,
            )
            value, where = self._worst(
                db, lambda p, _s: ratio(p[L]["warm"], p[S]["warm"]), sizes=[L]
            )
            check(f"browser {L}/{S}, same page ≤ 1.1×{tag}", value, 1.1, where)
            value, where = self._worst(
                db, lambda p, _s: ratio(p[L]["first"], p[S]["first"]), sizes=[L]
            )
            check(
                f"first visit after a server start at {L} ≤ 2× the same page at {S}{tag}",
                value,
                2.0,
                where,
            )
            value, where = self._worst_apptest(db, self.page(db, L, "floor", "warm"))
            check(
                f"warm page at {L} / empty-page floor (AppTest) ≤ 30×, every page{tag}",
                value,
                30.0,
                where,
            )
            check(
                f"cold overview {L}/{S} (AppTest) ≤ 2×{tag}",
                ratio(self.page(db, L, "overview", "cold"), self.page(db, S, "overview", "cold")),
                2.0,
            )
            n = (self.m(db, L) or {}).get("naive")
            at_least(
                f"our overview data / naive load-all pandas, at {L} ≥ 20×{tag}",
                ratio(n["naive"], n["ours"]) if n else None,
                20.0,
            )
            sv = (self.m(db, L) or {}).get("saves")
            con = sv["concurrent"] if sv else None
            check(
                f"30 writer processes × 50 saves at {L}: p50 / one-writer median ≤ 5×{tag}",
                ratio(con["median"], sv["sequential"]["median"]) if sv else None,
                5.0,
            )
            if db == "sqlite":
                name = f"the same: slowest save ≤ 1.5 s, 0 locked{tag}"
                if not con:
                    out.append((name, "—", "not measured"))
                else:
                    slowest, locked = float(con["max"]), int(con["locked"])
                    shown = f"{secs(slowest)}, {locked} locked"
                    if slowest <= 1.5 and locked == 0:
                        out.append((name, shown, "yes"))
                    else:
                        out.append((name, shown, "**no**"))
        return out

    def _worst(
        self, db: str, figure: Any, sizes: list[str] | None = None
    ) -> tuple[float | None, str]:
        """The largest of a per-page browser figure, and where it comes from."""
        found: list[tuple[float, str]] = []
        for size in sizes or self.sizes:
            for name in self._browser_pages(db):
                try:
                    value = figure(self._browser_page(db, name), size)
                except (KeyError, TypeError):
                    continue
                if value is not None:
                    found.append((value, f"{name} at {size}" if sizes is None else name))
        if not found:
            return None, ""
        value, where = max(found)
        return value, f" (worst: {where})"

    def _worst_apptest(self, db: str, floor: float | None) -> tuple[float | None, str]:
        found = [
            (ratio(self.page(db, self.large, name, "warm"), floor), name)
            for name in self.page_names(db)
            if name != "floor"
        ]
        found = [(v, n) for v, n in found if v is not None]
        if not found:
            return None, ""
        value, where = max(found)  # type: ignore[type-var]
        return value, f" (worst: {where})"

    def _browser_pages(self, db: str) -> list[str]:
        for size in self.sizes:
            got = self.b(db, size)
            if got and got.get("pages"):
                return list(got["pages"])
        return []

    def _browser_page(self, db: str, name: str) -> dict[str, dict[str, float]]:
        """{size: {first, warm, one_line}} of one page."""
        out = {}
        for size in self.sizes:
            got = self.b(db, size)
            if got and got.get("pages") and name in got["pages"]:
                out[size] = got["pages"][name]
        return out

    def browser_pages(self, db: str) -> str:
        S, L = self.small, self.large
        rows = []
        for name in self._browser_pages(db):
            p = self._browser_page(db, name)
            row = [name]
            for size in (S, L) if S != L else (S,):
                got = p.get(size)
                row += (
                    [
                        secs(got["first"]),
                        secs(got["warm"]),
                        secs(got["one_line"]),
                        times(ratio(got["warm"], got["one_line"])),
                    ]
                    if got
                    else ["—"] * 4
                )
            if S != L and S in p and L in p:
                row += [
                    times(ratio(p[L]["warm"], p[S]["warm"])),
                    times(ratio(p[L]["first"], p[S]["first"])),
                ]
            rows.append(row)
        head = ["page"]
        for size in (S, L) if S != L else (S,):
            head += [
                f"{size} first visit",
                f"{size} visit",
                f"{size} one line",
                f"{size} / one line",
            ]
        if S != L:
            head += [f"visit {L}/{S}", f"first visit {L}/{S}"]
        return table(head, rows)

    def targets_table(self) -> str:
        return table(["target", "measured", "met"], [list(t) for t in self.targets()])

    # --- the whole thing -----------------------------------------------------------------

    def sections(self) -> list[tuple[str, str]]:
        out = [("Targets", self.targets_table()), ("Datasets", self.datasets())]
        for db in self.dbs:
            out.append((f"Pages, server-side — {db}", self.pages(db)))
        out.append(("Peak memory of the measuring process", self.memory()))
        out.append(("Save latency on «دستگاه من»", self.saves()))
        out.append(("Overview data: ours vs naive pandas (cold)", self.naive()))
        for db in self.dbs:
            out.append((f"Overview queries, one by one — {db}", self.queries(db)))
        for db in self.dbs:
            out.append((f"Hot spots at {self.large} — {db}", self.hot_spots(db)))
        out.append(("Browser and server", self.browser()))
        for db in self.dbs:
            out.append((f"Every page in the browser — {db}", self.browser_pages(db)))
        if ANALYSIS.exists():  # written by hand after a run: where the time goes
            out.append(("Where the time goes", ANALYSIS.read_text(encoding="utf-8").strip()))
        if SUITE.exists():
            out.append(("Test suite", SUITE.read_text(encoding="utf-8").strip()))
        problems = self.results.get("errors") or {}
        drift = self.results.get("drift") or []
        notes = [f"- {k}: {v}" for k, v in problems.items()]
        for label, got in self.results["measure"].items():
            for name, page in (got.get("pages") or {}).items():
                if page.get("error"):
                    notes.append(f"- {label}, page {name}: {page['error']}")
        if drift:
            notes.append(
                "- ui/loaders.py's overview calls differ from bench/naive.py's copy: "
                + ", ".join(drift)
            )
        if notes:
            out.append(("Problems", "\n".join(notes)))
        return out

    def text(self) -> str:
        """For the terminal."""
        return "\n\n".join(f"## {title}\n\n{body}" for title, body in self.sections())

    def markdown(self) -> str:
        """docs/benchmarks.md."""
        meta = self.results["meta"]
        head = [
            INTRO,
            "## This run\n",
            f"- date: {meta['jalali']} ({meta['gregorian']})",
            f"- command: `{meta['command']}`",
            f"- code: sha1 {meta.get('code', '?')} of app.py, launcher.py, assets/, pages/, ui/,"
            " web/, data_layer/"
            " at the start (the Problems section lists files edited during the run)",
            f"- total runtime: {meta['runtime']}",
            f"- machine: `{meta['uname']}`; {meta['nproc']} cores; {meta['memory']}; {meta['cpu']}",
            f"- software: {meta['software']}",
            f"- sizes {', '.join(self.sizes)} on {', '.join(self.dbs)};"
            f" repeat {self.results['repeat']}",
            "",
        ]
        return "\n".join(head) + "\n" + self.text() + "\n"
