"""What a small workbook that expands hugely costs the server to refuse.

    python -m bench.upload_bounds [--cells 2000000,20000000] [--limit-gb 6]

Builds workbooks of N cells (a few megabytes on disk, hundreds once unpacked, as in
issue 20's attack) and hands each to `read_tables` as the minutes import does
(merged cells) and as the sheet imports do, each in a child process of its own,
which reports its resident memory before and at its peak, its CPU and wall time,
and what the reader answered. The child runs under an address-space limit
(--limit-gb) so a reader without bounds fails instead of taking the machine.
Run it with PYTHONPATH at another checkout to measure that checkout's readers.
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b"<sheetData>"
)
_COLUMNS = 100


def build(cells: int) -> bytes:
    """A one-sheet workbook of `cells` numeric cells in rows of 100."""
    from openpyxl import Workbook  # type: ignore[import-untyped]

    buffer = io.BytesIO()
    Workbook().save(buffer)
    with zipfile.ZipFile(buffer) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    row = b"<c><v>1</v></c>" * _COLUMNS
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as package:
        for name, data in parts.items():
            if name != "xl/worksheets/sheet1.xml":
                package.writestr(name, data)
                continue
            with package.open(name, "w", force_zip64=True) as sheet:
                sheet.write(_HEAD)
                for _ in range(cells // _COLUMNS):
                    sheet.write(b"<row>" + row + b"</row>")
                sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def worker(path: str, merged: bool, limit_gb: float) -> None:
    """Read one file as an import would; print one JSON line of figures."""
    limit = int(limit_gb * 1024**3)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from data_layer.input.files import FileProblem, read_tables

    content = Path(path).read_bytes()
    before = _rss_mb()
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        tables = read_tables(
            "bomb.xlsx",
            content,
            allowed=(".xlsx",),
            max_bytes=20 * 1024 * 1024,
            max_rows=50_000,
            merged_cells=merged,
        )
        answer = f"read {sum(map(len, tables))} rows"
    except FileProblem as e:
        answer = "refused: " + e.message[:90]
    except MemoryError:
        answer = f"MemoryError at the {limit_gb:g} GB limit"
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures = {
        "rss_before_mb": round(before),
        "rss_peak_mb": round(peak),
        "wall_s": round(time.perf_counter() - wall, 2),
        "cpu_s": round(time.process_time() - cpu, 2),
        "answer": answer,
    }
    print(json.dumps(figures, ensure_ascii=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", default="2000000,20000000")
    parser.add_argument("--limit-gb", type=float, default=6.0)
    parser.add_argument("--timeout", type=float, default=900.0)
    parser.add_argument("--worker", nargs=2, metavar=("PATH", "MERGED"))
    args = parser.parse_args()
    if args.worker:
        worker(args.worker[0], args.worker[1] == "1", args.limit_gb)
        return
    print("| cells | on disk | unpacked | reader | RSS before → peak | CPU | wall | answer |")
    print("|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for cells in map(int, args.cells.split(",")):
            content = build(cells)
            path = Path(folder) / f"bomb-{cells}.xlsx"
            path.write_bytes(content)
            with zipfile.ZipFile(path) as package:
                unpacked = sum(i.file_size for i in package.infolist())
            for merged, reader in ((True, "minutes (merged)"), (False, "sheet import")):
                command = [sys.executable, "-m", "bench.upload_bounds"]
                command += [
                    "--limit-gb",
                    str(args.limit_gb),
                    "--worker",
                    str(path),
                    str(int(merged)),
                ]
                try:
                    done = subprocess.run(
                        command, capture_output=True, text=True, timeout=args.timeout, check=False
                    )
                    lines = done.stdout.strip().splitlines()
                    f = json.loads(lines[-1]) if lines else {}
                except subprocess.TimeoutExpired:
                    f = {"answer": f"no answer in {args.timeout:g} s (stopped)"}
                size = f"{len(content) / 1e6:.1f} MB | {unpacked / 1e6:.0f} MB"
                print(
                    f"| {cells:,} | {size} | {reader} "
                    f"| {f.get('rss_before_mb', '?')} → {f.get('rss_peak_mb', '?')} MB "
                    f"| {f.get('cpu_s', '?')} s | {f.get('wall_s', '?')} s | {f.get('answer')} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
