"""The documents of a disposition batch (Perka ANRI 37/2016): the *Daftar Arsip Usul Musnah* and the three *berita
acara* (pemusnahan, pemindahan, penyerahan), each with its *daftar arsip*, built from the batch as recorded.

Everything comes from the batch: the rows of the list as they were frozen at proposal (so a destroyed record's
tombstone still yields its line), the panel's considerations, the approval letter and the berita acara data entered
at execution. Nothing is typed twice. Reading goes through ``services.disposition.get_batch`` (``disposition.read``),
which applies the one access rule (``services.access``): a row whose record the reader may not read (the record
today or its copy as proposed) comes redacted and keeps its line, number and code but not its description, period,
quantity, files or notes, so a document never shows more than the records screens would.

Which document exists when: the usul musnah list from the proposal on (any stage, with the panel's exclusions noted,
not dropped: the list the panel appraised is the evidence); a berita acara only once its batch is executed
(409 before), and only for its own kind (422 otherwise).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select

from retention.lifecycle import KIND_RULES
from schemas.enums import (
    ApprovalAuthority,
    BatchState,
    DevelopmentLevel,
    DispositionKind,
    FinalDisposition,
    PanelOpinion,
    label_id,
)

from ..db import JraClass, Record, User, WorkUnit
from ..errors import Conflict, ValidationFailed
from ..runtime import Runtime
from ..services import disposition
from ..services.actor import Actor
from ..services.disposition import BatchLine, BatchView
from .model import Column, Document, Fields, Paragraph, Signature, Table
from .period import MONTHS_ID, date_id, indonesian_dates
from .registry import ReportParams, report
from .signers import place_date, signing_place

DAYS_ID = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
HIDDEN_TEXT = "(uraian tidak ditampilkan: di luar klasifikasi keamanan yang boleh Anda baca)"
_ONES = ("", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan", "sepuluh", "sebelas")

DAFTAR_COLUMNS = (
    Column("no", "No", numeric=True, width="4%"),
    Column("code", "Kode klasifikasi", width="9%", nowrap=True),
    Column("description", "Uraian/jenis arsip", width="30%"),
    Column("period", "Kurun waktu", width="13%"),
    Column("level", "Tingkat perkembangan", width="9%"),
    Column("quantity", "Jumlah", width="8%"),
    Column("retention", "Retensi (aktif/inaktif)", width="10%"),
    Column("note", "Keterangan", width="17%"),
)


# ---- Indonesian wording --------------------------------------------------------------------------------------------
def terbilang(n: int) -> str:
    """A whole number in Indonesian words, as official minutes spell counts and dates: 2026 → "dua ribu dua puluh
    enam"."""
    if n < 0:
        return f"minus {terbilang(-n)}"
    if n < 12:
        return _ONES[n] or "nol"
    if n < 20:
        return f"{_ONES[n - 10]} belas"
    for size, word in ((1_000_000_000, "miliar"), (1_000_000, "juta"), (1000, "ribu"), (100, "ratus"), (10, "puluh")):
        if n >= size:
            head, rest = divmod(n, size)
            if head == 1 and size in (1000, 100):
                text = "seribu" if size == 1000 else "seratus"
            else:
                text = f"{terbilang(head)} {word}"
            return f"{text} {terbilang(rest)}" if rest else text
    raise AssertionError(n)  # pragma: no cover


def day_date_words(day: date) -> str:
    """``Senin tanggal 30 November 2026 (tiga puluh November tahun dua ribu dua puluh enam)``."""
    words = f"{terbilang(day.day)} {MONTHS_ID[day.month - 1]} tahun {terbilang(day.year)}"
    return f"{DAYS_ID[day.weekday()]} tanggal {date_id(day)} ({words})"


def _count_words(n: int, noun: str = "arsip") -> str:
    return f"{n} ({terbilang(n)}) {noun}"


def _label(enum_cls: type, value: str | None, default: str = "-") -> str:
    if not value:
        return default
    try:
        return label_id(enum_cls(value))
    except ValueError:
        return str(value)


def _local_date(rt: Runtime, moment: datetime | None) -> date | None:
    if moment is None:
        return None
    if moment.tzinfo is None:  # stored as UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(rt.calendar.tz).date()


def _iso_date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _place_date(rt: Runtime, place: str | None, day: date | None) -> str | None:
    return place_date(rt.settings, day, place) if day else None


def _filesize(size: int | None) -> str:
    if not size:
        return "-"
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MiB ({size:,} bita)".replace(",", ".")
    return f"{size:,} bita".replace(",", ".")


# ---- loading the batch ---------------------------------------------------------------------------------------------
class _Batch:
    """A batch (as the reader may see it) with what its documents need besides it: people's names, units, JRA
    periods."""

    def __init__(self, rt: Runtime, actor: Actor, batch_id: int) -> None:
        self.batch: BatchView = disposition.get_batch(rt, actor, batch_id)  # disposition.read, 404, redacted lines
        self.rule = KIND_RULES[DispositionKind(self.batch.kind)]
        ids = [item.record_id for item in self.batch.items if item.record_id is not None]
        users = {self.batch.proposed_by, self.batch.panel_concluded_by, self.batch.approved_by}
        users |= {c.member for c in self.batch.considerations}
        with rt.db.read() as session:
            found = session.execute(
                select(Record.id, JraClass.active, JraClass.inactive)
                .outerjoin(JraClass, JraClass.id == Record.jra_class_id)
                .where(Record.id.in_(ids))
            ).all()
            self.names = dict(
                session.execute(select(User.username, User.full_name).where(User.username.in_(users - {None}))).all()
            )
            self.units = dict(session.execute(select(WorkUnit.code, WorkUnit.name)).all())
        self.periods = {rid: (active, inactive) for rid, active, inactive in found}
        self.record_no = {
            item.record_id: item.row.get("record_no") or str(item.record_id)
            for item in self.batch.items
            if item.record_id is not None
        }

    def person(self, username: str | None) -> str | None:
        return self.names.get(username, username) if username else None

    def unit_name(self, code: str | None) -> str:
        if not code:
            return "beberapa unit pengolah"
        return self.units.get(code, code)

    def executed_items(self) -> list[BatchLine]:
        return [item for item in self.batch.items if not item.excluded]

    def creators(self, items: list[BatchLine], fallback: str) -> str:
        """The *pencipta arsip* of the listed records (their ``creator_org`` as proposed), each once; ``fallback``
        (the institution) when no line names one (every line redacted for this reader)."""
        seen = dict.fromkeys(
            str(item.row.get("creator_org")).strip() for item in items if (item.row.get("creator_org") or "").strip()
        )
        return "; ".join(seen) or fallback


def _load(rt: Runtime, actor: Actor, params: ReportParams, kind: DispositionKind, executed: bool) -> _Batch:
    assert params.batch_id is not None  # the registry requires it
    loaded = _Batch(rt, actor, params.batch_id)
    batch, rule = loaded.batch, loaded.rule
    wanted = KIND_RULES[kind]
    if batch.kind != kind:
        raise ValidationFailed(
            f"Berkas {batch.no} adalah {rule.label_id.lower()}; dokumen ini hanya untuk {wanted.label_id.lower()}.",
            f"Batch {batch.no} is a {rule.label_en.lower()}; this document is only for a {wanted.label_en.lower()}.",
            {"batch_id": ["wrong kind"]},
        )
    if executed and batch.state != BatchState.DILAKSANAKAN:
        raise Conflict(
            f"Berkas {batch.no} belum dilaksanakan (status '{batch.state}'); berita acara dibuat setelah pelaksanaan.",
            f"Batch {batch.no} has not been carried out yet (state '{batch.state}'); the minutes exist only after "
            "execution.",
        )
    return loaded


# ---- the daftar arsip ----------------------------------------------------------------------------------------------
def _retention_text(loaded: _Batch, item: BatchLine) -> str:
    if item.redacted:
        return ""
    active, inactive = loaded.periods.get(item.record_id, (None, None)) if item.record_id else (None, None)
    if active is None or inactive is None:
        total = item.row.get("retention_total_years")
        return f"{total} tahun (total)" if total is not None else ""

    def one(period: dict[str, Any]) -> str:
        return str(period.get("text") or f"{period.get('years', 0)} tahun")

    return f"{one(active)} / {one(inactive)}"


def _quantity(item: BatchLine) -> str:
    row = item.row
    if item.redacted:
        return ""
    if row.get("quantity"):
        return f"{row['quantity']} {row.get('quantity_unit') or ''}".strip()
    files = len(row.get("files") or [])
    return f"{files} berkas digital" if files else "1 berkas"


def _description(item: BatchLine) -> str:
    row = item.row
    if item.redacted:
        return HIDDEN_TEXT
    title, text = (row.get("title") or "").strip(), (row.get("description") or "").strip()
    return f"{title}. {text}" if text and text != title else title


def _daftar_row(loaded: _Batch, no: int, item: BatchLine, note: str) -> list[Any]:
    row = item.row
    record_no = row.get("record_no") or (str(item.record_id) if item.record_id is not None else "-")
    return [
        no,
        row.get("classification_code") or "",
        _description(item),
        indonesian_dates(row.get("period") or ""),  # frozen as ISO text at proposal
        _label(DevelopmentLevel, row.get("development_level"), ""),
        _quantity(item),
        _retention_text(loaded, item),
        f"No. arsip {record_no}; {note}" if note else f"No. arsip {record_no}",
    ]


def _daftar(loaded: _Batch, items: list[BatchLine], title: str, note_of: Any) -> Table:
    rows = [_daftar_row(loaded, no, item, note_of(item)) for no, item in enumerate(items, start=1)]
    files = sum(len(item.row.get("files") or []) for item in items)
    totals = ["", "Jumlah", f"{len(items)} arsip ({files} berkas digital)", "", "", "", "", ""]
    return Table(DAFTAR_COLUMNS, rows, title=title, totals=totals, sheet=title[:31])


def _filename(stem: str, batch: BatchView) -> str:
    return f"{stem}-{batch.no.replace('/', '-').lower()}"


# ---- Daftar Arsip Usul Musnah --------------------------------------------------------------------------------------
@report(
    "daftar-usul-musnah",
    title_id="Daftar Arsip Usul Musnah",
    title_en="List of records proposed for destruction",
    sop_steps="retensi",
    permission="report.retention",
    needs=("batch_id",),
)
def daftar_usul_musnah(rt: Runtime, actor: Actor, params: ReportParams) -> Document:
    """The list as proposed, every row, the panel's exclusions marked; then the panel's considerations."""
    loaded = _load(rt, actor, params, DispositionKind.PEMUSNAHAN, executed=False)
    batch = loaded.batch
    proposed = _local_date(rt, batch.proposed_at)

    def note(item: BatchLine) -> str:
        if item.excluded:
            return f"DIKELUARKAN dari usulan: {item.excluded_reason or '-'}"
        return _label(FinalDisposition, item.row.get("final_disposition"), "Musnah")

    excluded = [item for item in batch.items if item.excluded]
    head = Fields(
        [
            ("Nomor usulan", batch.no),
            ("Pencipta arsip", loaded.creators(list(batch.items), rt.settings.institution_name)),
            ("Unit pengolah", loaded.unit_name(batch.processing_unit)),
            ("Tanggal usulan", date_id(proposed) if proposed else "-"),
            ("Diusulkan oleh", loaded.person(batch.proposed_by)),
            ("Status", _label(BatchState, batch.state)),
            (
                "Jumlah arsip",
                f"{len(batch.items)} diusulkan, {len(excluded)} dikeluarkan, "
                f"{len(batch.items) - len(excluded)} tetap diusulkan",
            ),
            ("Retensi terpanjang", f"{batch.total_years_max} tahun"),
            ("Persetujuan oleh", _label(ApprovalAuthority, batch.authority)),
        ]
    )
    if batch.proposal_note:
        head.items = [*head.items, ("Catatan usulan", batch.proposal_note)]
    sections: list[Any] = [
        head,
        _daftar(loaded, list(batch.items), "Daftar Arsip Usul Musnah", note),
        Paragraph("Pertimbangan Panitia Penilai Arsip", heading=True),
    ]
    if batch.considerations:
        sections.append(_considerations(rt, loaded))
    else:
        sections.append(Paragraph("Belum ada pertimbangan anggota Panitia Penilai Arsip."))
    if batch.panel_summary:
        concluded = _local_date(rt, batch.panel_concluded_at)
        verdict = "menyetujui usul musnah" if batch.state != BatchState.DITOLAK else "tidak menyetujui usul musnah"
        sections.append(
            Paragraph(
                f"Kesimpulan: Panitia Penilai Arsip {verdict}"
                f"{' pada ' + date_id(concluded) if concluded else ''}. {batch.panel_summary}"
            )
        )
    else:
        sections.append(Paragraph("Kesimpulan: Panitia Penilai Arsip belum menyimpulkan penilaian."))
    return Document(
        name="daftar-usul-musnah",
        title="DAFTAR ARSIP USUL MUSNAH",
        number=batch.no,
        subtitle=f"{rt.settings.institution_name} · {loaded.unit_name(batch.processing_unit)}",
        sections=sections,
        signatures=[
            Signature("Arsiparis", loaded.person(batch.proposed_by), label="Yang mengusulkan"),
            Signature("Ketua Panitia Penilai Arsip", loaded.person(batch.panel_concluded_by), label="Mengetahui"),
        ],
        place_date=_place_date(rt, None, proposed),
        landscape=True,
        filename=_filename("daftar-arsip-usul-musnah", batch),
    )


def _considerations(rt: Runtime, loaded: _Batch) -> Table:
    columns = (
        Column("no", "No", numeric=True, width="4%"),
        Column("member", "Anggota panitia", width="20%"),
        Column("opinion", "Pendapat", width="12%"),
        Column("text", "Pertimbangan", width="40%"),
        Column("kept", "Arsip yang dipertahankan", width="14%"),
        Column("date", "Tanggal", width="10%"),
    )
    rows = []
    for no, c in enumerate(loaded.batch.considerations, start=1):
        at = _local_date(rt, c.at)
        kept = ", ".join(loaded.record_no.get(rid, str(rid)) for rid in c.exclude_record_ids)
        rows.append(
            [no, c.member_name, _label(PanelOpinion, c.opinion), c.consideration, kept, date_id(at) if at else ""]
        )
    return Table(columns, rows, title="Pertimbangan Panitia Penilai Arsip", sheet="Pertimbangan panitia")


# ---- the berita acara ----------------------------------------------------------------------------------------------
def _parties(ba: dict[str, Any]) -> Table:
    columns = (
        Column("no", "No", numeric=True, width="5%"),
        Column("name", "Nama", width="35%"),
        Column("title", "Jabatan", width="35%"),
        Column("role", "Selaku", width="25%"),
    )
    people = [*ba.get("signatories", []), *({**w, "role": "saksi"} for w in ba.get("witnesses", []))]
    rows = [[no, p.get("name"), p.get("title"), p.get("role") or ""] for no, p in enumerate(people, start=1)]
    return Table(columns, rows, title="Yang bertanda tangan", sheet="Pihak")


def _approval_fields(batch: BatchView) -> Fields:
    approval = batch.approval or {}
    letter_date = _iso_date(approval.get("letter_date"))
    return Fields(
        [
            ("Nomor surat", approval.get("letter_no") or "-"),
            ("Tanggal surat", date_id(letter_date) if letter_date else "-"),
            ("Ditandatangani oleh", f"{approval.get('signer_name') or '-'}, {approval.get('signer_title') or '-'}"),
            ("Kewenangan", _label(ApprovalAuthority, approval.get("authority") or batch.authority)),
        ],
        title="Persetujuan",
    )


def _approval_sentence(batch: BatchView) -> str:
    approval = batch.approval or {}
    letter_date = _iso_date(approval.get("letter_date"))
    return (
        f"berdasarkan persetujuan {_label(ApprovalAuthority, approval.get('authority') or batch.authority)} "
        f"Nomor {approval.get('letter_no') or '-'} tanggal {date_id(letter_date) if letter_date else '-'}"
    )


def _signatures(ba: dict[str, Any], defaults: tuple[str, ...]) -> list[Signature]:
    out = []
    for i, person in enumerate(ba.get("signatories", [])):
        label = (person.get("role") or "").strip()
        label = label[:1].upper() + label[1:] if label else (defaults[i] if i < len(defaults) else None)
        out.append(Signature(person.get("title") or "", person.get("name"), label=label))
    out += [Signature(w.get("title") or "", w.get("name"), label="Saksi") for w in ba.get("witnesses", [])]
    return out


def _berita_acara(
    rt: Runtime,
    loaded: _Batch,
    name: str,
    body: list[Any],
    note_of: Any,
    defaults: tuple[str, ...],
    extra: list[Any] | None = None,
) -> Document:
    """A berita acara: its head, the opening, the parties, the body, the approval; the closing sentence kept with
    the signatures; then its *daftar arsip* as the lampiran, on a new page."""
    batch, rule = loaded.batch, loaded.rule
    ba = batch.berita_acara or {}
    day = _iso_date(ba.get("date")) or _local_date(rt, batch.executed_at)
    place = signing_place(rt.settings, ba.get("place"))
    number = batch.berita_acara_no or ba.get("no")
    opening = (
        f"Pada hari ini, {day_date_words(day) if day else '-'}, "
        + (f"bertempat di {place}, " if place else "")
        + "kami yang bertanda tangan di bawah ini:"
    )
    items = loaded.executed_items()
    head: list[tuple[str, Any]] = [
        ("Nomor berita acara", number or "-"),
        ("Nomor berkas", batch.no),
        ("Pencipta arsip", loaded.creators(items, ba.get("institution") or rt.settings.institution_name)),
        ("Unit pengolah", loaded.unit_name(batch.processing_unit)),
    ]
    if place:
        head.append(("Tempat", place))
    head.append(("Tanggal", date_id(day) if day else "-"))
    sections: list[Any] = [
        Fields(head),
        Paragraph(opening),
        _parties(ba),
        *body,
        _approval_fields(batch),
        *(extra or []),
    ]
    if ba.get("note"):
        sections.append(Paragraph(f"Catatan: {ba['note']}"))
    closing = (
        f"{rule.list_title_id} sebanyak {_count_words(len(items))} terlampir dan merupakan bagian yang tidak "
        "terpisahkan dari berita acara ini. Demikian berita acara ini dibuat dengan sebenarnya untuk dapat "
        "dipergunakan sebagaimana mestinya."
    )
    return Document(
        name=name,
        title=rule.ba_title_id.upper(),
        number=number,
        subtitle=f"{rule.label_id} · berkas {batch.no}",
        sections=sections,
        closing=closing,
        signatures=_signatures(ba, defaults),
        place_date=_place_date(rt, place, day),
        appendix=[_daftar(loaded, items, rule.list_title_id, note_of)],
        appendix_title=f"Lampiran {rule.ba_title_id}" + (f" Nomor {number}" if number else ""),
        landscape=True,
        filename=_filename(name, batch),
    )


@report(
    "berita-acara-pemusnahan",
    title_id="Berita Acara Pemusnahan Arsip",
    title_en="Minutes of the destruction of records",
    sop_steps="retensi",
    permission="report.retention",
    needs=("batch_id",),
)
def berita_acara_pemusnahan(rt: Runtime, actor: Actor, params: ReportParams) -> Document:
    """The minutes of an executed destruction with the *Daftar Arsip yang Dimusnahkan* (executed items only)."""
    loaded = _load(rt, actor, params, DispositionKind.PEMUSNAHAN, executed=True)
    batch, ba = loaded.batch, loaded.batch.berita_acara or {}
    items = loaded.executed_items()
    files = sum(len(item.row.get("files") or []) for item in items)
    witnesses = ba.get("witnesses") or []
    body = [
        Paragraph(
            f"telah melaksanakan pemusnahan arsip {ba.get('institution') or rt.settings.institution_name} sebanyak "
            f"{_count_words(len(items))} dengan {_count_words(files, 'berkas digital')}, dengan cara "
            f"{ba.get('method') or 'penghapusan digital'}, {_approval_sentence(batch)}, setelah dinilai oleh Panitia "
            f"Penilai Arsip, sebagaimana tercantum dalam Daftar Arsip yang Dimusnahkan terlampir."
            + (f" Pemusnahan disaksikan oleh {_count_words(len(witnesses), 'orang saksi')}." if witnesses else "")
        ),
        Paragraph(
            "Metadata dan berita acara arsip yang dimusnahkan disimpan secara permanen sebagai bukti pelaksanaan "
            "penyusutan (UU 43/2009 Pasal 51)."
        ),
    ]

    def note(item: BatchLine) -> str:
        outcome = item.outcome or {}
        if outcome.get("kept_shared_with_other_records"):
            return "berkas digital dipertahankan karena dipakai arsip lain yang tidak dimusnahkan"
        if outcome.get("bytes_deleted"):
            return "berkas digital dihapus"
        return "dimusnahkan"

    return _berita_acara(rt, loaded, "berita-acara-pemusnahan", body, note, ("Pelaksana", "Yang menyaksikan"))


@report(
    "berita-acara-pemindahan",
    title_id="Berita Acara Pemindahan Arsip",
    title_en="Minutes of the transfer of records to the records centre",
    sop_steps="retensi",
    permission="report.retention",
    needs=("batch_id",),
)
def berita_acara_pemindahan(rt: Runtime, actor: Actor, params: ReportParams) -> Document:
    """The minutes of an executed transfer from the unit pengolah to the unit kearsipan, with its daftar."""
    loaded = _load(rt, actor, params, DispositionKind.PEMINDAHAN, executed=True)
    batch, ba = loaded.batch, loaded.batch.berita_acara or {}
    location = ba.get("location") or rt.settings.records_centre_location
    items = loaded.executed_items()
    body = [
        Paragraph(
            f"telah melaksanakan pemindahan arsip inaktif dari unit pengolah {loaded.unit_name(batch.processing_unit)} "
            f"ke unit kearsipan ({location}) sebanyak {_count_words(len(items))}, {_approval_sentence(batch)}, "
            "sebagaimana tercantum dalam Daftar Arsip yang Dipindahkan terlampir. Sejak penandatanganan berita acara "
            "ini, pengelolaan arsip tersebut menjadi tanggung jawab unit kearsipan."
        ),
    ]
    return _berita_acara(
        rt,
        loaded,
        "berita-acara-pemindahan",
        body,
        lambda _item: f"lokasi: {location}",
        ("Yang menyerahkan", "Yang menerima"),
    )


@report(
    "berita-acara-penyerahan",
    title_id="Berita Acara Penyerahan Arsip Statis",
    title_en="Minutes of the transfer of permanent records",
    sop_steps="retensi",
    permission="report.retention",
    needs=("batch_id",),
)
def berita_acara_penyerahan(rt: Runtime, actor: Actor, params: ReportParams) -> Document:
    """The minutes of an executed handover of permanent records, the statement of authenticity and the package."""
    loaded = _load(rt, actor, params, DispositionKind.PENYERAHAN, executed=True)
    batch, ba = loaded.batch, loaded.batch.berita_acara or {}
    institution = ba.get("institution") or rt.settings.institution_name
    receiver = ba.get("receiver") or "lembaga kearsipan"
    items = loaded.executed_items()
    body = [
        Paragraph(
            f"telah melaksanakan penyerahan arsip statis dari {institution} kepada {receiver} sebanyak "
            f"{_count_words(len(items))}, {_approval_sentence(batch)}, setelah dinilai oleh Panitia Penilai Arsip, "
            "sebagaimana tercantum dalam Daftar Arsip yang Diserahkan terlampir, dalam bentuk paket arsip elektronik "
            "(BagIt) yang memuat berkas, metadata dan riwayat setiap arsip."
        ),
        Paragraph("Pernyataan", heading=True),
        Paragraph(
            f"Pihak yang menyerahkan menyatakan bahwa arsip statis yang diserahkan adalah autentik, terpercaya, utuh "
            f"dan dapat digunakan (autentisitas, reliabilitas, integritas dan kegunaan), tercipta dan dikelola oleh "
            f"{institution}, dan bahwa keutuhan paket dapat diperiksa dengan nilai SHA-256 di bawah ini."
        ),
    ]
    package = Fields(
        [
            ("Paket arsip", "BagIt (tar)"),
            ("SHA-256 paket", batch.package_sha256 or "-"),
            ("Ukuran paket", _filesize(batch.package_size)),
        ],
        title="Paket arsip elektronik",
    )
    return _berita_acara(
        rt,
        loaded,
        "berita-acara-penyerahan",
        body,
        lambda item: "diserahkan sebagai arsip statis",
        ("Yang menyerahkan", "Yang menerima"),
        extra=[package],
    )


__all__ = ["DAFTAR_COLUMNS", "day_date_words", "terbilang"]
