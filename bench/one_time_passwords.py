"""Time making N liaisons' one-time passwords: argon2 at full strength one after another
(what the people import did inside its transaction) against `auth.one_time_passwords`
(light parameters, a thread pool, before the transaction). Prints a Markdown table.

    .venv/bin/python -m bench.one_time_passwords [N]
"""

from __future__ import annotations

import os
import sys
import time

from data_layer.auth import generate_password, hash_password, one_time_passwords


def main(count: int = 25) -> None:
    plains = [generate_password() for _ in range(count)]
    load = os.getloadavg()[0]
    start = time.perf_counter()
    for plain in plains:
        hash_password(plain)
    before = time.perf_counter() - start
    start = time.perf_counter()
    one_time_passwords(count)
    after = time.perf_counter() - start
    print("| passwords | full argon2, one by one | one_time_passwords | load (1 min) |")
    print("|---|---|---|---|")
    print(f"| {count} | {before:.2f} s | {after:.2f} s | {load:.1f} |")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 25)
