"""SMS through an HTTP gateway: Kavenegar's REST API (a widely used Iranian provider) or a
generic JSON webhook, as SMS_PROVIDER says. Every documented error becomes a Persian
reason; a refused number is permanent, the rest are tried again."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from data_layer.config import SmsSettings
from data_layer.transport import Outgoing, SendFailure

# Kavenegar's documented statuses (return.status, also the HTTP status of the answer).
KAVENEGAR_ERRORS: dict[int, tuple[str, bool]] = {
    400: ("درخواست پیامک ناقص بود (پارامترها).", False),
    401: ("حساب سامانهٔ پیامک غیرفعال شده است.", False),
    402: ("سامانهٔ پیامک عملیات را انجام نداد.", False),
    403: ("کلید سامانهٔ پیامک (SMS_API_KEY) نامعتبر است.", False),
    407: ("حساب سامانهٔ پیامک به این روش ارسال دسترسی ندارد.", False),
    409: ("سامانهٔ پیامک موقتاً پاسخ نمی‌دهد.", False),
    411: ("شمارهٔ گیرنده از نظر سامانهٔ پیامک نامعتبر است.", True),
    412: ("شمارهٔ فرستنده (SMS_SENDER) نامعتبر است.", False),
    413: ("متن پیامک خالی یا بیش از اندازه بلند است.", True),
    414: ("تعداد درخواست‌ها به سامانهٔ پیامک از حد گذشت.", False),
    418: ("اعتبار حساب سامانهٔ پیامک کافی نیست.", False),
    422: ("متن پیامک نویسهٔ نامعتبر دارد.", True),
}
TIMEOUT = "سامانهٔ پیامک در زمان مقرر پاسخ نداد."
DOWN = "سامانهٔ پیامک در دسترس نبود."


def _post(request: urllib.request.Request, timeout: float) -> tuple[int, Any]:
    """(HTTP status, parsed JSON or None) — an HTTP error status is an answer too."""
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            status, body = answer.status, answer.read()
    except urllib.error.HTTPError as exc:
        status, body = exc.code, exc.read()
    except TimeoutError:
        raise SendFailure(TIMEOUT) from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, (TimeoutError, socket.timeout)):
            raise SendFailure(TIMEOUT) from None
        raise SendFailure(DOWN) from None
    except OSError:
        raise SendFailure(DOWN) from None
    try:
        return status, json.loads(body.decode("utf-8")) if body else None
    except (ValueError, UnicodeDecodeError):
        return status, None


def send_kavenegar(settings: SmsSettings, msg: Outgoing) -> str:
    """POST /v1/{key}/sms/send.json (receptor, sender, message); the message id."""
    key = urllib.parse.quote(settings.api_key, safe="")
    form = {"receptor": msg.to, "message": msg.text}
    if settings.sender:
        form["sender"] = settings.sender
    request = urllib.request.Request(
        f"{settings.url}/v1/{key}/sms/send.json",
        data=urllib.parse.urlencode(form).encode("utf-8"),
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
        method="POST",
    )
    status, body = _post(request, settings.timeout_s)
    code = status
    if isinstance(body, dict) and isinstance(body.get("return"), dict):
        code = int(body["return"].get("status", status))
    if code == 200:
        try:
            return str(body["entries"][0]["messageid"])
        except (KeyError, IndexError, TypeError):
            return ""
    if code in KAVENEGAR_ERRORS:
        reason, permanent = KAVENEGAR_ERRORS[code]
        raise SendFailure(f"{reason} (کد {code})", permanent=permanent)
    if code >= 500:
        raise SendFailure(f"سامانهٔ پیامک خطای داخلی داد (کد {code}).")
    raise SendFailure(f"سامانهٔ پیامک پیام را نپذیرفت (کد {code}).")


def send_webhook(settings: SmsSettings, msg: Outgoing) -> str:
    """POST {"to", "text", "sender"} as JSON to SMS_URL (Bearer SMS_API_KEY); any 2xx is
    accepted and its "id", if any, kept."""
    headers = {"Content-Type": "application/json; charset=utf-8"}
    if settings.api_key:
        headers["Authorization"] = f"Bearer {settings.api_key}"
    payload = {"to": msg.to, "text": msg.text, "sender": settings.sender}
    request = urllib.request.Request(
        settings.url,
        data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
        headers=headers,
        method="POST",
    )
    status, body = _post(request, settings.timeout_s)
    if 200 <= status < 300:
        return str(body.get("id", "")) if isinstance(body, dict) else ""
    if status in (400, 422):
        raise SendFailure(f"درگاه پیامک شماره یا متن را نپذیرفت (کد {status}).", permanent=True)
    if status in (401, 403):
        raise SendFailure(f"درگاه پیامک کلید را نپذیرفت (کد {status}).")
    raise SendFailure(f"درگاه پیامک پیام را نپذیرفت (کد {status}).")


def send_sms(settings: SmsSettings, msg: Outgoing) -> str:
    """Send through the configured gateway."""
    if settings.provider == "kavenegar":
        return send_kavenegar(settings, msg)
    return send_webhook(settings, msg)
