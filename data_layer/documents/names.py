"""The one rule for the names of the files people download or find inside a zip.

A name is Persian words a person reads, then its numbers, joined by «-»:
`نامه-1405-24-بهزیستی.pdf`, `برگه-ورود-03-آموزش-و-پرورش.pdf`,
`پوشش-خدمات-1405-09-07.xlsx`.

- words keep their letters and ZWNJ (`دستگاه‌ها`); spaces and every other character
  (slashes, colons, quotes, brackets, bidi and other invisible marks) become one «-»;
- digits are Latin, whatever digits were typed: they sort right in any file list and
  can be typed on any keyboard;
- a date is Jalali, year-month-day, zero-padded (`1405-09-07`), never Gregorian;
- each part is cut to 40 characters; a name is never empty.
"""

from __future__ import annotations

import re
from datetime import date

from data_layer.characters import ZWNJ
from data_layer.jalali import to_ascii_digits, to_jalali

__all__ = ["MAX_PART", "file_name", "jalali_stamp"]

MAX_PART = 40
_NOT_KEPT = re.compile(rf"[^\w{ZWNJ}\u064b-\u065f\u0670]+")  # letters, digits, ZWNJ, harakat
_ZWNJ_EDGES = re.compile(rf"(^|-){ZWNJ}+|{ZWNJ}+(-|$)")


def jalali_stamp(d: date) -> str:
    """A date as a file name carries it: 1405-09-07."""
    j = to_jalali(d)
    return f"{j.year:04d}-{j.month:02d}-{j.day:02d}"


def _part(value: object) -> str:
    text = to_ascii_digits(str(value)).replace("_", " ")
    text = _NOT_KEPT.sub("-", text).strip("-")
    text = _ZWNJ_EDGES.sub(lambda m: m.group(1) or m.group(2), text).strip("-")
    return text[:MAX_PART].strip(f"-{ZWNJ}")


def file_name(*parts: object, ext: str) -> str:
    """The parts (words, numbers, Jalali stamps) as one safe file name ending in `.ext`."""
    kept = [p for p in (_part(part) for part in parts if part is not None) if p]
    return f"{'-'.join(kept) or 'پرونده'}.{ext}"
