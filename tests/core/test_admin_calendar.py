"""The admin page of the working-day calendar: /admin/kalender."""
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from core import calendar, clock
from core.audit import AuditEvent
from core.calendar import HOLIDAY, WORKING_DAY, CalendarDate
from core.extensions import db
from core.permissions import ADMIN, CITIZEN, MODERATOR
from tests.conftest import count_queries

ADD = {"day": "2026-11-04", "name": "Hari Jadi Kota", "kind": HOLIDAY}


@pytest.fixture
def admin(make_user):
    return make_user(ADMIN)


@pytest.fixture
def as_admin(client, login, admin):
    login(admin)
    return client


def table(page):
    return page.split("<caption>")[1].split("</table>")[0]


def corrections():
    return db.session.scalar(select(func.count(CalendarDate.id)))


def test_only_admins_open_the_page(client, login, make_user):
    assert client.get("/admin/kalender").status_code == 302
    assert "/akun/masuk" in client.get("/admin/kalender").headers["Location"]
    login(make_user(CITIZEN))
    assert client.get("/admin/kalender").status_code == 403
    login(make_user(MODERATOR))
    assert client.get("/admin/kalender").status_code == 403
    login(make_user(ADMIN))
    assert client.get("/admin/kalender").status_code == 200


def test_the_page_lists_the_years_holidays_in_indonesian(as_admin):
    page = as_admin.get("/admin/kalender?tahun=2026").get_data(as_text=True)
    assert "Senin, 17 Agustus 2026" in page
    assert "Hari Kemerdekaan Republik Indonesia" in page
    assert "Jumat, 20 Maret 2026" in page and "Cuti Bersama Hari Raya Idul Fitri" in page
    assert 'href="/admin/kalender?tahun=2025"' in page and 'href="/admin/kalender?tahun=2027"' in page
    assert "<caption>" in page and '<th scope="col">' in page
    assert 'for="day"' in page and 'for="name"' in page  # labelled fields
    assert "/hapus" not in page  # package holidays cannot be removed, only corrections


def test_without_a_year_the_page_shows_this_year_in_the_city(as_admin):
    year = clock.to_local(clock.now()).year
    page = as_admin.get("/admin/kalender").get_data(as_text=True)
    assert f"?tahun={year - 1}" in page and f"?tahun={year + 1}" in page


@pytest.mark.parametrize("year", ["abc", "1999", "2101", "-1", "2026.5", "２０２６"])
def test_a_bad_year_is_a_bad_request(as_admin, year):
    assert as_admin.get(f"/admin/kalender?tahun={year}").status_code == 400


def test_an_admin_adds_an_extra_holiday(as_admin, admin):
    response = as_admin.post("/admin/kalender?tahun=2026", data=ADD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/kalender?tahun=2026"
    row = db.session.scalar(select(CalendarDate))
    assert (row.day, row.kind, row.name, row.created_by_id) == (date(2026, 11, 4), HOLIDAY, "Hari Jadi Kota", admin.id)
    event = db.session.scalar(select(AuditEvent))
    assert (event.action, event.actor_id, event.data["day"]) == ("calendar.date_added", admin.id, "2026-11-04")

    page = as_admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Rabu, 4 November 2026 ditambahkan" in page  # the flash
    assert "Hari Jadi Kota" in page and "Koreksi admin" in page
    assert 'action="/admin/kalender/2026-11-04/hapus"' in page
    # The deadline sees it at once.
    assert calendar.due_after(calendar.start_of_day(date(2026, 11, 2)), 5).astimezone(
        clock.local_zone()).date() == date(2026, 11, 10)


def test_an_admin_makes_a_holiday_a_working_day(as_admin):
    data = {"day": "17-08-2026", "name": "Upacara, tetap masuk", "kind": WORKING_DAY}  # typed the Indonesian way
    assert as_admin.post("/admin/kalender", data=data).status_code == 302
    assert db.session.scalar(select(CalendarDate.kind)) == WORKING_DAY
    page = as_admin.get("/admin/kalender?tahun=2026").get_data(as_text=True)
    assert "Hari kerja (pengecualian)</strong>" in page
    assert "Menggantikan: Hari Kemerdekaan Republik Indonesia" in page


def test_a_date_already_in_the_list_is_a_field_error_and_nothing_is_written(as_admin):
    as_admin.post("/admin/kalender", data=ADD)
    response = as_admin.post("/admin/kalender?tahun=2026", data={**ADD, "kind": WORKING_DAY, "name": "Lagi"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="day-error"' in page and "Tanggal ini sudah ada dalam daftar koreksi kalender." in page
    assert 'value="Lagi"' in page  # what the admin typed is kept
    assert corrections() == 1
    assert db.session.scalar(select(CalendarDate.kind)) == HOLIDAY
    assert db.session.scalar(select(func.count(AuditEvent.id))) == 1


def test_a_national_holiday_is_already_in_the_list(as_admin):
    response = as_admin.post("/admin/kalender?tahun=2026", data={**ADD, "day": "2026-08-17"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="day-error"' in page
    assert "sudah hari libur nasional atau cuti bersama: Hari Kemerdekaan Republik Indonesia." in page
    assert corrections() == 0


@pytest.mark.parametrize("data,field,message", [
    ({**ADD, "day": "2026-02-30"}, "day", "Tanggal tidak sah."),
    ({**ADD, "day": "besok"}, "day", "Tanggal tidak sah."),
    ({**ADD, "day": ""}, "day", "Wajib diisi."),
    ({**ADD, "day": "1999-12-31"}, "day", "Tahun harus antara 2000 dan 2100."),
    ({**ADD, "name": "  "}, "name", "Wajib diisi."),
    ({**ADD, "name": "x" * 201}, "name", "Paling banyak 200 karakter."),
    ({**ADD, "kind": "libur"}, "kind", "Pilih jenis koreksi."),
    ({"day": "2026-11-04", "name": "Hari Jadi Kota"}, "kind", "Pilih jenis koreksi."),
])
def test_invalid_input_is_a_field_error_and_nothing_is_written(as_admin, data, field, message):
    response = as_admin.post("/admin/kalender?tahun=2026", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert f'id="{field}-error"' in page
    assert corrections() == 0
    assert db.session.scalar(select(func.count(AuditEvent.id))) == 0


def test_an_admin_removes_a_correction(as_admin, admin):
    calendar.add_date(admin, date(2026, 11, 4), "Hari Jadi Kota")
    response = as_admin.post("/admin/kalender/2026-11-04/hapus")
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/kalender?tahun=2026"
    assert corrections() == 0
    assert db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all() == [
        "calendar.date_added", "calendar.date_removed"]
    page = as_admin.get("/admin/kalender?tahun=2026").get_data(as_text=True)
    assert "Hari Jadi Kota" not in table(page)
    assert "kembali mengikuti kalender nasional" in page

    # A second click says so instead of failing.
    again = as_admin.post("/admin/kalender/2026-11-04/hapus")
    assert again.status_code == 302
    assert "tidak ada dalam daftar koreksi" in as_admin.get(again.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize("day", ["2026-02-30", "kemarin", "20261104", "2026-W45-3"])
def test_removing_by_a_malformed_date_is_not_found(as_admin, admin, day):
    calendar.add_date(admin, date(2026, 11, 4), "Hari Jadi Kota")
    assert as_admin.post(f"/admin/kalender/{day}/hapus").status_code == 404
    assert corrections() == 1


def test_a_moderator_can_neither_add_nor_remove(client, login, make_user, admin):
    calendar.add_date(admin, date(2026, 11, 4), "Hari Jadi Kota")
    login(make_user(MODERATOR))
    assert client.post("/admin/kalender", data={**ADD, "day": "2026-11-05"}).status_code == 403
    assert client.post("/admin/kalender/2026-11-04/hapus").status_code == 403
    assert corrections() == 1


def test_the_forms_carry_a_csrf_token(as_admin, admin, csrf_enabled):
    calendar.add_date(admin, date(2026, 11, 4), "Hari Jadi Kota")
    page = as_admin.get("/admin/kalender?tahun=2026").get_data(as_text=True)
    for action in ("/admin/kalender?tahun=2026", "/admin/kalender/2026-11-04/hapus"):
        form = page.split(f'action="{action}"')[1].split("</form>")[0]
        assert re.search(r'name="csrf_token"[^>]*value="[^"]{20,}"', form), action
    assert as_admin.post("/admin/kalender", data={**ADD, "day": "2026-11-05"}).status_code == 400
    assert as_admin.post("/admin/kalender/2026-11-04/hapus").status_code == 400
    assert corrections() == 1


def test_the_page_does_not_grow_queries_with_corrections(as_admin, admin):
    def add(days):
        for day in days:
            calendar.add_date(admin, date(2026, 1, day), f"Koreksi {day}", working_day=day % 2 == 0)

    def queries():
        with count_queries() as statements:
            assert as_admin.get("/admin/kalender?tahun=2026").status_code == 200
        return len(statements)
    add(range(5, 7))
    few = queries()
    add(range(7, 28))
    many = queries()
    assert many == few
    assert many <= 4
