"""The fields of a request for information as an HTML form sends them, in the service's terms (issue 18).

One reading for both doors: the public form (``/permohonan``, plus its challenge and honeypot) and the desk
registration (``/staf/permohonan/baru``, plus channel and time of receipt); the template side is
``templates/public/_request_fields.html``.
"""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict

APPLICANT_FIELDS = ("kind", "name", "nik", "organisation", "legal_basis", "address", "email", "phone")


def request_form_data(form: MultiDict[str, str]) -> dict[str, Any]:
    """Applicant, information, purpose and how to receive it; an empty optional field is left out."""
    applicant = {k: form.get(f"applicant.{k}", "").strip() for k in APPLICANT_FIELDS}
    return {
        "applicant": {k: v for k, v in applicant.items() if v},
        "information": form.get("information", "").strip(),
        "purpose": form.get("purpose", "").strip(),
        "receipt_forms": form.getlist("receipt_forms"),
        "delivery_methods": form.getlist("delivery_methods"),
    }
