"""Open data: /rapor.csv, /rapor/unit/<id>.csv, GET /api/v1/rapor and the data dictionary /rapor/data.

The files carry the pages' numbers for the same period (read through the same services), refuse a
bad period as the pages do (plain text for CSV, field errors for JSON), never carry a complaint's
content, and cost a bounded number of queries. The accompanied complaints are in every one.
"""
import csv
import io
import re
from datetime import date, timedelta

import pytest

from complaints import accompaniment_services as accompaniments
from core.permissions import ADMIN, CITIZEN, ORG_MEMBER
from scorecard import measures, open_data, periods, services

from tests.conftest import NOW, count_queries
from tests.scorecard.conftest import PERIOD

API_PERIOD = "from=2026-11-01&to=2026-12-01"
SECRET = "Pungutan liar petugas loket"


@pytest.fixture
def accompanied(app, file, unit, moderator, make_user, make_organisation):
    """n complaints of the unit accompanied by a verified organisation (accepted on NOW), one rejected."""
    reporter = make_user(CITIZEN, email="pelapor@example.com")
    member = make_user(ORG_MEMBER, email="anggota@lsm.example.org")
    organisation = make_organisation("Lembaga Pemantau", contact=member)

    def make(n):
        made = []
        for _ in range(n):
            complaint = file(unit=unit, moderator=moderator, reporter=reporter)
            with app.test_request_context():
                acc = accompaniments.request_accompaniment(reporter, complaint, organisation_id=organisation.id,
                                                           now=NOW + timedelta(hours=3))
                accompaniments.accept_request(member, acc, now=NOW + timedelta(hours=4))
            made.append(complaint)
        return made
    return make


def read_csv(response):
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())  # the byte-order mark, for Excel
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def number(cell):
    return None if cell == "" else float(cell)


def test_the_csv_and_the_json_carry_the_pages_numbers_for_the_same_period(client, unit, other_unit, figures):
    figures(12)
    response = client.get(f"/rapor.csv?{PERIOD}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert 'filename="rapor-2026-11-01-2026-12-01.csv"' in response.headers["Content-Disposition"]
    lines = read_csv(response)
    assert list(lines[0]) == open_data.columns()
    data = client.get(f"/api/v1/rapor?{API_PERIOD}").get_json()
    assert data["period"] == {"from": "2026-11-01", "to": "2026-12-01"}
    by_id = {u["id"]: u for u in data["units"]}
    assert sorted(int(line["unit_id"]) for line in lines) == sorted(by_id) == sorted([unit.id, other_unit.id])
    period = periods.custom(date(2026, 11, 1), date(2026, 12, 1), date(2026, 12, 1))
    rows = {row.unit_id: row for row in services.unit_rows(period)}
    for line in lines:
        row, item = rows[int(line["unit_id"])], by_id[int(line["unit_id"])]
        assert line["unit"] == row.name == item["name"]
        assert number(line["score"]) == row.score == item["score"]
        assert line["zone"] == (row.zone or "") and item["zone"] == row.zone
        for measure in measures.MEASURES:
            expected = row.as_dict()[measure.key]
            got = number(line[measure.key])
            assert got == (None if expected is None else pytest.approx(expected, abs=0.005))
            assert item["measures"][measure.key]["value"] == expected
            if measure.scored:
                assert number(line[f"{measure.key}.points"]) == item["measures"][measure.key]["points"] \
                    == row.card.results[measure.key].score
                assert number(line[f"{measure.key}.base"]) == item["measures"][measure.key]["base"]
        # What the unit's page shows for the same period.
        page = client.get(f"/rapor/unit/{line['unit_id']}?{PERIOD}").get_data(as_text=True)
        shown = re.search(r'class="sc-score mb-1">([^<]*)<', page).group(1)
        assert shown == (line["score"] or "–")
    # Numbers are unformatted: a dot for decimals, no thousands separator.
    assert all(re.fullmatch(r"-?\d+(\.\d{1,2})?|", line["c.rating_avg"]) for line in lines)
    # The city's card in the JSON is the page's.
    city_page = client.get(f"/rapor?{PERIOD}").get_data(as_text=True)
    assert data["city"]["measures"]["c.received"]["value"] == 12
    shown = re.search(r'class="sc-score mb-1">([^<]*)<', city_page).group(1)
    assert shown == (str(data["city"]["score"]) if data["city"]["score"] is not None else "–")


def test_the_period_parameters_are_those_of_the_page(client, unit, figures):
    figures(4)
    for query in ("", "periode=bulan&bulan=2026-11", "periode=tahun&tahun=2026", PERIOD):
        assert client.get(f"/rapor.csv?{query}").status_code == 200
    month = read_csv(client.get("/rapor.csv?periode=bulan&bulan=2026-10"))
    assert all(line["c.received"] == "0" for line in month)


@pytest.mark.parametrize("query,field,message", [
    ("periode=bulan&bulan=2026-13", "bulan", "Bulan tidak sah"),
    ("periode=harian", "periode", "Pilih salah satu jenis periode."),
    ("periode=rentang&dari=2026-05-01&sampai=2026-04-01", "sampai", "Tanggal akhir harus sama dengan atau setelah"),
    ("periode=rentang&dari=2020-01-01&sampai=2026-04-01", "sampai", "Rentang paling panjang lima tahun."),
])
def test_a_bad_period_of_the_csv_is_a_400_in_plain_text(client, query, field, message):
    response = client.get(f"/rapor.csv?{query}")
    assert response.status_code == 400 and response.mimetype == "text/plain"
    assert f"{field}: {message}" in response.get_data(as_text=True)


@pytest.mark.parametrize("query,field,message", [
    ("from=2026-13-01", "from", "Tanggal tidak sah"),
    ("to=2026-2-1", "to", "Tanggal tidak sah"),
    ("from=2026-05-01&to=2026-04-01", "to", "Tanggal akhir harus sama dengan atau setelah"),
    ("from=2020-01-01&to=2026-04-01", "to", "Rentang paling panjang lima tahun."),
    ("from=1999-12-31&to=2000-01-31", "from", "Tanggal awal paling awal tahun 2000"),
    ("to=2999-01-01", "to", "Tanggal akhir tidak boleh setelah hari ini."),
    ("unit=abc", "unit", "Tulis nomor unit."),
    ("unit=999", "unit", "Tidak ada unit aktif dengan nomor ini."),
])
def test_bad_parameters_of_the_api_are_field_errors(client, unit, query, field, message):
    response = client.get(f"/api/v1/rapor?{query}")
    assert response.status_code == 400 and response.is_json
    errors = response.get_json()["errors"]
    assert list(errors) == [field] and message in errors[field][0]


def test_the_api_defaults_to_the_last_12_months_and_unit_narrows_to_one(client, unit, other_unit, figures):
    figures(4)
    data = client.get("/api/v1/rapor").get_json()
    start, end = date.fromisoformat(data["period"]["from"]), date.fromisoformat(data["period"]["to"])
    assert periods.last_12_months(end).start == start
    assert len(data["units"]) == 2
    one = client.get(f"/api/v1/rapor?unit={unit.id}&{API_PERIOD}").get_json()
    assert [u["id"] for u in one["units"]] == [unit.id]
    assert set(one["units"][0]["measures"]) == {m.key for m in measures.MEASURES}
    assert one["licence"] == {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/deed.id"}


def test_the_api_names_the_settings_in_force_and_their_version(app, client, unit, make_user, figures):
    figures(4)
    before = client.get(f"/api/v1/rapor?{API_PERIOD}").get_json()["settings"]
    assert before["measures"]["c.sla_share"] == {"good": 95, "bad": 50, "weight": 3, "min_base": 5}
    assert before["zones"] == {"hijau": 80, "kuning": 60} and before["overridden"] == []
    with app.test_request_context():
        services.update_settings(make_user(ADMIN), {"c.sla_share.good": "90"})
    after = client.get(f"/api/v1/rapor?{API_PERIOD}").get_json()["settings"]
    assert after["measures"]["c.sla_share"]["good"] == 90 and after["overridden"] == ["c.sla_share.good"]
    assert after["version"] != before["version"] and re.fullmatch(r"[0-9a-f]{12}", after["version"])


def test_the_unit_csv_is_its_trend_per_month(client, unit, figures):
    figures(10)
    response = client.get(f"/rapor/unit/{unit.id}.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    lines = read_csv(response)
    assert list(lines[0]) == open_data.trend_columns()
    today = services.aggregates.local_day(services.clock.now())
    trend = services.unit_trend(unit.id, today)
    assert [line["month"] for line in lines] == [row.month.strftime("%Y-%m") for row in trend]
    assert [int(line["c.received"]) for line in lines] == [row.figures.get("c.received", 0) for row in trend]
    assert sum(int(line["c.received"]) for line in lines) == 5
    # Neither the state at the last refresh nor the live counts are a month's.
    assert "c.open_now" not in lines[0] and "c.accompanied" not in lines[0] and "t.coverage" not in lines[0]
    assert client.get("/rapor/unit/999.csv").status_code == 404


def test_the_accompanied_complaints_appear_on_the_pages_and_in_the_open_data(client, app, unit, other_unit,
                                                                             moderator, accompanied, rebuild):
    complaints = accompanied(3)
    from complaints import services as complaint_services
    with app.test_request_context():
        complaint_services.reject(moderator, complaints[0], kind="invalid", reason="Tidak memenuhi syarat",
                                  now=NOW + timedelta(days=1))
    rebuild(now=NOW + timedelta(days=20))
    lines = {int(line["unit_id"]): line for line in read_csv(client.get(f"/rapor.csv?{PERIOD}"))}
    assert lines[unit.id]["c.accompanied"] == "3"
    assert lines[unit.id]["c.accompanied_rejected"] == "1" and lines[unit.id]["c.accompanied_open"] == "2"
    assert lines[unit.id]["c.accompanied_resolved"] == "0" and lines[other_unit.id]["c.accompanied"] == "0"
    item = client.get(f"/api/v1/rapor?unit={unit.id}&{API_PERIOD}").get_json()["units"][0]
    assert item["measures"]["c.accompanied"] == {"value": 3, "points": None, "base": None, "enough": True}
    city = client.get(f"/api/v1/rapor?{API_PERIOD}").get_json()["city"]
    assert city["measures"]["c.accompanied"]["value"] == 3
    for path in (f"/rapor/unit/{unit.id}?{PERIOD}", f"/rapor?{PERIOD}"):
        page = client.get(path).get_data(as_text=True)
        assert re.search(r"Pengaduan dikawal organisasi</th>\s*<td[^>]*>3<", page), path
    # Before the acceptance: none.
    earlier = read_csv(client.get("/rapor.csv?periode=bulan&bulan=2026-10"))
    assert all(line["c.accompanied"] == "0" for line in earlier)
    # Not scored: the score is the same whatever the accompaniment.
    assert not any(m.scored for m in measures.MEASURES if m.live)


def test_no_file_carries_a_complaints_content_even_rahasia(client, unit, moderator, file, rebuild):
    file(unit=unit, moderator=moderator, title=SECRET, description=SECRET + " di kantor kecamatan.",
         confidential=True, reporter_name="Budi Rahasia")
    file(unit=unit, moderator=moderator, title=SECRET + " lagi", description=SECRET + " di loket.",
         anonymous=True)
    rebuild(now=NOW + timedelta(days=20))
    lines = read_csv(client.get(f"/rapor.csv?{PERIOD}"))
    assert [line["c.received"] for line in lines] == ["2"] and lines[0]["c.confidential"] == "1"
    for path in (f"/rapor.csv?{PERIOD}", f"/rapor/unit/{unit.id}.csv", f"/api/v1/rapor?{API_PERIOD}", "/rapor/data"):
        text = client.get(path).get_data(as_text=True)
        assert SECRET not in text and "Budi Rahasia" not in text and "kecamatan" not in text


@pytest.mark.parametrize("path", ["/rapor.csv?" + PERIOD, "/api/v1/rapor?" + API_PERIOD, "/rapor/unit/{unit}.csv",
                                  "/rapor/data"])
def test_each_costs_the_same_few_queries_whatever_the_number_of_complaints(client, unit, figures, accompanied, path):
    def statements(n):
        figures(n)
        accompanied(1)
        with count_queries() as sent:
            assert client.get(path.format(unit=unit.id)).status_code == 200
        return len(sent)
    few = statements(3)
    many = statements(30)
    assert few == many <= 10


def test_the_data_dictionary_explains_every_column(client):
    page = client.get("/rapor/data").get_data(as_text=True)
    for column in open_data.columns() + open_data.trend_columns():
        assert f"<code>{column}</code>" in page, column
    for measure in measures.MEASURES:
        assert str(measure.description) in page.replace("&#34;", '"').replace("&#39;", "'"), measure.key
    assert 'rel="license"' in page and "CC BY 4.0" in page and "creativecommons.org/licenses/by/4.0" in page
    assert "BOM" in page and "Angka dihitung ulang otomatis paling lama setiap 5 menit" in page
    assert "bukan penilaian kepatuhan standar pelayanan oleh Ombudsman" in page
    assert " style=" not in page and "<style" not in page and not re.search(r"<script(?![^>]*\bsrc=)", page)
    assert 'href="/rapor.csv"' in page and 'href="/api/v1/rapor"' in page and 'href="/api/v1/openapi.json"' in page


def test_the_licence_is_a_setting(app, client):
    app.config.update(OPEN_DATA_LICENCE="ODC-BY 1.0", OPEN_DATA_LICENCE_URL="")
    page = client.get("/rapor/data").get_data(as_text=True)
    assert "ODC-BY 1.0" in page and 'rel="license"' not in page
    assert client.get("/api/v1/rapor").get_json()["licence"] == {"name": "ODC-BY 1.0", "url": None}


def test_the_pages_link_to_the_open_data_and_the_units_public_complaints(client, unit, figures):
    figures(2)
    city = client.get(f"/rapor?{PERIOD}").get_data(as_text=True)
    assert "/rapor.csv?periode=rentang&amp;dari=2026-11-01&amp;sampai=2026-12-01" in city
    assert 'href="/rapor/data"' in city and "/api/v1/rapor?from=2026-11-01&amp;to=2026-12-01" in city
    assert 'href="/rapor/data"' in client.get("/rapor/cara-penilaian").get_data(as_text=True)
    page = client.get(f"/rapor/unit/{unit.id}?{PERIOD}").get_data(as_text=True)
    assert f'href="/pengaduan/publik/unit/{unit.id}"' in page and f'href="/rapor/unit/{unit.id}.csv"' in page
    assert f"/api/v1/rapor?unit={unit.id}&amp;from=2026-11-01&amp;to=2026-12-01" in page


def test_the_method_page_says_the_accompaniment_is_not_scored(client):
    page = client.get("/rapor/cara-penilaian").get_data(as_text=True)
    assert "dikawal organisasi masyarakat sipil" in page and "tidak masuk nilai" in page
    for measure in measures.MEASURES:
        assert f"<code>{measure.key}</code>" in page


def test_the_openapi_document_lists_the_scorecard_with_its_parameters(client):
    document = client.get("/api/v1/openapi.json").get_json()
    operation = document["paths"]["/api/v1/rapor"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"unit", "from", "to"}
    assert all(p["in"] == "query" and not p["required"] for p in operation["parameters"])
    assert set(operation["responses"]) == {"200", "400"}


def test_the_data_dictionary_reads_in_english(client):
    with client.session_transaction() as session:
        session["lang"] = "en"
    page = client.get("/rapor/data").get_data(as_text=True)
    assert "Scorecard open data: data dictionary" in page and "Complaints accompanied by organisations" in page
    assert "byte-order mark" in page
