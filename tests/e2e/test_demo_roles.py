"""A newcomer on the demo site: each demo role logs in, sees its own menus, and every page it can
open passes axe (no serious or critical violation), in Bahasa Indonesia and in English."""
import csv
import io
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from accounts.demo import DEMO_PASSWORD, USERS
from accounts.models import Organisation, Unit, User
from complaints.models import Complaint
from forum.models import Consultation, FollowUpAction, ForumInput
from training.models import Certificate
from core.extensions import db

PUBLIC_PAGES = ["/", "/tentang", "/forum/", "/forum/?tab=selesai", "/forum/tindak-lanjut", "/forum/cari?q=ktp",
                "/pengaduan/", "/pelatihan/periksa", "/pengaduan/baru", "/pengaduan/lacak", "/pelatihan/",
                "/organisasi",
                # Issue 14: the scorecard, its method and data dictionary, the public complaint list.
                "/rapor", "/rapor/cara-penilaian", "/rapor/data", "/pengaduan/publik"]
ACCOUNT_PAGES = ["/akun/profil", "/akun/ganti-sandi", "/organisasi/daftar", "/pengaduan/saya",
                 "/pelatihan/sertifikat-saya", "/pelatihan/modul/forum-konsultasi-publik",
                 "/pelatihan/modul/forum-konsultasi-publik/pelajaran/1", "/rapor/pantauan"]
STAFF_PAGES = ["/admin/", "/admin/organisasi", "/admin/pengguna", "/admin/pengguna?status=asn_pending",
               "/forum/moderasi", "/forum/moderasi/unit-pasif", "/pelatihan/laporan", "/pelatihan/laporan/belum-selesai",
               "/pengaduan/antrean", "/pengaduan/antrean?due=overdue"]
ADMIN_PAGES = ["/admin/unit", "/admin/unit/baru", "/admin/audit", "/admin/kalender", "/admin/outbox",
               "/pelatihan/kelola", "/pelatihan/kelola/impor", "/pelatihan/kelola/kode-etik-asn", "/pelatihan/kelola/kode-etik-asn/pelajaran/baru",
               "/admin/rapor"]


@pytest.fixture
def demo_city(demo_city_rows):
    return {
        "org": db.session.scalar(select(Organisation.id).where(Organisation.status == "verified")),
        "pending_org": db.session.scalar(select(Organisation.id).where(Organisation.status == "pending")),
        "unit": db.session.scalar(select(Unit.id)),
        "pending_asn": db.session.scalar(select(User.id).where(User.email == "asn.baru@demo.kota-contoh.id")),
        # A routed complaint in progress (many forms on its case page) and a resolved one.
        "complaint": db.session.scalar(select(Complaint.tracking_code).where(Complaint.status == "in_progress")
                                       .order_by(Complaint.id)),
        "resolved": db.session.scalar(select(Complaint.tracking_code).where(Complaint.status == "resolved")
                                      .order_by(Complaint.id)),
        "consultations": db.session.scalars(select(Consultation.slug).order_by(Consultation.id)).all(),
        "input": db.session.scalar(select(ForumInput.id).order_by(ForumInput.id)),
        "action": db.session.scalar(select(FollowUpAction.id).order_by(FollowUpAction.id)),
        "certificate": db.session.scalar(select(Certificate.code)),
    }


def log_in(page, email):
    page.goto("/akun/masuk")
    page.get_by_label("E-mail", exact=True).fill(email)
    page.get_by_label("Kata sandi", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Masuk", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Selamat datang")


PHONE_WIDTH = 360  # the narrowest phone the city plans for: no page may be wider


def width_on_a_phone(page):
    """The page's document width once the window is a 360 px phone (the desktop size restored)."""
    desktop = page.viewport_size
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 740})
    try:
        return page.evaluate("document.documentElement.scrollWidth")
    finally:
        page.set_viewport_size(desktop)


def visit_all(page, paths, check_a11y):
    too_wide = {}
    for path in paths:
        response = page.goto(path)
        assert response.status == 200, path
        check_a11y(page)
        width = width_on_a_phone(page)
        if width > PHONE_WIDTH:
            too_wide[path] = width
    assert not too_wide, f"wider than a {PHONE_WIDTH} px phone: {too_wide}"


def test_visitor_pages_pass_axe(page, demo_city, check_a11y):
    visit_all(page, PUBLIC_PAGES + ["/akun/daftar", "/akun/masuk", "/akun/lupa-sandi", "/akun/verifikasi-ulang",
                                    f"/organisasi/{demo_city['org']}", f"/rapor/unit/{demo_city['unit']}",
                                    f"/pengaduan/publik/unit/{demo_city['unit']}"], check_a11y)
    response = page.goto("/tidak-ada-halaman")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Halaman tidak ditemukan")
    check_a11y(page)
    # The register form with its error messages shown.
    page.goto("/akun/daftar")
    page.get_by_role("main").get_by_role("button", name="Daftar").click()
    expect(page.locator("#full_name-error")).to_be_visible()
    check_a11y(page)


@pytest.mark.parametrize("role,email", [(role, email) for role, email, *_ in USERS if not email.startswith("asn.baru")])
def test_each_demo_role_sees_its_menus_and_its_pages_pass_axe(page, demo_city, check_a11y, role, email):
    log_in(page, email)
    nav = page.get_by_role("navigation", name="Menu utama")
    admin_link = nav.get_by_role("link", name="Administrasi")
    if role in ("moderator", "admin"):
        expect(admin_link).to_be_visible()
    else:
        expect(admin_link).to_have_count(0)
    expect(page.get_by_role("banner")).to_contain_text(re.compile(r"Masuk sebagai"))

    pages = PUBLIC_PAGES + ACCOUNT_PAGES + [f"/forum/konsultasi/{slug}" for slug in demo_city["consultations"]] + [
        f"/forum/masukan/{demo_city['input']}", f"/forum/tindak-lanjut/{demo_city['action']}"]
    if role in ("moderator", "admin"):
        pages += STAFF_PAGES + [f"/admin/organisasi/{demo_city['pending_org']}",
                                f"/admin/pengguna/{demo_city['pending_asn']}",
                                f"/pengaduan/{demo_city['complaint']}", f"/pengaduan/{demo_city['resolved']}",
                                f"/pengaduan/lacak/{demo_city['resolved']}"]
    if role == "asn":
        pages += ["/pengaduan/antrean", "/pelatihan/modul/kode-etik-asn", f"/pelatihan/sertifikat/{demo_city['certificate']}"]
    if role == "admin":
        pages += ADMIN_PAGES + [f"/admin/unit/{demo_city['unit']}"]
    if role == "org_member":
        pages += [f"/organisasi/{demo_city['org']}",  # the contact's view, with its members table
                  "/pengaduan/pengawalan"]  # the organisation's accompanied complaints
    visit_all(page, pages, check_a11y)

    # The same frame in English.
    page.get_by_role("banner").get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    visit_all(page, ["/", pages[-1]], check_a11y)


def first_row_cell(page, column):
    """The first row's cell under the column headed `column`."""
    headers = [text.strip() for text in page.locator("thead th").all_text_contents()]
    return page.locator("tbody tr").first.locator("td").nth(headers.index(column))


def on_screen(page, locator):
    box = locator.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]


def test_on_a_phone_each_row_shows_its_status_and_deadline(page, demo_city):
    """At 360 px the complaint queue, the follow-up tracker and "Sertifikat saya" keep a row's status,
    deadline and download link on screen, not scrolled off to the right of a wide table."""
    log_in(page, "asn@demo.kota-contoh.id")
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 740})
    for path, columns in [("/pengaduan/antrean", ["Status", "Tenggat"]),
                          ("/forum/tindak-lanjut", ["Status", "Target"]),
                          ("/pelatihan/sertifikat-saya", ["Status", "Unduh"])]:
        page.goto(path)
        for column in columns:
            assert on_screen(page, first_row_cell(page, column)), f"{path}: {column} is off screen"
    page.goto("/pelatihan/sertifikat-saya")
    assert on_screen(page, page.get_by_role("link", name=re.compile("Unduh PDF")).first)


DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": PHONE_WIDTH, "height": 740}


def downloaded_csv(page, link_name):
    """Click the page's link `link_name` and read the file the browser saved: (header, rows)."""
    with page.expect_download() as download_info:
        page.get_by_role("link", name=link_name).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    with open(download.path(), "rb") as saved:
        raw = saved.read()
    assert raw.startswith("\ufeff".encode())  # the byte-order mark Excel needs
    header, *rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    return header, rows


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_visitor_reads_the_scorecard_and_downloads_its_csv(page, demo_city, check_a11y, size):
    """Issue 14's "done when": the city's and a unit's scorecard on a 360 px phone and on a desktop,
    with no serious axe violation, and the CSV behind each downloads with a line per unit (per month)."""
    from scorecard import open_data
    page.set_viewport_size(size)
    # A unit with a year of demo history, so its scorecard has figures in every month.
    unit = db.session.scalar(select(Unit).where(Unit.short_name == "Disdukcapil"))

    assert page.goto("/rapor").status == 200
    check_a11y(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]
    table = page.locator("table.sc-units")
    shown = {int(re.search(r"/rapor/unit/(\d+)", href).group(1))
             for href in table.locator("tbody th a").evaluate_all("links => links.map(a => a.getAttribute('href'))")}
    assert unit.id in shown
    header, rows = downloaded_csv(page, "tabel semua unit (CSV)")
    assert header == open_data.columns()
    in_file = [int(row[0]) for row in rows]
    assert len(in_file) == len(set(in_file))  # one line per unit
    active = set(db.session.scalars(select(Unit.id).where(Unit.is_active.is_(True))))
    assert shown <= set(in_file) == active  # each unit on the page, and every active unit, once
    name_of = dict(zip(in_file, (row[header.index("unit")] for row in rows)))
    assert name_of[unit.id] == unit.name

    assert page.goto(f"/rapor/unit/{unit.id}").status == 200
    check_a11y(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]
    header, rows = downloaded_csv(page, "Tren per bulan (CSV)")
    assert header == open_data.trend_columns()
    assert len(rows) == 12  # the twelve months of the page's trend chart, oldest first
    months = [row[0] for row in rows]
    assert months == sorted(months) and len(set(months)) == 12
    # The file's complaints received per month are the numbers beside the page's trend chart.
    chart = page.locator("table.sc-data", has=page.locator("caption", has_text="yang diterima dan diselesaikan"))
    charted = [text.strip() for text in chart.locator("tbody tr td:first-of-type").all_text_contents()]
    assert [row[header.index("c.received")] for row in rows] == charted
    assert sum(int(n) for n in charted) > 0
