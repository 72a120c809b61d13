"""The hub's pull: GET each followed province's latest snapshot and receive it exactly as
a push is received (data_layer/commands/hub.py), so a pulled snapshot passes the same
checks and lands all or nothing.

- Each request has a timeout (HUB_PULL_TIMEOUT); a province down, slow or answering
  5xx is tried again (HUB_PULL_ATTEMPTS, waiting HUB_PULL_BACKOFF, then twice as long).
  404 (nothing published) and 401 (our token refused) are not retried.
- Every outcome goes to the ingest log with a Persian message for the hub's
  administrator; a failure changes nothing else, so the last good version stays.
- Provinces are pulled a few at a time, so one slow province does not hold the others.

Run from a timer: `python -m data_layer.hub_pull` (deploy/hub-pull.timer), or for one
province: `python -m data_layer.hub_pull --province khuzestan`.
"""

from __future__ import annotations

import argparse
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from sqlmodel import col, select

from data_layer.commands.hub import (
    NO_KEY,
    IngestResult,
    derive_token,
    log_attempt,
    receive_snapshot,
    refuse_early,
)
from data_layer.config import HubSettings, get_settings, hub_settings
from data_layer.db import read_session
from data_layer.jalali import format_number, to_fa_digits
from data_layer.models_hub import HubProvince, IngestOutcome, IngestVia

log = logging.getLogger("dashboard.hub_pull")
PATH = "/api/national/snapshot"
PARALLEL = 6


@dataclass(frozen=True)
class Target:
    """A province to pull: its id, name, address and token."""

    province_id: int
    name: str
    pull_url: str
    token: str


class _Retry(Exception):
    """A failure worth another try (the province down, slow or failing)."""


def targets(url: str, settings: HubSettings, code: str | None = None) -> list[Target]:
    """The active provinces with a pull address (one, by its code, if asked)."""
    with read_session(url) as s:
        query = select(HubProvince).where(col(HubProvince.active), HubProvince.pull_url != "")
        if code is not None:
            query = query.where(HubProvince.code == code)
        rows = s.exec(query.order_by(col(HubProvince.id))).all()
    key = settings.token_key
    return [
        Target(
            int(p.id or 0),
            p.name,
            p.pull_url,
            derive_token(key, p.code, p.token_salt) if key else "",
        )
        for p in rows
    ]


def _fetch(target: Target, settings: HubSettings) -> tuple[bytes, str] | IngestResult:
    """One GET: (body, signature), or the final answer for a refusal not worth retrying;
    raises _Retry for what another try may mend."""
    request = urllib.request.Request(
        target.pull_url + PATH, headers={"Authorization": f"Bearer {target.token}"}
    )
    where = f"استان «{target.name}»"
    try:
        with urllib.request.urlopen(request, timeout=settings.pull_timeout_s) as response:
            body = response.read(settings.max_body_bytes + 1)
            signature = response.headers.get("X-Snapshot-Signature", "")
    except urllib.error.HTTPError as e:
        if e.code == 404:
            return _failed(target, 404, f"{where} هنوز چیزی برای سطح ملی منتشر نکرده است.")
        if e.code in (401, 403):
            return _failed(
                target, e.code, f"{where} کلید سامانهٔ ملی را نپذیرفت؛ کلید آن را تازه کنید."
            )
        raise _Retry(f"{where} با خطای {to_fa_digits(e.code)} پاسخ داد") from e
    except TimeoutError as e:
        seconds = format_number(settings.pull_timeout_s, 1)
        raise _Retry(f"پاسخ {where} در {seconds} ثانیه نرسید") from e
    except (urllib.error.URLError, OSError) as e:
        if isinstance(getattr(e, "reason", None), TimeoutError):
            seconds = format_number(settings.pull_timeout_s, 1)
            raise _Retry(f"پاسخ {where} در {seconds} ثانیه نرسید") from e
        raise _Retry(f"{where} در دسترس نبود") from e
    return body, signature


def _failed(target: Target, status: int | None, message: str) -> IngestResult:
    return IngestResult(status or 0, IngestOutcome.FAILED, message, target.province_id)


def pull_one(
    url: str, target: Target, settings: HubSettings, sleep: Callable[[float], None] = time.sleep
) -> IngestResult:
    """Pull one province (retrying what may mend), receive what came, log the outcome."""
    if not target.token:
        result = _failed(target, None, NO_KEY)
        log_attempt(url, result, IngestVia.PULL)
        return result
    wait, reason = settings.pull_backoff_s, ""
    for attempt in range(1, settings.pull_attempts + 1):
        try:
            got = _fetch(target, settings)
        except _Retry as e:
            reason = str(e)
            log.info("pull of province %s, attempt %d: %s", target.province_id, attempt, e)
            if attempt < settings.pull_attempts:
                sleep(wait)
                wait *= 2
            continue
        if isinstance(got, IngestResult):
            log_attempt(url, got, IngestVia.PULL)
            return got
        body, signature = got
        if len(body) > settings.max_body_bytes:
            megabytes = to_fa_digits(settings.max_body_bytes // (1024 * 1024))
            too_big = IngestResult(
                413, IngestOutcome.REFUSED, f"پرونده از {megabytes} مگابایت بزرگ‌تر است."
            )
            return refuse_early(url, target.token, too_big, IngestVia.PULL)
        return receive_snapshot(
            url, token=target.token, signature=signature, body=body, via=IngestVia.PULL
        )
    tries = to_fa_digits(settings.pull_attempts)
    result = _failed(
        target, None, f"{reason} ({tries} بار کوشیده شد)؛ آخرین نسخهٔ خوب آن بر جا ماند."
    )
    log_attempt(url, result, IngestVia.PULL)
    return result


def pull_all(url: str, code: str | None = None) -> list[IngestResult]:
    """Pull every followed province (or one), a few at a time; the results in order."""
    settings = hub_settings()
    found = targets(url, settings, code)
    with ThreadPoolExecutor(max_workers=PARALLEL, thread_name_prefix="hub-pull") as pool:
        return list(pool.map(lambda t: pull_one(url, t, settings), found))


def main(argv: list[str] | None = None) -> int:
    """`python -m data_layer.hub_pull [--province CODE]`: one pass; 0 even when some
    provinces failed (the ingest log says which), 1 when the database is unreachable."""
    parser = argparse.ArgumentParser(description="Pull the provinces' published snapshots.")
    parser.add_argument("--province", help="only this province (its code)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    try:
        results = pull_all(get_settings().database_url, args.province)
    except Exception as e:
        log.error("the hub's pull could not run: %s", e)
        return 1
    for r in results:
        log.info("province %s: %s %s", r.province_id, r.status, r.outcome)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
