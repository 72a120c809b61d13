"""Email over SMTP (STARTTLS, TLS or plain), multipart: plain text and HTML, with a PDF
attached when there is one."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from data_layer.config import MailSettings
from data_layer.transport import Outgoing, SendFailure


def build_email(settings: MailSettings, msg: Outgoing, sender_name: str = "") -> EmailMessage:
    """The message as it is sent (Persian subject encoded by the standard library)."""
    mail = EmailMessage()
    mail["Subject"] = msg.subject
    mail["From"] = formataddr((sender_name, settings.sender)) if sender_name else settings.sender
    mail["To"] = msg.to
    if msg.copy_to:
        mail["Cc"] = msg.copy_to
    mail["Message-ID"] = make_msgid(domain=settings.sender.rpartition("@")[2] or None)
    mail.set_content(msg.text)
    if msg.html:
        mail.add_alternative(msg.html, subtype="html")
    if msg.attachment is not None:
        mail.add_attachment(
            msg.attachment, maintype="application", subtype="pdf", filename=msg.attachment_name
        )
    return mail


def _connect(settings: MailSettings) -> smtplib.SMTP:
    if settings.security == "tls":
        context = ssl.create_default_context()
        return smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=settings.timeout_s, context=context
        )
    server = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout_s)
    if settings.security == "starttls":
        server.starttls(context=ssl.create_default_context())
    return server


def send_email(settings: MailSettings, msg: Outgoing, sender_name: str = "") -> str:
    """Send one email; its Message-ID, or SendFailure with the reason in Persian."""
    mail = build_email(settings, msg, sender_name)
    try:
        with _connect(settings) as server:
            if settings.user:
                server.login(settings.user, settings.password)
            server.send_message(mail)
    except smtplib.SMTPAuthenticationError:
        raise SendFailure("سرور ایمیل نام کاربری یا گذرواژهٔ ارسال را نپذیرفت.") from None
    except smtplib.SMTPRecipientsRefused:
        raise SendFailure(
            f"سرور ایمیل نشانی گیرنده ({msg.to}) را نپذیرفت.", permanent=True
        ) from None
    except UnicodeEncodeError:
        raise SendFailure("نام کاربری یا گذرواژهٔ SMTP نویسهٔ غیرلاتین دارد.") from None
    except smtplib.SMTPNotSupportedError:
        raise SendFailure("سرور ایمیل STARTTLS یا ورود را پشتیبانی نمی‌کند.") from None
    except TimeoutError:
        raise SendFailure("سرور ایمیل در زمان مقرر پاسخ نداد.") from None
    except (ConnectionError, OSError, smtplib.SMTPException) as exc:
        raise SendFailure(
            f"سرور ایمیل در دسترس نبود یا پیام را نپذیرفت ({type(exc).__name__})."
        ) from None
    return str(mail["Message-ID"])
