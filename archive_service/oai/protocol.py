"""OAI-PMH 2.0 requests: verbs, argument checking, datestamps, error codes and signed resumption tokens.

Pure functions, no database and no Flask, so the protocol rules can be read (and tested) in one place.
Spec: http://www.openarchives.org/OAI/openarchivesprotocol.html (§3.1 requests, §3.3 datestamps, §3.5 flow
control, §3.6 errors).

Resumption tokens are stateless: a token carries the list request (verb, metadataPrefix, set, from, until) and a
keyset position — the ``(datestamp, record id)`` of the last item sent — plus the cursor, as compact JSON in
base64url, followed by an HMAC-SHA256 over it with a key derived from the application secret. No server-side state
means nothing expires, and a position rather than an offset means a harvest neither skips nor repeats items while
records are published or withdrawn underneath it (an item that changes moves to the end of the datestamp order and
is sent again there). Any token that does not verify, or does not belong to the verb it is used with, is a
``badResumptionToken``. After a change of the repository identifier (`identity.rename`), the items under a former
identifier are listed too, each ordered by ``(datestamp, record id, former identifier)`` behind the current item of
the same record; the position then also carries that identifier (``r``, empty for a current item).

The settings checks of the repository's identity (`check_repository_id`, `check_admin_email`, `check_license_uri`)
live here too, so ``config.Settings`` refuses a bad value at start-up with the rule that it breaks.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
OAI_SCHEMA_LOCATION = f"{OAI_NS} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
GRANULARITY = "YYYY-MM-DDThh:mm:ssZ"
METADATA_PREFIX = "oai_dc"

LIST_VERBS = frozenset({"ListIdentifiers", "ListRecords"})
# verb -> (required arguments, optional arguments); the resumptionToken is handled apart (it is exclusive).
VERBS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "Identify": (frozenset(), frozenset()),
    "ListMetadataFormats": (frozenset(), frozenset({"identifier"})),
    "ListSets": (frozenset(), frozenset()),
    "GetRecord": (frozenset({"identifier", "metadataPrefix"}), frozenset()),
    "ListIdentifiers": (frozenset({"metadataPrefix"}), frozenset({"from", "until", "set"})),
    "ListRecords": (frozenset({"metadataPrefix"}), frozenset({"from", "until", "set"})),
}
RESUMABLE = frozenset({"ListSets", "ListIdentifiers", "ListRecords"})

# The XSD patterns of metadataPrefixType and setSpecType: a value outside them could not even be echoed validly.
_PREFIX_RE = re.compile(r"^[A-Za-z0-9\-_.!~*'()]+$")
_SET_RE = re.compile(r"^[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*$")
_IDENTIFIER_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]{1,500}$")
_DAY_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SECOND_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
_TOKEN_VERSION = 1

# The OAI identifier format (guidelines-oai-identifier, §2.1): repositoryIdentifier = domainname-word "." domainname,
# domainname-word = alpha *( alphanum | "-" ); the same pattern as repositoryIdentifierType of oai-identifier.xsd.
REPOSITORY_ID_RE = re.compile(r"^[A-Za-z][A-Za-z0-9-]*(\.[A-Za-z][A-Za-z0-9-]*)+$")
# emailType of OAI-PMH.xsd (adminEmail)
_EMAIL_RE = re.compile(r"^\S+@(\S+\.)+\S+$")
_URI_RE = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")


def check_repository_id(value: str) -> None:
    """Refuse a repository identifier outside the oai-identifier syntax (ValueError, bilingual)."""
    if not REPOSITORY_ID_RE.match(value or "") or len(value) > 255:
        raise ValueError(
            f"ARSIP_OAI_REPOSITORY_ID {value!r} tidak sah: harus nama domain milik kantor dengan sedikitnya satu "
            "titik, tiap bagian diawali huruf lalu huruf, angka atau '-' (mis. ppid.kotacontoh.go.id) / "
            f"ARSIP_OAI_REPOSITORY_ID {value!r} is invalid: it must be a domain name the office owns, with at least "
            "one dot, each part a letter followed by letters, digits or '-' (e.g. ppid.kotacontoh.go.id; "
            "OAI-PMH guidelines-oai-identifier §2.1)"
        )


def check_admin_email(value: str) -> None:
    """An empty value means the default; anything else must satisfy emailType of OAI-PMH.xsd."""
    if value and (not _EMAIL_RE.match(value) or len(value) > 255):
        raise ValueError(
            f"ARSIP_OAI_ADMIN_EMAIL {value!r} tidak sah: alamat e-mail dengan domain bertitik / "
            f"ARSIP_OAI_ADMIN_EMAIL {value!r} is invalid: an e-mail address with a dotted domain is required"
        )


def check_license_uri(value: str) -> None:
    """The licence URI of open information: an absolute http(s) URI, or empty (no licence URI written)."""
    if value and (not _URI_RE.match(value) or len(value) > 500):
        raise ValueError(
            f"ARSIP_PUBLIC_LICENSE_URI {value!r} tidak sah: harus URI http(s) lengkap / "
            f"ARSIP_PUBLIC_LICENSE_URI {value!r} is invalid: an absolute http(s) URI is required"
        )


class OaiError(Exception):
    """An OAI-PMH error condition (§3.6): answered with HTTP 200 and ``<error code=…>``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    @property
    def echoes_arguments(self) -> bool:
        """badVerb and badArgument answers echo the base URL only, without the request's attributes (§3.2)."""
        return self.code not in {"badVerb", "badArgument"}


@dataclass(frozen=True)
class OaiRequest:
    verb: str
    args: dict[str, str]


def parse_request(pairs: list[tuple[str, str]]) -> OaiRequest:
    """Check the verb and its arguments: exactly one verb, no unknown, repeated or missing argument, and a
    resumptionToken only alone (it is an *exclusive* argument)."""
    verbs = [value for key, value in pairs if key == "verb"]
    if len(verbs) != 1:
        raise OaiError("badVerb", "Argumen verb tidak ada atau berulang / the verb argument is missing or repeated.")
    verb = verbs[0]
    if verb not in VERBS:
        raise OaiError("badVerb", f"Verb tidak dikenal / illegal OAI verb: {verb[:80]}")
    args: dict[str, str] = {}
    for key, value in pairs:
        if key == "verb":
            continue
        if key in args:
            raise OaiError("badArgument", f"Argumen berulang / repeated argument: {key[:80]}")
        args[key] = value
    required, optional = VERBS[verb]
    if "resumptionToken" in args:
        if verb not in RESUMABLE:
            raise OaiError("badArgument", f"{verb} tidak menerima resumptionToken / takes no resumptionToken.")
        if len(args) > 1:
            raise OaiError("badArgument", "resumptionToken adalah argumen eksklusif / is an exclusive argument.")
        return OaiRequest(verb, args)
    unknown = sorted(set(args) - required - optional)
    if unknown:
        raise OaiError("badArgument", f"Argumen tidak sah / illegal argument: {unknown[0][:80]}")
    missing = sorted(required - set(args))
    if missing:
        raise OaiError("badArgument", f"Argumen wajib tidak ada / missing required argument: {missing[0]}")
    if "metadataPrefix" in args and not _PREFIX_RE.match(args["metadataPrefix"]):
        raise OaiError("badArgument", "metadataPrefix tidak sah / illegal metadataPrefix syntax.")
    if "identifier" in args and not _IDENTIFIER_RE.match(args["identifier"]):
        raise OaiError("badArgument", "identifier tidak sah / illegal identifier syntax.")
    if "set" in args and not _SET_RE.match(args["set"]):
        raise OaiError("badArgument", "setSpec tidak sah / illegal setSpec syntax.")
    if verb in LIST_VERBS:
        date_range(args.get("from"), args.get("until"))  # raises badArgument on bad dates
    return OaiRequest(verb, args)


# ---- datestamps ----------------------------------------------------------------------------------------------------
def format_datestamp(value: datetime) -> str:
    """A UTC datestamp at the repository's granularity (seconds, ``Z``)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_datestamp(value: str, *, end: bool) -> tuple[datetime, str]:
    """``(instant, granularity)`` of a ``from``/``until`` value; a day as ``until`` covers that whole day."""
    try:
        if _SECOND_RE.match(value):
            return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC), "seconds"
        if _DAY_RE.match(value):
            day = datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC)
            return (day + timedelta(days=1, seconds=-1) if end else day), "day"
    except ValueError:
        pass
    raise OaiError("badArgument", f"Tanggal tidak sah / illegal datestamp: {value[:40]}")


def date_range(from_: str | None, until: str | None) -> tuple[datetime | None, datetime | None]:
    """The inclusive bounds of a selective harvest; mixed granularities and ``from`` after ``until`` are errors."""
    start = parse_datestamp(from_, end=False) if from_ is not None else None
    stop = parse_datestamp(until, end=True) if until is not None else None
    if start and stop:
        if start[1] != stop[1]:
            raise OaiError("badArgument", "from dan until berbeda granularitas / from and until differ in granularity.")
        if start[0] > stop[0]:
            raise OaiError("badArgument", "from sesudah until / from is later than until.")
    return (start[0] if start else None), (stop[0] if stop else None)


# ---- resumption tokens ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ListQuery:
    """The selective-harvest arguments of a list request (as sent, so a token keeps their granularity)."""

    verb: str
    metadata_prefix: str
    set_spec: str | None = None
    from_: str | None = None
    until: str | None = None

    @classmethod
    def from_args(cls, verb: str, args: dict[str, str]) -> ListQuery:
        return cls(verb, args["metadataPrefix"], args.get("set"), args.get("from"), args.get("until"))


@dataclass(frozen=True)
class Position:
    """Where the next page starts: after ``(datestamp, record_id)``; ``cursor`` items were sent before it.

    ``total`` is the ``completeListSize`` counted on the first page and carried on, so a harvest of a million
    records counts once, not once per page (the spec lets it be an estimate; `views._list` keeps it at least the
    number already sent)."""

    datestamp: datetime
    record_id: int
    cursor: int
    total: int = 0
    repository_id: str = ""  # a former repository identifier when the last item sent was a retired one


def _key(secret: str | bytes) -> bytes:
    """A key for tokens only, derived from the app secret (a token can never pass for a session cookie)."""
    raw = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(raw, b"arsip oai-pmh resumption token v1", hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encode_token(secret: str | bytes, query: ListQuery, position: Position) -> str:
    payload = {
        "v": _TOKEN_VERSION,
        "k": query.verb,
        "m": query.metadata_prefix,
        "s": query.set_spec,
        "f": query.from_,
        "u": query.until,
        "d": int(position.datestamp.timestamp()),
        "i": position.record_id,
        "c": position.cursor,
        "n": position.total,
    }
    if position.repository_id:
        payload["r"] = position.repository_id
    body = _b64(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode())
    signature = _b64(hmac.new(_key(secret), body.encode(), hashlib.sha256).digest()[:18])
    return f"{body}.{signature}"


def _bad_token() -> OaiError:
    return OaiError("badResumptionToken", "resumptionToken tidak sah / the resumptionToken is invalid.")


def decode_token(secret: str | bytes, token: str, verb: str) -> tuple[ListQuery, Position]:
    """The query and position of a token this repository issued for ``verb``; anything else is rejected."""
    body, _, signature = token.partition(".")
    if not body or not signature or len(token) > 2000:
        raise _bad_token()
    expected = _b64(hmac.new(_key(secret), body.encode(), hashlib.sha256).digest()[:18])
    if not hmac.compare_digest(expected, signature):
        raise _bad_token()
    try:
        data: Any = json.loads(_unb64(body))
        ok = (
            isinstance(data, dict)
            and data.get("v") == _TOKEN_VERSION
            and data.get("k") == verb
            and isinstance(data.get("m"), str)
            and all(data.get(k) is None or isinstance(data.get(k), str) for k in ("s", "f", "u"))
            and all(isinstance(data.get(k), int) and data[k] >= 0 for k in ("d", "i", "c", "n"))
            and isinstance(data.get("r", ""), str)
        )
        if not ok:
            raise _bad_token()
        query = ListQuery(verb, data["m"], data["s"], data["f"], data["u"])
        position = Position(datetime.fromtimestamp(data["d"], UTC), data["i"], data["c"], data["n"], data.get("r", ""))
    except (ValueError, binascii.Error, OverflowError, OSError) as exc:
        raise _bad_token() from exc
    return query, position
