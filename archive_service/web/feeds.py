"""Atom feeds and the sitemap of the public portal, written with ElementTree (escaping is the library's job).

Only what ``services.public`` returns goes in, so a feed can never carry a record that is not public.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any
from xml.etree import ElementTree as ET

from flask import Response, url_for

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"


def _iso(value: datetime | None) -> str:
    value = value or datetime(1970, 1, 1, tzinfo=UTC)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def atom(title: str, self_url: str, records: list[Any]) -> Response:
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": "id"})
    ET.SubElement(feed, f"{{{ATOM}}}title").text = title
    ET.SubElement(feed, f"{{{ATOM}}}id").text = self_url
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "self", "href": self_url})
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "alternate", "href": url_for("public.home", _external=True)})
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = _iso(max((r.published_at for r in records), default=None))
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = "PPID"
    for record in records:
        link = url_for("public.record", record_id=record.id, _external=True)
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}title").text = record.title
        ET.SubElement(entry, f"{{{ATOM}}}id").text = link
        ET.SubElement(entry, f"{{{ATOM}}}link", {"rel": "alternate", "href": link})
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _iso(record.published_at)
        ET.SubElement(entry, f"{{{ATOM}}}published").text = _iso(record.published_at)
        ET.SubElement(entry, f"{{{ATOM}}}category", {"term": record.kip_category or ""})
        summary = record.dip_summary or record.description
        if summary:
            ET.SubElement(entry, f"{{{ATOM}}}summary").text = summary[:1000]
    body = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return Response(body, mimetype="application/atom+xml")


def sitemap(entries: Iterable[tuple[int, datetime | None]]) -> Iterator[bytes]:
    """Streamed, one ``<url>`` at a time, so a large archive never sits in memory."""
    yield b'<?xml version="1.0" encoding="UTF-8"?>\n'
    yield f'<urlset xmlns="{SITEMAP}">\n'.encode()
    for fixed in ("public.home", "public.dip"):
        yield f"<url><loc>{url_for(fixed, _external=True)}</loc></url>\n".encode()
    for record_id, updated in entries:
        loc = url_for("public.record", record_id=record_id, _external=True)
        yield f"<url><loc>{loc}</loc><lastmod>{_iso(updated)[:10]}</lastmod></url>\n".encode()
    yield b"</urlset>\n"
