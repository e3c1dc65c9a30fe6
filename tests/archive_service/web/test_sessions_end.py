"""Regression tests of issue 15 (security probe): staff sessions that end, and sign-in throttling that tells no names.

Findings: (1) signing out did not end a session — the signed cookie kept working for 8 hours when copied; (2) the
sign-in lockout told which usernames exist (accounts were locked in the database, unknown names in a table of each
process, which never locked with two web workers), and anyone could lock a known account out for 15 minutes.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select, update

from archive_service.db import User
from archive_service.db.models import SignInThrottle, WebSession
from archive_service.db.types import utcnow
from archive_service.services import auth, web_auth, web_sessions
from archive_service.services.actor import SYSTEM
from tests.archive_service.web.test_staff_core import TOKEN, WRONG, login, token
from tests.conftest import PASSWORD

COOKIE = "arsip_session"
REPO = Path(__file__).resolve().parents[3]


# ---- helpers -------------------------------------------------------------------------------------------------------


def client_at(app: Any, address: str) -> Any:
    """A browser whose requests come from ``address`` (the app reads ``request.remote_addr``; no proxy header is
    trusted: ``ratelimit``)."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def signed_in(app: Any, username: str, address: str = "127.0.0.1") -> Any:
    client = client_at(app, address)
    assert login(client, username).status_code == 302
    return client


def cookie_of(client: Any) -> str:
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None, "no session cookie"
    return cookie.value


def with_cookie(app: Any, value: str) -> Any:
    """A second browser holding a copy of a session cookie."""
    client = app.test_client()
    client.set_cookie(COOKIE, value)
    return client


def cookie_content(app: Any, value: str) -> dict[str, Any]:
    return dict(app.session_interface.get_signing_serializer(app).loads(value))


def sessions_of(rt: Any, username: str) -> int:
    with rt.db.read() as db:
        user_id = db.execute(select(User.id).where(User.username == username)).scalar_one()
        return db.execute(select(func.count()).select_from(WebSession).where(WebSession.user_id == user_id)).scalar()


def is_signed_in(client: Any) -> bool:
    response = client.get("/staf/")
    if response.status_code == 302:
        assert "/staf/masuk" in response.headers["Location"]
        return False
    assert response.status_code == 200
    return True


class Clock:
    """The sign-in throttle's clock, moved by hand so backoff windows do not depend on how fast the machine is."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> Any:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    frozen = Clock()
    monkeypatch.setattr(web_auth, "utcnow", frozen)
    return frozen


def answer(response: Any, name: str) -> tuple[int, dict[str, str], str]:
    """What a guesser sees, apart from the per-session CSRF token, the session cookie and the name it typed (the
    form shows it back, hence also a different ``Content-Length``)."""
    headers = {k: v for k, v in response.headers.items() if k.lower() not in {"set-cookie", "content-length"}}
    body = TOKEN.sub('name="csrf_token" value="…"', response.get_data(as_text=True)).replace(name, "<name>")
    return response.status_code, headers, body


# ---- finding 1: sessions that end ----------------------------------------------------------------------------------
def test_a_cookie_copied_before_logout_is_refused_after_logout(app, rt, accounts) -> None:
    browser = signed_in(app, "ppid")
    copied = cookie_of(browser)
    content = cookie_content(app, copied)
    assert set(content) <= {"sid", "csrf_token", "_permanent", "_flashes"}  # only a session id, no user id
    assert is_signed_in(with_cookie(app, copied))  # a copy works while the session lives...
    assert sessions_of(rt, "ppid") == 1

    out = browser.post("/staf/keluar", data={"csrf_token": token(browser, "/staf/")})
    assert out.status_code == 302 and out.headers["Location"].endswith("/staf/masuk")
    assert not is_signed_in(browser)
    assert not is_signed_in(with_cookie(app, copied))  # ...and is refused once the user signed out
    assert sessions_of(rt, "ppid") == 0
    assert with_cookie(app, copied).get("/staf/arsip").status_code == 302


def test_a_password_change_ends_the_other_browsers_sessions(app, rt, accounts) -> None:
    mine, laptop, phone = (signed_in(app, "arsiparis") for _ in range(3))
    bystander = signed_in(app, "ppid")
    before = cookie_of(mine)
    new = "a new long passphrase"
    changed = mine.post(
        "/staf/sandi",
        data={
            "current_password": PASSWORD,
            "new_password": new,
            "new_password_repeat": new,
            "csrf_token": token(mine, "/staf/sandi"),
        },
    )
    assert changed.status_code == 302
    assert is_signed_in(mine)  # the browser that changed it stays signed in...
    assert cookie_content(app, cookie_of(mine))["sid"] != cookie_content(app, before)["sid"]  # ...with a new session
    assert not is_signed_in(laptop) and not is_signed_in(phone)
    assert not is_signed_in(with_cookie(app, before))  # its own old session ended too
    assert sessions_of(rt, "arsiparis") == 1
    assert is_signed_in(bystander)  # another user's session is untouched


def test_deleting_a_user_ends_their_sessions(app, rt, accounts) -> None:
    browser = signed_in(app, "pendukung")
    auth.delete_user(rt, SYSTEM, "pendukung")
    assert sessions_of(rt, "pendukung") == 0
    assert not is_signed_in(browser)


def test_sign_in_always_starts_a_new_session(app, rt, accounts) -> None:
    """Session fixation: a session id held before signing in never becomes the signed-in one."""
    browser = signed_in(app, "ppid")
    first = cookie_content(app, cookie_of(browser))["sid"]
    form = {"username": "ppid", "password": PASSWORD, "csrf_token": token(browser, "/staf/")}
    assert browser.post("/staf/masuk", data=form).status_code == 302
    second = cookie_content(app, cookie_of(browser))["sid"]
    assert first != second
    assert sessions_of(rt, "ppid") == 1  # the first one ended


def test_an_expired_session_is_refused_and_swept(app, rt, accounts) -> None:
    browser = signed_in(app, "ppid")
    with rt.db.write() as db:
        db.execute(update(WebSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert not is_signed_in(browser)
    assert sessions_of(rt, "ppid") == 0
    # Expired rows of anyone are also deleted at every sign-in.
    other = signed_in(app, "sekretariat")
    with rt.db.write() as db:
        db.execute(update(WebSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    signed_in(app, "ppid")
    assert sessions_of(rt, "sekretariat") == 0 and not is_signed_in(other)


def test_a_session_lives_while_used_and_ends_when_idle(rt, accounts) -> None:
    user_id = accounts["ppid"].actor.user_id
    t0 = utcnow()
    sid = web_sessions.start(rt, user_id, now=t0)
    idle = web_sessions.IDLE_LIFETIME
    # Used every few hours, it outlives one idle lifetime...
    for hours in (3, 6, 9, 12):
        user = web_sessions.resolve(rt, sid, now=t0 + timedelta(hours=hours))
        assert user is not None and user.id == user_id
    # ...and ends after one idle lifetime without use.
    assert web_sessions.resolve(rt, sid, now=t0 + timedelta(hours=12) + idle + timedelta(seconds=1)) is None
    assert web_sessions.resolve(rt, "not-a-session") is None
    assert web_sessions.resolve(rt, 12345) is None


# ---- finding 2: throttling that tells no names ---------------------------------------------------------------------
def test_unknown_and_existing_names_get_identical_answers(app, rt, accounts, clock) -> None:
    """Eight failures each for an account, a name that never existed and a deleted account: the same answers."""
    auth.delete_user(rt, SYSTEM, "pendukung")
    schedule = [0, 0, 0, 0, 0, 0.5, 0.5, 0.4]  # seconds before each attempt; the 7th starts a doubled window
    seen: dict[str, list[tuple[int, dict[str, str], str]]] = {}
    for index, name in enumerate(["sekretariat", "tidak.ada", "pendukung"]):
        client = client_at(app, f"192.0.2.{index + 1}")
        seen[name] = []
        for wait in schedule:
            clock.advance(wait)
            seen[name].append(answer(login(client, name, WRONG), name))
    assert seen["tidak.ada"] == seen["sekretariat"] == seen["pendukung"]
    statuses = [status for status, _headers, _body in seen["sekretariat"]]
    retry = [headers.get("Retry-After") for _status, headers, _body in seen["sekretariat"]]
    assert statuses == [401, 401, 401, 401, 429, 429, 429, 429]
    assert retry == [None, None, None, None, "1", "1", "2", "2"]
    assert "Terlalu banyak percobaan masuk" in seen["tidak.ada"][-1][2]


SECOND_PROCESS = """
import json, sys
from pathlib import Path
from archive_service.app import create_app
from archive_service.config import Settings
from archive_service.runtime import Runtime
import re
data_dir, database_url, names, tries = sys.argv[1], sys.argv[2], sys.argv[3].split(","), int(sys.argv[4])
rt = Runtime.from_settings(Settings(data_dir=Path(data_dir), database_url=database_url))
app = create_app(runtime=rt)
app.config["TESTING"] = True
client = app.test_client()
token = re.compile(r'name="csrf_token" value="([^"]+)"')
out = {}
for name in names:
    out[name] = []
    for _ in range(tries):
        csrf = token.search(client.get("/staf/masuk").get_data(as_text=True)).group(1)
        form = {"username": name, "password": "not the password at all", "csrf_token": csrf}
        out[name].append(client.post("/staf/masuk", data=form).status_code)
rt.close()
print(json.dumps(out))
"""


def test_counts_are_shared_by_web_processes(app, rt, accounts, clock) -> None:
    """Failures spread over two web processes (two apps over one database, the second in its own process) add up,
    for an unknown name exactly as for an account."""
    names = ["tidak.ada", "sekretariat"]
    here = app.test_client()
    for name in names:
        assert [login(here, name, WRONG).status_code for _ in range(2)] == [401, 401]
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            SECOND_PROCESS,
            str(rt.settings.data_dir),
            rt.settings.database_url,
            ",".join(names),
            "3",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    there = json.loads(done.stdout.strip().splitlines()[-1])
    assert there == {name: [401, 401, 429] for name in names}  # the 5th failure overall opens the backoff
    for name in names:
        with rt.db.read() as db:
            row = db.get(SignInThrottle, web_auth._key(name, "127.0.0.1"))
            assert row is not None and row.failures == 5 and row.blocked_until is not None
        clock.now = row.blocked_until - timedelta(milliseconds=500)  # back here, inside the window it opened
        blocked = login(here, name)  # even the right password of the account is not checked now
        assert blocked.status_code == 429 and blocked.headers["Retry-After"] == "1"
        clock.now = row.blocked_until
        assert login(here, name, WRONG).headers["Retry-After"] == "2"  # the 6th failure doubles the window


def test_guesses_from_another_address_do_not_lock_the_user_out(app, accounts, clock) -> None:
    stranger = client_at(app, "203.0.113.66")
    statuses = [login(stranger, "sekretariat", WRONG).status_code for _ in range(8)]
    assert statuses[:4] == [401] * 4 and set(statuses[4:]) == {429}
    assert login(stranger, "sekretariat").status_code == 429  # the stranger is held back, whatever the password
    owner = client_at(app, "198.51.100.7")
    assert login(owner, "sekretariat", WRONG).status_code == 401  # the owner's own count starts at zero
    assert login(owner, "sekretariat").status_code == 302
    assert is_signed_in(owner)


def test_a_success_resets_the_backoff(app, accounts, clock) -> None:
    client = app.test_client()
    assert [login(client, "ppid", WRONG).status_code for _ in range(4)] == [401] * 4
    assert login(client, "ppid").status_code == 302
    client.post("/staf/keluar", data={"csrf_token": token(client, "/staf/")})
    assert [login(client, "ppid", WRONG).status_code for _ in range(5)] == [401, 401, 401, 401, 429]
    clock.advance(1)  # the window has run out: the right password works and clears the count again
    assert login(client, "ppid").status_code == 302
    client.post("/staf/keluar", data={"csrf_token": token(client, "/staf/")})
    assert [login(client, "ppid", WRONG).status_code for _ in range(4)] == [401] * 4


def test_failed_sign_ins_take_the_same_time_for_unknown_and_existing_names(
    app, rt, accounts, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Unknown names verify a password hash too (a fixed dummy one), so they cost what an account costs. Hashes are
    made costlier here than in the rest of the suite, so that the hash, not the request, dominates the time."""
    costly = PasswordHasher(time_cost=2, memory_cost=16384, parallelism=1)
    verified: list[str] = []

    class Spy:
        def verify(self, stored: str, password: str) -> bool:
            verified.append(stored)
            return costly.verify(stored, password)

        def hash(self, password: str) -> str:
            return costly.hash(password)

    monkeypatch.setattr(auth, "hasher", Spy)
    auth._dummy_hash.cache_clear()
    try:
        with rt.db.write() as db:
            db.execute(update(User).where(User.username == "sekretariat").values(password_hash=costly.hash(PASSWORD)))
        times: dict[str, list[float]] = {"existing": [], "unknown": []}
        for i in range(10):
            for kind, name in (("existing", "sekretariat"), ("unknown", f"tidak.ada.{i}")):
                client = client_at(app, f"10.1.{i}.{len(times[kind])}")
                csrf = token(client)
                started = time.perf_counter()
                response = client.post("/staf/masuk", data={"username": name, "password": WRONG, "csrf_token": csrf})
                times[kind].append(time.perf_counter() - started)
                assert response.status_code == 401
    finally:
        auth._dummy_hash.cache_clear()
    assert len(verified) == 20  # one hash verified per attempt, whether or not the name exists
    existing, unknown = statistics.median(times["existing"]), statistics.median(times["unknown"])
    assert max(existing, unknown) / min(existing, unknown) < 3, times
