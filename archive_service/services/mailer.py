"""Sending e-mail over SMTP (docs/notifications.md): one connection per cron run, reopened after a failure.

Only ``smtplib`` and ``email`` from the standard library: the office's mail server is whatever SMTP relay it
has (often Postfix on the same host, or the provincial mail server with STARTTLS and a login). Messages are plain
text, UTF-8, with a ``Message-ID`` derived from the notification's dedupe key so that a receiving system that
deduplicates on Message-ID drops the rare duplicate a crash between "accepted" and "marked sent" could cause.
"""

from __future__ import annotations

import contextlib
import hashlib
import smtplib
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from types import TracebackType

from ..config import Settings

SMTP_TIMEOUT_S = 30


class MailServerUnavailable(Exception):
    """The SMTP server could not be reached or refused the session (connect, STARTTLS, login): every further
    message would fail the same way, so the caller stops this run instead of spending each message's attempts."""


def message_id(dedupe_key: str, mail_from: str) -> str:
    """The same key always gives the same Message-ID (the domain is the sender's, as RFC 5322 suggests)."""
    digest = hashlib.sha256(dedupe_key.encode("utf-8")).hexdigest()[:40]
    domain = mail_from.rsplit("@", 1)[-1].strip(" >") or "localhost"
    return f"<arsip.{digest}@{domain}>"


def build_message(
    settings: Settings, *, recipient: str, subject: str, body: str, dedupe_key: str, date: datetime
) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = formataddr(("Arsip", settings.mail_from))
    msg["To"] = recipient
    msg["Subject"] = subject
    msg["Date"] = format_datetime(date)
    msg["Message-ID"] = message_id(dedupe_key, settings.mail_from)
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to a robot
    msg.set_content(body, charset="utf-8")
    return msg


class Mailer:
    """A lazily opened SMTP session; ``send`` raises ``smtplib.SMTPException``/``OSError`` on failure and drops
    the connection, so the next message starts a fresh one (a dead server costs one connect timeout per try)."""

    def __init__(self, settings: Settings, timeout: float = SMTP_TIMEOUT_S) -> None:
        self.settings = settings
        self.timeout = timeout
        self._smtp: smtplib.SMTP | None = None

    @property
    def enabled(self) -> bool:
        return bool(self.settings.smtp_host)

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=self.timeout)
        try:
            smtp.ehlo()
            if s.smtp_starttls:
                smtp.starttls()
                smtp.ehlo()
            if s.smtp_user:
                smtp.login(s.smtp_user, s.smtp_password)
        except BaseException:
            smtp.close()
            raise
        return smtp

    def send(self, msg: EmailMessage) -> None:
        """Hand one message to the server; returns only when the server accepted it for every recipient."""
        if self._smtp is None:
            try:
                self._smtp = self._connect()
            except (smtplib.SMTPException, OSError) as exc:
                raise MailServerUnavailable(f"{self.settings.smtp_host}:{self.settings.smtp_port}: {exc}") from exc
        try:
            refused = self._smtp.send_message(msg)
        except BaseException:
            self._drop()
            raise
        if refused:  # some recipients refused while others were accepted; we only ever have one recipient
            raise smtplib.SMTPRecipientsRefused(refused)

    def _drop(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.close()
            finally:
                self._smtp = None

    def close(self) -> None:
        if self._smtp is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self._smtp.quit()
            self._drop()

    def __enter__(self) -> Mailer:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
