"""Requests for information and objections under UU 14/2008 (issue 18): the vocabulary and the input schemas.

Every value here crosses a boundary: the public form and ``POST /api/v1/public/requests``, the staff desk, the
handler's actions and the Atasan PPID's decisions. Messages are "Indonesian / English" like every Arsip schema.
The applicant's personal data (``ApplicantSchema``) is a schema of its own because it is stored apart and shown
only to the handlers of the request (docs/requests.md "Privacy").
"""

from __future__ import annotations

from enum import StrEnum

from marshmallow import ValidationError, validates_schema

from schemas.base import BaseSchema, Boolean, Date, DateTime, Enum, Integer, List, Nested, String, bilingual
from schemas.validators import Email, Length, Range, unique_items

MAX_TEXT = 5_000  # the information requested, the purpose, reasons: a letter, not a book


class RequestChannel(StrEnum):
    """How the request reached the office."""

    PORTAL = "portal"
    LOKET = "loket"  # at the desk
    SURAT = "surat"  # by letter
    EMAIL = "email"


class ApplicantKind(StrEnum):
    PERORANGAN = "perorangan"  # an individual (NIK)
    BADAN_HUKUM = "badan_hukum"  # a legal entity (organisation and its legal basis)
    KELOMPOK = "kelompok"  # a group of people (named representative)


class ReceiptForm(StrEnum):
    """How the applicant wants to receive the information (PerKI 1/2021 form: *cara memperoleh informasi*)."""

    MELIHAT = "melihat"  # view / read on site
    SOFTCOPY = "softcopy"
    HARDCOPY = "hardcopy"


class DeliveryMethod(StrEnum):
    """How it is handed over (*cara mendapatkan salinan*)."""

    AMBIL = "ambil"  # collect in person
    EMAIL = "email"
    POS = "pos"  # post / courier


class RequestState(StrEnum):
    DITERIMA = "diterima"  # registered, the 10 working days run
    DIPROSES = "diproses"  # taken up by a handler
    DIPERPANJANG = "diperpanjang"  # extended once by 7 working days, with written reasons
    DIKABULKAN = "dikabulkan"
    DIKABULKAN_SEBAGIAN = "dikabulkan_sebagian"
    DITOLAK_PASAL17 = "ditolak_pasal17"
    TIDAK_DIKUASAI = "tidak_dikuasai"
    BELUM_DIDOKUMENTASIKAN = "belum_didokumentasikan"


ANSWERED_STATES = frozenset(
    {
        RequestState.DIKABULKAN,
        RequestState.DIKABULKAN_SEBAGIAN,
        RequestState.DITOLAK_PASAL17,
        RequestState.TIDAK_DIKUASAI,
        RequestState.BELUM_DIDOKUMENTASIKAN,
    }
)
OPEN_STATES = frozenset(RequestState) - ANSWERED_STATES
GRANTED_STATES = frozenset({RequestState.DIKABULKAN, RequestState.DIKABULKAN_SEBAGIAN})


class ObjectionGround(StrEnum):
    """UU 14/2008 Pasal 35(1) a-g."""

    PENOLAKAN_PASAL17 = "penolakan_pasal17"  # a: refused under Pasal 17
    BERKALA_TIDAK_DISEDIAKAN = "berkala_tidak_disediakan"  # b: periodic information (Pasal 9) not provided
    TIDAK_DITANGGAPI = "tidak_ditanggapi"  # c: the request was not answered
    TIDAK_SESUAI_PERMINTAAN = "tidak_sesuai_permintaan"  # d: answered other than requested
    TIDAK_DIPENUHI = "tidak_dipenuhi"  # e: the request was not fulfilled
    BIAYA_TIDAK_WAJAR = "biaya_tidak_wajar"  # f: unreasonable fees
    TERLAMBAT = "terlambat"  # g: later than the law allows


class ObjectionState(StrEnum):
    DIAJUKAN = "diajukan"  # filed, the Atasan PPID's 30 working days run
    DIKABULKAN = "dikabulkan"  # upheld
    DITOLAK = "ditolak"  # rejected


class DisputeOutcome(StrEnum):
    """The Komisi Informasi's outcome of a dispute (UU 14/2008 Pasal 38-46)."""

    BERJALAN = "berjalan"  # pending
    MEDIASI_BERHASIL = "mediasi_berhasil"
    PUTUSAN_DIKABULKAN = "putusan_dikabulkan"  # the applicant won (in whole or part)
    PUTUSAN_DITOLAK = "putusan_ditolak"
    DICABUT = "dicabut"  # withdrawn
    TIDAK_DITERIMA = "tidak_diterima"  # inadmissible


def _enum_list(enum: type[StrEnum], *, required: bool = True, min_items: int = 1) -> List:
    return List(Enum(enum), required=required, validate=[Length(min=min_items, max=len(enum)), unique_items])


class ApplicantSchema(BaseSchema):
    """The applicant (*pemohon*): personal data, kept apart and shown only to the request's handlers."""

    kind = Enum(ApplicantKind, load_default=ApplicantKind.PERORANGAN)
    name = String(required=True, validate=Length(min=1, max=255))
    nik = String(allow_none=True, validate=Length(min=16, max=16))
    organisation = String(allow_none=True, validate=Length(max=255))
    legal_basis = String(allow_none=True, validate=Length(max=500))  # akta / SK Kemenkumham of a badan hukum
    address = String(required=True, validate=Length(min=1, max=1000))
    email = String(allow_none=True, validate=[Length(max=255), Email()])
    phone = String(allow_none=True, validate=Length(max=32))

    @validates_schema
    def _identity(self, data: dict, **_kwargs: object) -> None:
        errors: dict[str, list[str]] = {}
        kind = data.get("kind", ApplicantKind.PERORANGAN)
        nik = data.get("nik")
        if kind == ApplicantKind.BADAN_HUKUM:
            for name in ("organisation", "legal_basis"):
                if not data.get(name):
                    errors[name] = [bilingual("Wajib untuk badan hukum.", "Required for a legal entity.")]
        elif not nik:
            errors["nik"] = [bilingual("NIK wajib diisi.", "The NIK (national identity number) is required.")]
        if nik and not nik.isdigit():
            errors["nik"] = [bilingual("NIK terdiri atas 16 angka.", "The NIK is 16 digits.")]
        if not data.get("email") and not data.get("phone"):
            errors["email"] = [bilingual("Isi e-mail atau telepon.", "Give an e-mail address or a phone number.")]
        if errors:
            raise ValidationError(errors)


class RequestCreateSchema(BaseSchema):
    """A request for information, from the portal or registered at the desk."""

    applicant = Nested(ApplicantSchema, required=True)
    information = String(required=True, validate=Length(min=5, max=MAX_TEXT))
    purpose = String(required=True, validate=Length(min=3, max=MAX_TEXT))
    receipt_forms = _enum_list(ReceiptForm)
    delivery_methods = _enum_list(DeliveryMethod)
    # desk registration only: how it arrived and when (a letter received yesterday runs from yesterday)
    channel = Enum(RequestChannel, load_default=RequestChannel.PORTAL)
    received_at = DateTime(allow_none=True)


class PublicRequestFormSchema(RequestCreateSchema):
    """``POST /api/v1/public/requests``: the request plus the anti-abuse fields of the form."""

    challenge_token = String(required=True, validate=Length(min=1, max=500))
    challenge_answer = String(required=True, validate=Length(min=1, max=20))
    website = String(allow_none=True, validate=Length(max=500))  # honeypot: people leave it empty


class TrackQuerySchema(BaseSchema):
    secret = String(required=True, validate=Length(min=1, max=200))


class ExtendSchema(BaseSchema):
    reasons = String(required=True, validate=Length(min=10, max=MAX_TEXT))


class LinkSchema(BaseSchema):
    record_id = Integer(required=True, validate=Range(min=1))
    note = String(allow_none=True, validate=Length(max=MAX_TEXT))
    # part of the record is exempted: only the redacted copy (uploaded with the link) may be delivered
    partly_exempted = Boolean(load_default=False)


class DecideSchema(BaseSchema):
    """The PPID's written answer (*Surat Pemberitahuan Tertulis*, PerKI 1/2021)."""

    decision = Enum(RequestState, required=True)
    reasons = String(required=True, validate=Length(min=3, max=MAX_TEXT))
    exemption_record_id = Integer(allow_none=True, validate=Range(min=1))  # the cited determination's record
    not_held_holder = String(allow_none=True, validate=Length(max=1000))  # who may hold it (tidak dikuasai)
    cost_amount = Integer(allow_none=True, validate=Range(min=0, max=10**12))  # rupiah, hardcopy
    cost_note = String(allow_none=True, validate=Length(max=1000))
    # The PPID confirms the request's text and these reasons hold no personal data: the public register shows them.
    public_text = Boolean(load_default=False)


class DeliveryLinkSchema(BaseSchema):
    days = Integer(load_default=7, validate=Range(min=1, max=30))


class DeliveryRevokeSchema(BaseSchema):
    """Revoke one delivery link (its ``token``) or, without one, every link of the request still in force."""

    token = String(load_default=None, validate=Length(min=1, max=200))
    reason = String(required=True, validate=Length(min=1, max=2000))


class DeliveryRevokedSchema(BaseSchema):
    number = String()
    revoked = Integer()


class ObjectionCreateSchema(BaseSchema):
    """A *keberatan*: the Pasal 35 grounds and the reasons, filed with the tracking secret (or at the desk)."""

    secret = String(allow_none=True, validate=Length(max=200))
    grounds = _enum_list(ObjectionGround)
    reasons = String(required=True, validate=Length(min=10, max=MAX_TEXT))
    channel = Enum(RequestChannel, load_default=RequestChannel.PORTAL)


class ObjectionDecideSchema(BaseSchema):
    decision = Enum(ObjectionState, required=True)
    reasons = String(required=True, validate=Length(min=10, max=MAX_TEXT))


class DisputeSchema(BaseSchema):
    """A dispute the applicant filed with the Komisi Informasi (UU 14/2008 Pasal 37-38)."""

    filed_on = Date(required=True)
    registry_no = String(required=True, validate=Length(min=1, max=128))
    commission = String(load_default="Komisi Informasi Provinsi", validate=Length(max=255))
    mediation_on = Date(allow_none=True)
    hearing_on = Date(allow_none=True)
    outcome = Enum(DisputeOutcome, load_default=DisputeOutcome.BERJALAN)
    outcome_on = Date(allow_none=True)
    note = String(allow_none=True, validate=Length(max=MAX_TEXT))


# ---- dump schemas (what the API answers) ---------------------------------------------------------------------------
class ApplicantOutSchema(ApplicantSchema):
    identity_filename = String()
    identity_mime = String()


class CardLineSchema(BaseSchema):
    at = DateTime()
    subject = String()
    action = String()
    from_state = String(allow_none=True)
    to_state = String(allow_none=True)
    actor_name = String()
    actor_role = String()
    due_at = DateTime(allow_none=True)
    late = Boolean()
    note = String(allow_none=True)


class LinkOutSchema(BaseSchema):
    id = Integer()
    record_id = Integer(allow_none=True)  # null: a record the reader may not read
    record_no = String()
    title = String()
    note = String(allow_none=True)
    partly_exempted = Boolean()
    redacted_filename = String(allow_none=True)
    not_in_dip = Boolean()
    linked_by = String()
    linked_at = DateTime()


class RequestOutSchema(BaseSchema):
    id = Integer()
    number = String()
    version = Integer()
    channel = String()
    state = String()
    information = String()
    purpose = String()
    receipt_forms = List(String())
    delivery_methods = List(String())
    received_at = DateTime()
    due_at = DateTime()
    extended_at = DateTime(allow_none=True)
    extension_reasons = String(allow_none=True)
    answered_at = DateTime(allow_none=True)
    decision_reasons = String(allow_none=True)
    decided_by = String(allow_none=True)
    exemption_record_id = Integer(allow_none=True)
    exemption_test_id = Integer(allow_none=True)
    not_held_holder = String(allow_none=True)
    cost_amount = Integer(allow_none=True)
    cost_note = String(allow_none=True)
    public_text = Boolean()  # the text and reasons may be shown in the public register (confirmed by the PPID)
    overdue = Boolean()
    applicant = Nested(ApplicantOutSchema, allow_none=True)
    links = List(Nested(LinkOutSchema))
    card = List(Nested(CardLineSchema))


class RegisteredSchema(BaseSchema):
    """The answer to a new request: the number and, once only, the tracking secret and link."""

    number = String()
    state = String()
    received_at = DateTime()
    due_at = DateTime()
    secret = String()
    tracking_url = String()


class PublicObjectionSchema(BaseSchema):
    """An objection as the applicant sees it on the tracking page."""

    number = String()
    request_number = String()
    grounds = List(String())
    reasons = String()
    channel = String()
    state = String()
    filed_at = DateTime()
    due_at = DateTime()
    decided_at = DateTime(allow_none=True)
    decided_by = String(allow_none=True)
    decision_reasons = String(allow_none=True)
    overdue = Boolean()


class ObjectionOutSchema(PublicObjectionSchema):
    id = Integer()
    version = Integer()
    disputes = List(Nested(lambda: DisputeOutSchema()))


class DisputeOutSchema(DisputeSchema):
    id = Integer()
    recorded_by = String()


class TrackingSchema(BaseSchema):
    """What the applicant sees with the number and the secret: status and every letter, nothing of others."""

    number = String()
    state = String()
    received_at = DateTime()
    due_at = DateTime()
    extended_at = DateTime(allow_none=True)
    extension_reasons = String(allow_none=True)
    answered_at = DateTime(allow_none=True)
    decision_reasons = String(allow_none=True)
    not_held_holder = String(allow_none=True)
    cost_amount = Integer(allow_none=True)
    cost_note = String(allow_none=True)
    letters = List(String())
    objections = List(Nested(PublicObjectionSchema))
    objection_grounds_open = List(String())


class ChallengeSchema(BaseSchema):
    question = String()
    question_en = String()
    token = String()
    expires_at = DateTime()


class DeliveryOutSchema(BaseSchema):
    token = String()
    url = String()
    expires_at = DateTime()
    files = List(String())


class RequestWorkItemSchema(BaseSchema):
    kind = String()
    number = String()
    state = String()
    received_at = DateTime()
    due_at = DateTime()
    overdue = Boolean()
    due_soon = Boolean()
    summary = String()


class DeliveredFileSchema(BaseSchema):
    key = String()
    filename = String()
    mime = String()


class DeliveryListingSchema(BaseSchema):
    """What a delivery link reaches: the granted files of one request (download each at ``…/<token>/<key>``)."""

    number = String()
    files = List(Nested(DeliveredFileSchema))


class DipFollowupSchema(BaseSchema):
    """SOP step 14 from requests: information given on request that the latest DIP does not list yet."""

    record_id = Integer()
    record_no = String()
    title = String()
    state = String()
    requests = List(String())
