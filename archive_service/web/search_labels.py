"""The labels of the search page's sort choices and facets, shared by the public portal and the staff search, so
the two faces name the same facet the same way (and the catalogue translates each once)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

SORT_LABELS = {"relevance": _l("Relevansi"), "date_desc": _l("Terbaru"), "date_asc": _l("Terlama")}
FACET_LABELS = {
    "kip_category": _l("Kategori informasi"),
    "year": _l("Tahun"),
    "unit": _l("Unit kerja"),
    "class_top": _l("Klasifikasi"),
    "file_type": _l("Jenis berkas"),
}
