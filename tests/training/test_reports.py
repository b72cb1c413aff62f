"""Completion reports: per unit and module, who has not completed a mandatory module, CSV.

Admins and moderators see every unit; a unit's manager (a confirmed ASN marked unit_manager)
sees only their own unit.
"""
import csv
import io
from datetime import datetime, timezone

import pytest

from accounts.models import Unit, User
from core.audit import AuditEvent
from core.extensions import db
from core.permissions import ASN, CITIZEN, MODERATOR
from training import report_services
from training.models import QuizAttempt

from tests.conftest import _empty_all_tables, count_queries, flashes

LONG_AGO = datetime(2020, 1, 1, tzinfo=timezone.utc)


def rows_of(response):
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


@pytest.fixture
def office(unit, asn, make_user, make_unit, make_module, make_certificate):
    """Diskominfo: 4 ASN (one certified, one expired, one revoked, one never tried); Bappeda: 1 ASN."""
    ethics = make_module("kode-etik", title="Kode Etik ASN", mandatory_for_asn=True)
    values = make_module("berakhlak", title="BerAKHLAK", audience="semua")
    make_module("warga", title="Untuk Warga", audience="komunitas")
    make_module("draf", title="Draf", published=False, mandatory_for_asn=True)
    expired = make_user(ASN, unit=unit, full_name="Andi Kedaluwarsa", nip="199001012015011001")
    revoked = make_user(ASN, unit=unit, full_name="Citra Dicabut", nip="199101012015012002")
    never = make_user(ASN, unit=unit, full_name="=HYPERLINK(\"http://jahat\")", nip="199201012015011003")
    make_user(ASN, unit=unit, confirmed=False, full_name="Belum Dikonfirmasi")
    make_user(CITIZEN, full_name="Warga Biasa")
    other_unit = make_unit(name="Badan Perencanaan Pembangunan Daerah", short_name="Bappeda")
    outsider = make_user(ASN, unit=other_unit, full_name="Dewi Bappeda", nip="199301012015012004")
    make_certificate(asn, ethics)
    make_certificate(asn, values)
    make_certificate(expired, ethics, expires_at=LONG_AGO)
    make_certificate(revoked, ethics, revoked_at=LONG_AGO)
    make_certificate(outsider, ethics)
    for user, score, passed in ((asn, 90, True), (expired, 60, False), (expired, 85, True), (never, 40, False)):
        db.session.add(QuizAttempt(user_id=user.id, module_id=ethics.id, question_ids=[], option_order={},
                                   submitted_at=LONG_AGO, score=score, passed=passed))
    db.session.add(QuizAttempt(user_id=never.id, module_id=ethics.id, question_ids=[], option_order={}))  # open
    db.session.commit()
    return {"unit": unit, "other_unit": other_unit, "ethics": ethics, "values": values, "never": never,
            "expired": expired, "revoked": revoked, "outsider": outsider}


@pytest.fixture
def manager(asn):
    asn.unit_manager = True
    db.session.commit()
    return asn


def test_completion_counts_only_valid_certificates_of_confirmed_asn(office):
    modules = report_services.report_modules()
    assert [m.slug for m in modules] == ["kode-etik", "berakhlak"]  # published, for ASN; mandatory first
    rows = report_services.completion([office["unit"]], modules)
    ethics, values = rows
    assert (ethics["asn"], ethics["completed"], ethics["percent"]) == (4, 1, 25)
    assert (ethics["attempts"], ethics["average"], ethics["passes"]) == (4, 68.8, 2)
    assert (values["completed"], values["percent"], values["attempts"]) == (1, 25, 0)


def test_module_statistics_count_submitted_attempts(office):
    stats = {s["module"].slug: s for s in report_services.module_stats(report_services.report_modules())}
    assert stats["kode-etik"]["attempts"] == 4 and stats["kode-etik"]["people"] == 3
    assert stats["kode-etik"]["pass_rate"] == 50 and stats["kode-etik"]["certified"] == 2
    assert stats["berakhlak"]["attempts"] == 0 and stats["berakhlak"]["pass_rate"] is None


def test_admin_sees_every_unit(client, login, admin, office):
    page = login(admin).get("/pelatihan/laporan").get_data(as_text=True)
    assert "Dinas Komunikasi dan Informatika" in page and "Badan Perencanaan Pembangunan Daerah" in page
    assert "Kode Etik ASN" in page and "BerAKHLAK" in page
    assert "Untuk Warga" not in page.split("Per modul")[0]


def test_moderator_filters_by_unit(client, login, make_user, office):
    response = login(make_user(MODERATOR)).get(f"/pelatihan/laporan?unit_id={office['other_unit'].id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Dewi" not in page  # the table counts, it does not name
    assert "Badan Perencanaan Pembangunan Daerah (Bappeda)<br>" in page
    assert "Dinas Komunikasi dan Informatika (Diskominfo)<br>" not in page


def test_a_unit_manager_sees_only_their_own_unit(client, login, manager, office):
    client = login(manager)
    page = client.get("/pelatihan/laporan").get_data(as_text=True)
    assert "Dinas Komunikasi dan Informatika" in page and "Badan Perencanaan" not in page
    assert client.get(f"/pelatihan/laporan?unit_id={office['other_unit'].id}").status_code == 403
    assert client.get(f"/pelatihan/laporan.csv?unit_id={office['other_unit'].id}").status_code == 403
    assert client.get(f"/pelatihan/laporan/belum-selesai?unit_id={office['other_unit'].id}").status_code == 403
    names = [row[0] for row in rows_of(client.get("/pelatihan/laporan/belum-selesai.csv"))]
    assert "Dewi Bappeda" not in names and "Andi Kedaluwarsa" in names
    units = {row[0] for row in rows_of(client.get("/pelatihan/laporan.csv"))[1:]}
    assert units == {"Dinas Komunikasi dan Informatika"}


def test_an_asn_who_is_not_a_manager_sees_no_report(client, login, asn, office):
    assert login(asn).get("/pelatihan/laporan").status_code == 403
    assert login(asn).get("/pelatihan/laporan.csv").status_code == 403


def test_the_completion_csv_has_a_header_and_one_row_per_unit_and_module(client, login, admin, office):
    response = login(admin).get("/pelatihan/laporan.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "no-store"  # names and scores of people
    rows = rows_of(response)
    assert rows[0] == ["Unit", "Modul", "Wajib bagi ASN", "Jumlah ASN", "Selesai (sertifikat berlaku)",
                       "Persentase selesai", "Jumlah percobaan", "Rata-rata nilai", "Percobaan lulus"]
    assert ["Dinas Komunikasi dan Informatika", "Kode Etik ASN", "Ya", "4", "1", "25", "4", "68.8", "2"] in rows
    assert ["Badan Perencanaan Pembangunan Daerah", "Kode Etik ASN", "Ya", "1", "1", "100", "0", "", "0"] in rows
    assert len(rows) == 1 + 2 * 2


def test_the_incomplete_list_names_who_has_no_valid_certificate(client, login, admin, office):
    unit = office["unit"]
    response = login(admin).get(f"/pelatihan/laporan/belum-selesai?unit_id={unit.id}&module_id={office['ethics'].id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Andi Kedaluwarsa" in page and "Citra Dicabut" in page
    assert "Siti Rahmawati" not in page and "Belum Dikonfirmasi" not in page and "Dewi Bappeda" not in page


def test_the_incomplete_csv_defuses_formulas(client, login, admin, office):
    response = login(admin).get(f"/pelatihan/laporan/belum-selesai.csv?module_id={office['ethics'].id}")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-store"  # names, NIPs and e-mail addresses
    rows = rows_of(response)
    assert rows[0] == ["Nama", "NIP", "E-mail", "Unit", "Modul", "Jumlah percobaan", "Nilai terbaik"]
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) == {"Andi Kedaluwarsa", "Citra Dicabut", "'=HYPERLINK(\"http://jahat\")"}
    assert by_name["Andi Kedaluwarsa"][1:] == ["199001012015011001", office["expired"].email,
                                               "Dinas Komunikasi dan Informatika", "Kode Etik ASN", "2", "85"]
    assert by_name["Citra Dicabut"][5:] == ["0", ""]


def test_csv_cells_that_look_like_formulas_get_an_apostrophe():
    assert [report_services.csv_cell(v) for v in ("=1+1", "+62", "-5", "@SUM", "Budi", -5, None)] == \
        ["'=1+1", "'+62", "'-5", "'@SUM", "Budi", -5, ""]


def test_a_module_that_is_not_mandatory_has_no_incomplete_list(client, login, admin, office):
    response = login(admin).get(f"/pelatihan/laporan/belum-selesai?module_id={office['values'].id}")
    assert response.status_code == 400
    assert "tidak diwajibkan" in response.get_data(as_text=True)


def test_a_module_that_is_not_mandatory_has_no_incomplete_csv_either(client, login, admin, office):
    response = login(admin).get(f"/pelatihan/laporan/belum-selesai.csv?module_id={office['values'].id}")
    assert response.status_code == 400
    assert response.content_type == "text/plain; charset=utf-8"
    assert response.get_data(as_text=True) == "Modul ini tidak diwajibkan bagi ASN.\n"


def test_admin_makes_an_asn_a_unit_manager(client, login, admin, asn, citizen):
    client = login(admin)
    assert "Jadikan pengelola unit" in client.get(f"/admin/pengguna/{asn.id}").get_data(as_text=True)
    assert client.post(f"/pelatihan/kelola/pengelola/{asn.id}").status_code == 302
    db.session.refresh(asn)
    assert asn.unit_manager is True
    assert login(asn).get("/pelatihan/laporan").status_code == 200
    client = login(admin)
    client.post(f"/pelatihan/kelola/pengelola/{asn.id}", data={"value": "0"})
    db.session.refresh(asn)
    assert asn.unit_manager is False
    client.post(f"/pelatihan/kelola/pengelola/{citizen.id}")
    db.session.refresh(citizen)
    assert citizen.unit_manager is False
    actions = db.session.scalars(db.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["user.unit_manager_set", "user.unit_manager_unset"]


def test_appointing_is_said_and_a_refusal_is_flashed(client, login, admin, asn, citizen):
    client = login(admin)
    client.post(f"/pelatihan/kelola/pengelola/{asn.id}", data={"value": "1"})
    client.post(f"/pelatihan/kelola/pengelola/{asn.id}", data={"value": "0"})
    client.post(f"/pelatihan/kelola/pengelola/{citizen.id}", data={"value": "1"})
    assert flashes(client) == [
        ("success", f"{asn.full_name} sekarang pengelola unit (melihat laporan pelatihan unitnya)."),
        ("success", f"{asn.full_name} bukan lagi pengelola unit."),
        ("danger", "Hanya ASN yang punya unit kerja yang dapat menjadi pengelola unit.")]


def test_an_admin_cannot_make_themselves_a_unit_manager(client, login, admin):
    # user.manage: nobody changes their own account; the refusal is a 403 like any NotAllowed.
    assert login(admin).post(f"/pelatihan/kelola/pengelola/{admin.id}", data={"value": "1"}).status_code == 403


def test_only_admins_appoint_unit_managers(client, login, make_user, asn):
    assert login(make_user(MODERATOR)).post(f"/pelatihan/kelola/pengelola/{asn.id}").status_code == 403


# --- bounded queries ---------------------------------------------------------------------------------

def _populate(make_module, make_certificate, units, per_unit):
    """units × per_unit confirmed ASN, half certified, each with two attempts."""
    from werkzeug.security import generate_password_hash
    ethics = make_module("etika-massal", title="Etika", mandatory_for_asn=True)
    make_module("nilai-massal", title="Nilai", audience="semua")
    password = generate_password_hash("x", method="pbkdf2:sha256:1")
    people = []
    for u in range(units):
        unit = Unit(name=f"Unit {u:03d}", short_name=f"U{u}")
        db.session.add(unit)
        for p in range(per_unit):
            people.append(User(email=f"p{u}-{p}@example.com", full_name=f"Pegawai {u}-{p}", role=ASN, unit=unit,
                               password_hash=password, asn_confirmed_at=LONG_AGO))
    db.session.add_all(people)
    db.session.commit()
    for n, user in enumerate(people):
        for score in (50, 90):
            db.session.add(QuizAttempt(user_id=user.id, module_id=ethics.id, question_ids=[], option_order={},
                                       submitted_at=LONG_AGO, score=score, passed=score >= 80))
        if n % 2:
            make_certificate(user, ethics, code=f"MASSAL{n:05d}")
    db.session.commit()
    return ethics


def _count(client, url):
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(statements)


@pytest.mark.parametrize("path", ["/pelatihan/laporan", "/pelatihan/laporan/belum-selesai",
                                  "/pelatihan/laporan.csv", "/pelatihan/laporan/belum-selesai.csv"])
def test_report_pages_issue_a_bounded_number_of_queries(client, login, admin, make_module, make_certificate, path):
    _populate(make_module, make_certificate, units=2, per_unit=2)
    small = _count(login(admin), path)

    db.session.remove()
    _empty_all_tables()
    admin = User(email="admin2@example.com", full_name="Admin", role="admin", password_hash="x")
    db.session.add(admin)
    db.session.commit()
    _populate(make_module, make_certificate, units=30, per_unit=12)  # 360 people, 720 attempts, 2 pages of units
    large = _count(login(admin), path)

    assert large == small
    assert large <= 12
