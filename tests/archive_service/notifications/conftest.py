"""Fixtures for notifications: a real SMTP server (aiosmtpd) on 127.0.0.1, accounts with e-mail addresses, and a
runtime whose settings point at that server."""

from __future__ import annotations

import dataclasses
import email
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select, update

from archive_service.db import User
from archive_service.db.models import Notification
from archive_service.runtime import Runtime
from tests.archive_service.retention.conftest import make_old, sample_jra  # noqa: F401  (fixtures)
from tests.archive_service.workflow.conftest import make_record  # noqa: F401  (fixture)
from tests.conftest import Account, make_account

BASE_URL = "http://arsip.test"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Delivered:
    rcpt: list[str]
    msg: EmailMessage

    @property
    def to(self) -> str:
        return str(self.msg["To"])

    @property
    def subject(self) -> str:
        return str(self.msg["Subject"])

    @property
    def text(self) -> str:
        return str(self.msg.get_content())


class Collector:
    """aiosmtpd handler keeping every accepted message, decoded."""

    def __init__(self) -> None:
        self.messages: list[Delivered] = []
        self.refuse: set[str] = set()
        self.lock = threading.Lock()

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address in self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        msg = email.message_from_bytes(envelope.original_content or envelope.content, policy=default_policy)
        with self.lock:
            self.messages.append(Delivered(list(envelope.rcpt_tos), msg))  # type: ignore[arg-type]
        return "250 OK"

    def to(self, address: str) -> list[Delivered]:
        return [m for m in self.messages if address in m.rcpt]


@dataclass
class SmtpServer:
    host: str
    port: int
    inbox: Collector


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    collector = Collector()
    port = free_port()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer("127.0.0.1", port, collector)
    finally:
        controller.stop()


@pytest.fixture
def mail_rt(rt: Runtime, smtp: SmtpServer) -> Runtime:
    """The test runtime with SMTP pointing at the local server and a recognisable base URL."""
    rt.settings = dataclasses.replace(
        rt.settings, smtp_host=smtp.host, smtp_port=smtp.port, public_base_url=BASE_URL, mail_from="arsip@arsip.test"
    )
    return rt


def address(username: str) -> str:
    return f"{username}@example.test"


@pytest.fixture
def staff(rt: Runtime, accounts: dict[str, Account]) -> dict[str, Account]:
    """The standard accounts, each with an e-mail address, plus a second sekretariat with an address, one without
    and a deactivated one (neither of the last two may ever get mail)."""
    extra = {
        "sekretariat2": make_account(rt, "sekretariat.dua", "sekretariat"),
        "sekretariat_nomail": make_account(rt, "sekretariat.tanpa", "sekretariat"),
        "sekretariat_off": make_account(rt, "sekretariat.nonaktif", "sekretariat"),
    }
    with rt.db.write() as session:
        for user in session.execute(select(User)).scalars():
            if user.username != "sekretariat.tanpa":
                user.email = address(user.username)
        session.execute(update(User).where(User.username == "sekretariat.nonaktif").values(is_active=False))
    return accounts | extra


def notification_rows(rt: Runtime) -> list[Notification]:
    with rt.db.read() as session:
        return list(session.execute(select(Notification).order_by(Notification.id)).scalars())
