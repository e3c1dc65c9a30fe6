"""The DIP: derived from determined open records, fixed in versions by the PPID, compared between versions."""

from __future__ import annotations

from archive_service.services import workflow
from archive_service.services.audit import verify_chain

from .conftest import payload_for


def _determine(rt, accounts, record, category: str):  # type: ignore[no-untyped-def]
    return workflow.apply_transition(
        rt, accounts["ppid"].actor, record.id, record.version, {"action": "tetapkan_terbuka", "kip_category": category}
    )


def test_dip_versions_and_comparison(make_record, client, accounts, rt) -> None:
    ppid = accounts["ppid"].headers
    a = _determine(rt, accounts, make_record("dilaporkan", title="Profil Dinas"), "berkala")
    b = _determine(rt, accounts, make_record("dilaporkan", title="Peringatan Dini Banjir"), "serta_merta")
    exempt = make_record("dilaporkan", title="Data Pribadi Pegawai")
    workflow.apply_transition(rt, accounts["ppid"].actor, exempt.id, exempt.version, payload_for("kecualikan", exempt))
    make_record("diterima", title="Belum Ditetapkan")

    current = client.get("/api/v1/dip", headers=accounts["atasan_ppid"].headers).json
    assert [(r["dip_no"], r["category"], r["title"]) for r in current] == [
        ("1.1", "berkala", "Profil Dinas"),
        ("2.1", "serta_merta", "Peringatan Dini Banjir"),
    ]
    assert current[0]["controlling_unit"] == "Bidang IKP Diskominfo"
    assert current[0]["available_forms"] == ["softcopy", "hardcopy"] and current[0]["created_time"] == "2025-06-30"

    refused = client.post(
        "/api/v1/dip/versions",
        json={"decree_no": "X", "decree_date": "2026-01-05"},
        headers=accounts["sekretariat"].headers,
    )
    assert refused.status_code == 403
    v1 = client.post(
        "/api/v1/dip/versions", json={"decree_no": "SK-PPID/01/2026", "decree_date": "2026-01-05"}, headers=ppid
    )
    assert v1.status_code == 201 and v1.json["version_no"] == 1 and len(v1.json["rows"]) == 2

    # step 14: open but unlisted information is added; one listed record changes its summary; one is withdrawn
    added = make_record("dihimpun", title="Standar Layanan Informasi")
    workflow.apply_transition(
        rt,
        accounts["ppid"].actor,
        added.id,
        added.version,
        {"action": "tambahkan_ke_dip", "kip_category": "setiap_saat"},
    )
    from archive_service.services import records

    # a change of determined information is a revision: reviewed again (steps 5-8) before the DIP lists it
    a = records.update_record(rt, accounts["pendukung"].actor, a.id, a.version, {"dip_summary": "Profil diperbarui"})
    assert a.publication_state == "didokumentasikan"
    assert "Profil Dinas" not in [r["title"] for r in client.get("/api/v1/dip", headers=ppid).json]
    for action, who in (("terima", "sekretariat"), ("verifikasi", "sekretariat"), ("laporkan", "sekretariat")):
        a = workflow.apply_transition(rt, accounts[who].actor, a.id, a.version, {"action": action})
    a = _determine(rt, accounts, a, "berkala")
    workflow.apply_transition(
        rt, accounts["ppid"].actor, b.id, b.version, {"action": "tarik", "reason": "Bencana sudah berlalu"}
    )
    v2 = client.post(
        "/api/v1/dip/versions", json={"decree_no": "SK-PPID/02/2026", "decree_date": "2026-07-01"}, headers=ppid
    ).json
    assert v2["version_no"] == 2
    diff = client.get("/api/v1/dip/compare?from=1&to=2", headers=ppid).json
    assert [r["title"] for r in diff["added"]] == ["Standar Layanan Informasi"]
    assert [r["title"] for r in diff["removed"]] == ["Peringatan Dini Banjir"]
    assert diff["changed"] == [
        {
            "record_id": a.id,
            "title": "Profil Dinas",
            "changes": {
                "summary": {"before": "Ringkasan laporan layanan informasi publik", "after": "Profil diperbarui"}
            },
        }
    ]
    old = client.get("/api/v1/dip/versions/1", headers=ppid).json
    assert [r["title"] for r in old["rows"]] == ["Profil Dinas", "Peringatan Dini Banjir"]  # unchanged for ever
    listed = client.get("/api/v1/dip/versions", headers=ppid).json
    assert [v["version_no"] for v in listed] == [2, 1] and "rows" not in listed[0]
    assert client.get("/api/v1/dip/versions/9", headers=ppid).status_code == 404
    with rt.db.read() as session:
        assert verify_chain(session).ok
