"""The public list of each unit's complaints (issue 14): only verified, non-rahasia complaints no
moderator kept off it; never a reporter's identity; filters; overdue in working days; the
moderators' control with a reason; a bounded number of queries."""
import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from complaints import public_list, services
from complaints.models import Complaint, ComplaintEvent
from complaints.public_list_services import hide_from_public_list, show_on_public_list
from core import clock
from core.audit import AuditEvent
from core.errors import DomainError, NotAllowed
from core.extensions import db
from core.permissions import ASN, CITIZEN
from tests.complaints.conftest import MONDAY, WIB
from tests.conftest import count_queries

# MONDAY is 2 November 2026 10.00 WIB; five working days later the deadline is Monday 9 November 23.59.59 WIB.
DEADLINE_DAY_END = datetime(2026, 11, 9, 23, 59, 59, tzinfo=WIB)
DAY_AFTER = datetime(2026, 11, 10, 0, 0, 0, tzinfo=WIB)
LIST, API = "/pengaduan/publik", "/api/v1/complaints/public"


@pytest.fixture
def fixed_now(monkeypatch):
    """The pages read clock.now(); pin it (a Wednesday: a complaint filed on MONDAY is not yet due)."""
    def pin(moment):
        monkeypatch.setattr(clock, "now", lambda: moment.astimezone(WIB))
    pin(datetime(2026, 11, 4, 12, 0, tzinfo=WIB))
    return pin


@pytest.fixture
def listed(file_complaint, moderator, unit, in_request):
    """File a complaint and verify it to `unit` (or another): on the public list unless rahasia."""
    def make(verify=True, to=None, now=MONDAY, **fields):
        complaint, _key = file_complaint(now=now, **fields)
        if verify:
            services.verify(moderator, complaint, unit_id=(to or unit).id, now=now + timedelta(hours=1))
        return complaint
    return make


def public_list_codes(text):
    return re.findall(r"ADU-\d{4}-[A-Z2-7]{12}", text)


def api_codes(client, **params):
    response = client.get(API, query_string=params)
    assert response.status_code == 200, response.json
    return [item["tracking_code"] for item in response.json["items"]]


# --- what is listed -------------------------------------------------------------------------------

def test_only_verified_non_rahasia_complaints_no_moderator_hid_are_listed(client, listed, moderator, fixed_now):
    shown = listed(title="Lampu jalan mati di Jl. Sudirman")
    unverified = listed(verify=False, title="Belum diverifikasi moderator")
    rahasia = listed(confidential=True, title="Pungutan di loket rahasia")
    made_rahasia = listed(verify=False, title="Dijadikan rahasia saat verifikasi")
    services.verify(moderator, made_rahasia, unit_id=shown.unit_id, confidential=True)
    rejected_new = listed(verify=False, title="Ditolak sebelum verifikasi")
    services.reject(moderator, rejected_new, kind="invalid", reason="Tidak jelas")
    rejected_after = listed(title="Ditolak sesudah verifikasi")
    services.reject(moderator, rejected_after, kind="duplicate", reason="Sama", duplicate_code=shown.tracking_code)
    hidden = listed(title="Menyebut nama tetangga")
    hide_from_public_list(moderator, hidden, reason="Uraian menyebut nama orang")

    page = client.get(LIST).get_data(as_text=True)
    assert set(public_list_codes(page)) == {shown.tracking_code}
    assert "Lampu jalan mati" in page
    for absent in ("Belum diverifikasi", "Pungutan di loket", "Dijadikan rahasia", "Ditolak", "Menyebut nama"):
        assert absent not in page
    assert api_codes(client) == [shown.tracking_code]
    unit_page = client.get(f"/pengaduan/publik/unit/{shown.unit_id}").get_data(as_text=True)
    assert set(public_list_codes(unit_page)) == {shown.tracking_code}
    # The Python rule and the SQL rule agree on every one of them.
    everyone = db.session.scalars(select(Complaint)).all()
    in_sql = set(db.session.scalars(select(Complaint.id).where(public_list.listed())))
    assert {c.id for c in everyone if public_list.is_listed(c)} == in_sql == {shown.id}


def test_a_rahasia_complaint_is_not_listed_even_for_staff_nor_through_a_unit_filter(client, login, listed, moderator,
                                                                                    fixed_now):
    rahasia = listed(confidential=True, title="Petugas meminta uang tambahan")
    login(moderator)
    for url in (LIST, f"{LIST}?unit={rahasia.unit_id}", f"/pengaduan/publik/unit/{rahasia.unit_id}",
                f"{LIST}?category=infrastruktur"):
        page = client.get(url).get_data(as_text=True)
        assert rahasia.tracking_code not in page and "meminta uang" not in page, url
    assert api_codes(client, unit=rahasia.unit_id) == []


def test_no_reporter_identity_shows_anonim_or_not(client, login, listed, make_user, fixed_now):
    anonim = listed(anonymous=True, reporter_name="Rudi Hartono", reporter_email="rudi@example.com",
                    reporter_phone="081234567890")
    named = listed(reporter_name="Siti Aminah", reporter_email="siti@example.com", reporter_phone="089876543210")
    with_account = listed(reporter=make_user(CITIZEN, full_name="Bambang Wijaya", email="bambang@example.com"),
                          reporter_name=None, reporter_email=None, anonymous=True)
    page = client.get(LIST).get_data(as_text=True)
    document = client.get(API).get_data(as_text=True)
    assert {anonim.tracking_code, named.tracking_code, with_account.tracking_code} <= set(public_list_codes(page))
    for secret in ("Rudi Hartono", "rudi@example.com", "081234567890", "Siti Aminah", "siti@example.com",
                   "089876543210", "Bambang Wijaya", "bambang@example.com"):
        assert secret not in page and secret not in document, secret
    assert not {"reporter", "reporter_name", "anonymous", "email"} & set(client.get(API).json["items"][0])


def test_the_page_says_what_is_listed_and_that_identities_never_are(client, fixed_now):
    page = client.get(LIST).get_data(as_text=True)
    assert "Pengaduan rahasia tidak pernah dimuat di sini" in page
    assert "tetap dihitung dalam angka rapor unit" in page
    assert "Identitas pelapor (nama, e-mail, telepon, akun) tidak pernah ditampilkan" in page
    assert "yang belum diverifikasi, yang ditolak" in page


def test_a_row_reads_as_the_public_view_with_a_link_to_the_tracking_page(client, listed, moderator, fixed_now):
    complaint = listed(description="Lubang besar " + "sangat dalam " * 40, location="Jl. Merdeka 12")
    services.forward(complaint, actor=moderator, reason="Berulang", now=MONDAY + timedelta(hours=2))
    page = client.get(LIST).get_data(as_text=True)
    assert f'href="/pengaduan/lacak/{complaint.tracking_code}"' in page
    assert "Jalan, drainase, dan infrastruktur" in page and "Diverifikasi" in page
    assert "Diteruskan 2 November 2026" in page
    item = client.get(API).json["items"][0]
    assert len(item["summary"]) <= public_list.SUMMARY_LENGTH and item["summary"].endswith("…")
    assert item["forwarded"] is True and item["status_label"] == "Diverifikasi"
    assert item["tracking_url"].endswith(f"/pengaduan/lacak/{complaint.tracking_code}")
    assert item["unit"]["id"] == complaint.unit_id


def test_a_unit_page_lists_only_that_unit_and_an_unknown_unit_is_404(client, listed, make_unit, fixed_now):
    other_unit = make_unit(name="Dinas Pekerjaan Umum", short_name="PUPR")
    here, there = listed(), listed(to=other_unit)
    assert set(public_list_codes(client.get(f"/pengaduan/publik/unit/{other_unit.id}").get_data(as_text=True))) == {
        there.tracking_code}
    assert set(public_list_codes(client.get(f"{LIST}?unit={here.unit_id}").get_data(as_text=True))) == {
        here.tracking_code}
    assert api_codes(client, unit=other_unit.id) == [there.tracking_code]
    assert client.get("/pengaduan/publik/unit/99999").status_code == 404


def test_the_scorecard_links_to_a_unit_list_by_its_endpoint(app, unit):
    with app.test_request_context():
        assert public_list.unit_list_url(unit.id) == f"/pengaduan/publik/unit/{unit.id}"
    assert public_list.UNIT_LIST_ENDPOINT == "complaints.public_unit_list"


# --- filters --------------------------------------------------------------------------------------

def test_each_filter_narrows_the_list(client, listed, handler, moderator, fixed_now):
    road = listed(title="Jalan berlubang dekat pasar")
    aspiration = listed(classification="aspirasi", category="lingkungan", title="Usul taman kota di kelurahan")
    started = listed(category="kesehatan", title="Antrean puskesmas terlalu lama")
    services.start_progress(handler, started)
    late = listed(now=MONDAY - timedelta(days=14), title="Sampah menumpuk dua pekan")

    assert api_codes(client, status="in_progress") == [started.tracking_code]
    assert api_codes(client, category="lingkungan") == [aspiration.tracking_code]
    assert api_codes(client, classification="aspirasi") == [aspiration.tracking_code]
    assert api_codes(client, overdue="1") == [late.tracking_code]
    assert set(api_codes(client, overdue="0")) == {road.tracking_code, aspiration.tracking_code, started.tracking_code}
    assert api_codes(client, sort="deadline")[0] == late.tracking_code
    assert api_codes(client)[-1] == late.tracking_code  # newest received first
    assert api_codes(client, category="kesehatan", status="verified") == []
    page = client.get(f"{LIST}?overdue=1").get_data(as_text=True)
    assert set(public_list_codes(page)) == {late.tracking_code}


@pytest.mark.parametrize("name,value", [("status", "received"), ("status", "rejected"), ("category", "spam"),
                                        ("classification", "x"), ("overdue", "yes"), ("sort", "oldest"),
                                        ("unit", "abc"), ("unit", "99999999999999999999")])
def test_a_bad_filter_is_a_400_with_a_message_next_to_its_field(client, unit, fixed_now, name, value):
    response = client.get(LIST, query_string={name: value})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f'id="{name}-error"' in page and "Bukan pilihan yang tersedia." in page
    answer = client.get(API, query_string={name: value})
    assert answer.status_code == 400 and answer.json == {"errors": {name: ["Bukan pilihan yang tersedia."]}}


def test_the_api_refuses_a_bad_page_number_by_name_and_a_page_past_the_end_is_404(client, fixed_now):
    assert client.get(API, query_string={"page": "dua"}).json == {
        "errors": {"page": ["Nomor halaman harus bilangan bulat mulai 1."]}}
    assert client.get(API, query_string={"page": "3"}).status_code == 404
    assert client.get(API, query_string={"page": "9" * 50}).status_code == 404
    assert client.get(LIST, query_string={"page": "dua"}).status_code == 400


# --- overdue in working days ----------------------------------------------------------------------

def _row(complaint, now):
    return public_list.rows([complaint], now=now)[0]


def test_overdue_starts_the_moment_after_the_deadline_and_counts_working_days(listed):
    complaint = listed()
    assert complaint.due_at == DEADLINE_DAY_END
    on_time = _row(complaint, DEADLINE_DAY_END)
    assert (on_time.overdue, on_time.overdue_working_days) == (False, None)
    late = _row(complaint, DAY_AFTER)
    assert (late.overdue, late.overdue_working_days) == (True, 1)
    assert _row(complaint, datetime(2026, 11, 13, 17, 0, tzinfo=WIB)).overdue_working_days == 4  # Tue..Fri
    assert _row(complaint, datetime(2026, 11, 15, 17, 0, tzinfo=WIB)).overdue_working_days == 4  # the weekend adds none
    assert _row(complaint, datetime(2026, 11, 16, 8, 0, tzinfo=WIB)).overdue_working_days == 5
    # The filter agrees with the badge at the boundary.
    for now, expected in ((DEADLINE_DAY_END, []), (DAY_AFTER, [complaint.id])):
        query = public_list.list_query(now=now.astimezone(WIB), overdue=True)
        assert [c.id for c in db.session.scalars(query)] == expected


def test_a_weekend_right_after_a_friday_deadline_is_overdue_by_zero_working_days(listed):
    friday = datetime(2026, 11, 6, 9, 0, tzinfo=WIB)
    complaint = listed(now=friday)
    assert complaint.due_at == datetime(2026, 11, 13, 23, 59, 59, tzinfo=WIB)
    saturday = _row(complaint, datetime(2026, 11, 14, 10, 0, tzinfo=WIB))
    assert (saturday.overdue, saturday.overdue_working_days) == (True, 0)
    assert _row(complaint, datetime(2026, 11, 16, 10, 0, tzinfo=WIB)).overdue_working_days == 1


def test_the_page_shows_the_overdue_badge_with_its_working_days(client, listed, fixed_now):
    listed()
    fixed_now(datetime(2026, 11, 12, 9, 0, tzinfo=WIB))  # Thursday: Tuesday, Wednesday, Thursday
    page = client.get(LIST).get_data(as_text=True)
    assert "Lewat tenggat 3 hari kerja" in page
    assert client.get(API).json["items"][0]["overdue_working_days"] == 3


def test_a_paused_complaint_is_not_overdue(client, listed, handler, fixed_now):
    complaint = listed()
    services.request_info(handler, complaint, message="Di mana tepatnya?", now=MONDAY + timedelta(hours=3))
    fixed_now(datetime(2026, 11, 20, 9, 0, tzinfo=WIB))
    item = client.get(API).json["items"][0]
    assert (item["paused"], item["overdue"]) == (True, False)
    assert "Tenggat berhenti sementara" in client.get(LIST).get_data(as_text=True)
    assert api_codes(client, overdue="1") == []


# --- the moderators' control ----------------------------------------------------------------------

def test_a_moderator_keeps_a_complaint_off_the_list_with_a_reason_and_puts_it_back(client, login, listed, moderator,
                                                                                  fixed_now):
    complaint = listed(title="Keluhan menyebut alamat rumah")
    code = complaint.tracking_code
    login(moderator)
    case = client.get(f"/pengaduan/{code}").get_data(as_text=True)
    assert "Tampil di daftar pengaduan publik unit" in case and "Keluarkan dari daftar publik" in case

    response = client.post(f"/pengaduan/{code}/keluarkan-dari-daftar-publik",
                           data={"hide_list-reason": "Uraian memuat alamat rumah warga"})
    assert response.status_code == 302
    assert code not in client.get(LIST).get_data(as_text=True)
    case = client.get(f"/pengaduan/{code}").get_data(as_text=True)
    assert "Dikeluarkan moderator dari daftar publik" in case and "Uraian memuat alamat rumah warga" in case
    assert "Kembalikan ke daftar publik" in case
    event = db.session.scalar(select(ComplaintEvent).where(ComplaintEvent.kind == "public_list_hidden"))
    assert (event.public, event.message, event.actor_id) == (False, "Uraian memuat alamat rumah warga", moderator.id)
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "complaint.public_list_hidden"))
    assert audit.data["reason"] == "Uraian memuat alamat rumah warga" and audit.object_id == complaint.id
    # The reason is the staff's: not on the public tracking page.
    assert "alamat rumah warga" not in client.get(f"/pengaduan/lacak/{code}").get_data(as_text=True)

    assert client.post(f"/pengaduan/{code}/kembalikan-ke-daftar-publik", data={}).status_code == 302
    assert code in client.get(LIST).get_data(as_text=True)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "complaint.public_list_shown")) is not None
    refreshed = db.session.get(Complaint, complaint.id)
    assert refreshed.public_list_hidden_at is None and refreshed.public_list_hidden_reason is None


def test_an_empty_reason_is_refused_next_to_its_field(client, login, listed, moderator, fixed_now):
    complaint = listed()
    login(moderator)
    response = client.post(f"/pengaduan/{complaint.tracking_code}/keluarkan-dari-daftar-publik",
                           data={"hide_list-reason": "   "})
    assert response.status_code == 400 and 'id="hide_list-reason-error"' in response.get_data(as_text=True)
    with pytest.raises(DomainError) as refused:
        hide_from_public_list(moderator, complaint, reason="  ")
    assert refused.value.field == "reason"
    assert public_list.is_listed(db.session.get(Complaint, complaint.id))


@pytest.mark.parametrize("role", [ASN, CITIZEN])
def test_only_moderators_may_hide_not_the_unit_nor_the_reporter(client, login, listed, handler, make_user, moderator,
                                                                fixed_now, role):
    complaint = listed()
    person = handler if role == ASN else make_user(CITIZEN)
    login(person)
    assert client.post(f"/pengaduan/{complaint.tracking_code}/keluarkan-dari-daftar-publik",
                       data={"hide_list-reason": "Tidak suka"}).status_code == 403
    with pytest.raises(NotAllowed):
        hide_from_public_list(person, complaint, reason="Tidak suka")
    hide_from_public_list(moderator, complaint, reason="Data pribadi")
    assert client.post(f"/pengaduan/{complaint.tracking_code}/kembalikan-ke-daftar-publik").status_code == 403
    with pytest.raises(NotAllowed):
        show_on_public_list(person, complaint)
    # The unit's handler sees that it is off the list, without the control.
    if role == ASN:
        case = client.get(f"/pengaduan/{complaint.tracking_code}").get_data(as_text=True)
        assert "Dikeluarkan moderator dari daftar publik" in case and "Kembalikan ke daftar publik" not in case


def test_hiding_twice_or_a_rahasia_complaint_or_showing_one_not_hidden_is_refused(listed, moderator):
    complaint, rahasia = listed(), listed(confidential=True)
    with pytest.raises(DomainError):
        show_on_public_list(moderator, complaint)
    hide_from_public_list(moderator, complaint, reason="Data pribadi")
    with pytest.raises(DomainError):
        hide_from_public_list(moderator, complaint, reason="Lagi")
    with pytest.raises(DomainError):
        hide_from_public_list(moderator, rahasia, reason="Tidak perlu")
    assert db.session.scalar(select(ComplaintEvent).where(ComplaintEvent.kind == "public_list_hidden",
                                                          ComplaintEvent.complaint_id == rahasia.id)) is None


def test_a_complaint_hidden_before_verification_stays_off_after_it(client, listed, moderator, unit, fixed_now):
    complaint = listed(verify=False)
    hide_from_public_list(moderator, complaint, reason="Uraian berisi nomor KTP")
    services.verify(moderator, complaint, unit_id=unit.id)
    assert public_list.listing_state(complaint) == public_list.HIDDEN
    assert api_codes(client) == []


# --- what the reporter is told -------------------------------------------------------------------

def test_the_form_and_the_confirmation_say_what_the_list_shows(client, fixed_now):
    form = client.get("/pengaduan/baru").get_data(as_text=True)
    assert ("Bila tidak rahasia, setelah diverifikasi moderator pengaduan Anda dimuat di daftar pengaduan publik unit "
            "tujuan (judul, ringkasan uraian, kategori, status, dan tenggat) tanpa nama, e-mail, telepon, atau akun "
            "Anda") in form
    for confidential, sentence in ((False, "tanpa nama, e-mail, telepon, atau akun Anda."),
                                   (True, "Pengaduan ini rahasia: tidak dimuat di daftar pengaduan publik.")):
        data = {"title": "Jalan berlubang di Jl. Merdeka", "description": "Lubang besar di depan SDN 12 membahayakan.",
                "classification": "pengaduan", "category": "infrastruktur", "unit_id": ""}
        if confidential:
            data["confidential"] = "y"
        response = client.post("/pengaduan/baru", data=data)
        assert response.status_code == 302
        assert sentence in client.get(response.headers["Location"]).get_data(as_text=True)


def test_what_the_row_shows_is_what_the_form_names(client, listed, fixed_now):
    """The form names title, a summary of the description, category, status and deadline; the row
    carries those and the location is not among them."""
    listed(location="Jl. Melati Gg. Buntu No. 7")
    page = client.get(LIST).get_data(as_text=True)
    assert "Jl. Melati Gg. Buntu" not in page
    assert "location" not in client.get(API).json["items"][0]


# --- speed ----------------------------------------------------------------------------------------

def test_the_list_makes_the_same_few_queries_for_three_rows_or_a_full_page(client, login, listed, make_unit, moderator,
                                                                           fixed_now):
    other_units = [make_unit(name=f"Kelurahan {n}", short_name=None) for n in range(4)]

    def measure():
        counts = {}
        for url in (LIST, f"/pengaduan/publik/unit/{other_units[0].id}", f"{LIST}?overdue=1&sort=deadline", API):
            with count_queries() as statements:
                assert client.get(url).status_code == 200
            counts[url] = len(statements)
        return counts

    for n in range(3):  # overdue ones, so both measures read the calendar once
        listed(to=other_units[n % 4], now=MONDAY - timedelta(days=10 + 10 * n))
    few = measure()
    for n in range(30):
        listed(to=other_units[n % 4], now=MONDAY - timedelta(days=n))
    many = measure()
    assert few == many, (few, many)
    assert max(many.values()) <= 6, many
    login(moderator)  # a signed-in page is not served from the cache and loads its user
    assert max(measure().values()) <= 6


# --- the page cache: a unit's list is rendered again for its own complaints only --------------------

def list_statements(client, path):
    with count_queries() as statements:
        assert client.get(path).status_code == 200
    return len(statements)


def test_a_change_renders_again_the_lists_it_shows_on_and_no_other(client, listed, moderator, unit, make_unit,
                                                                   fixed_now):
    other_unit = make_unit(name="Dinas Perhubungan", short_name="Dishub")
    mine, theirs = listed(), listed(to=other_unit, title="Lampu lalu lintas mati")
    pages = {"city": LIST, "mine": f"{LIST}/unit/{unit.id}", "theirs": f"{LIST}/unit/{other_unit.id}"}
    for path in [*pages.values()] * 2:  # a visitor's first requests set up the session cookie (not stored)
        list_statements(client, path)
    services.start_progress(moderator, theirs)
    cached = {name: list_statements(client, path) == 1 for name, path in pages.items()}
    assert cached == {"city": False, "mine": True, "theirs": False}
    # Rerouted: it leaves one unit's list and joins the other's; both are rendered again.
    for path in pages.values():
        list_statements(client, path)
    services.reroute(moderator, mine, unit_id=other_unit.id, reason="Bukan kewenangan unit ini")
    page = client.get(pages["theirs"]).get_data(as_text=True)
    assert mine.tracking_code in page
    assert mine.tracking_code not in client.get(pages["mine"]).get_data(as_text=True)


def test_signed_in_people_get_the_rows_from_a_fragment_that_a_change_renders_again(client, login, listed, moderator,
                                                                                   unit, make_user, fixed_now):
    complaint = listed()
    login(make_user(CITIZEN, email="pemantau@example.com"))
    path = f"{LIST}/unit/{unit.id}"
    status_cell = re.compile(r'data-label="Status">([^<]+)<')
    first = list_statements(client, path)
    assert list_statements(client, path) < first  # the rows came from the fragment
    assert status_cell.findall(client.get(path).get_data(as_text=True)) == ["Diverifikasi"]
    services.start_progress(moderator, complaint)
    assert status_cell.findall(client.get(path).get_data(as_text=True)) == ["Diproses"]
