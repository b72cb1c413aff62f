"""The public pages: periods, sorting, query budgets, charts, no JavaScript needed."""
import re

import pytest

from core.permissions import ADMIN
from scorecard import measures

from tests.conftest import count_queries
from tests.scorecard.conftest import PERIOD


@pytest.mark.parametrize("query,field,message", [
    ("periode=bulan&bulan=2026-13", "bulan", "Bulan tidak sah"),
    ("periode=bulan", "bulan", "Pilih bulan."),
    ("periode=harian", "periode", "Pilih salah satu jenis periode."),
    ("periode=tahun&tahun=1999", "tahun", "Tulis tahun antara 2000"),
    ("periode=triwulan&tahun=2026&triwulan=5", "triwulan", "Pilih triwulan I sampai IV."),
    ("periode=rentang&dari=2026-05-01&sampai=2026-04-01", "sampai", "Tanggal akhir harus sama dengan atau setelah"),
    ("periode=rentang&dari=2026-02-30&sampai=2026-04-01", "dari", "Tanggal tidak sah"),
    ("periode=rentang&dari=2020-01-01&sampai=2026-04-01", "sampai", "Rentang paling panjang lima tahun."),
    ("urut=tidak-ada", "urut", "Pilih ukuran yang ada untuk mengurutkan."),
])
def test_a_bad_period_or_sort_is_a_400_with_the_message_by_its_field(client, unit, query, field, message):
    for path in ("/rapor", f"/rapor/unit/{unit.id}"):
        if field == "urut" and "unit" in path:
            continue
        response = client.get(f"{path}?{query}")
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        assert message in page and f'id="{field}-error"' in page


def test_an_unknown_unit_is_a_404(client):
    assert client.get("/rapor/unit/999").status_code == 404


@pytest.mark.parametrize("query", ["", "periode=bulan&bulan=2026-11", "periode=triwulan&tahun=2026&triwulan=4",
                                   "periode=tahun&tahun=2026", PERIOD])
def test_every_kind_of_period_shows(client, unit, figures, query):
    figures(4)
    assert client.get(f"/rapor?{query}").status_code == 200
    assert client.get(f"/rapor/unit/{unit.id}?{query}").status_code == 200


def test_the_units_table_sorts_by_any_measure(client, unit, other_unit, figures):
    figures(8)
    for measure in measures.MEASURES:
        for direction in ("naik", "turun"):
            assert client.get(f"/rapor?{PERIOD}&urut={measure.key}&arah={direction}").status_code == 200
    page = client.get(f"/rapor?{PERIOD}&urut=nama&arah=naik").get_data(as_text=True)
    table = page[page.index('class="table table-sm table-striped'):]
    assert table.index("Dinas Kependudukan") < table.index("Dinas Kesehatan")
    page = client.get(f"/rapor?{PERIOD}&urut=nama&arah=turun").get_data(as_text=True)
    table = page[page.index('class="table table-sm table-striped'):]
    assert table.index("Dinas Kesehatan") < table.index("Dinas Kependudukan")


@pytest.mark.parametrize("path", ["/rapor?" + PERIOD, "/rapor/unit/{unit}?" + PERIOD])
def test_a_page_costs_the_same_few_queries_whatever_the_number_of_complaints(client, unit, figures, path):
    def statements(n):
        figures(n)
        with count_queries() as sent:
            assert client.get(path.format(unit=unit.id)).status_code == 200
        return len(sent)
    few = statements(3)
    many = statements(30)
    assert few == many <= 10


def test_the_pages_need_no_javascript_and_use_no_inline_style(client, unit, figures):
    figures(6)
    for path in ("/rapor?" + PERIOD, f"/rapor/unit/{unit.id}?" + PERIOD, "/rapor/cara-penilaian"):
        page = client.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)", page)  # no inline script (only Bootstrap's file)
        assert " style=" not in page and "<style" not in page
        assert "onclick" not in page


def test_each_chart_has_a_title_a_description_and_its_numbers_in_a_table(client, unit, figures):
    figures(6)
    page = client.get(f"/rapor/unit/{unit.id}?{PERIOD}").get_data(as_text=True)
    charts = re.findall(r"<svg[^>]*>.*?</svg>", page, re.S)
    assert len(charts) >= 4
    for chart in charts:
        opening = chart[:chart.index(">")]
        assert 'role="img"' in opening and 'viewBox="0 0 360' in opening and 'width="100%"' in opening
        ids = re.search(r'aria-labelledby="([^"]+)"', opening).group(1).split()
        assert f'<title id="{ids[0]}">' in chart and f'<desc id="{ids[1]}">' in chart
        after = page[page.index(chart) + len(chart):]
        assert after.index("<table") < after.index("<svg") if "<svg" in after else "<table" in after
    # The ratings chart's table holds its numbers.
    assert re.search(r"Nilai 5</th><td[^>]*>\d+</td>", page)


def test_the_method_page_explains_every_measure_and_is_not_the_ombudsmans(client):
    page = client.get("/rapor/cara-penilaian").get_data(as_text=True)
    for measure in measures.MEASURES:
        assert str(measure.label) in page
    assert "bukan penilaian kepatuhan standar pelayanan publik oleh Ombudsman Republik Indonesia" in page
    assert "Belum ada data survei" in page or "belum ada data survei" in page


def test_the_pages_read_in_english_through_the_language_switch(client, unit, figures):
    figures(4)
    with client.session_transaction() as session:
        session["lang"] = "en"
    page = client.get("/rapor/cara-penilaian").get_data(as_text=True)
    assert "Ombudsman" in page and "not" in page.lower()
    assert "How the scorecard" in page


def test_the_site_links_to_the_scorecard(client):
    page = client.get("/").get_data(as_text=True)
    assert 'href="/rapor"' in page


def test_a_city_without_figures_says_so(client):
    page = client.get("/rapor").get_data(as_text=True)
    assert "belum pernah dihitung" in page


def test_the_admin_page_lists_every_setting_with_its_default(client, login, make_user):
    login(make_user(ADMIN))
    page = client.get("/admin/rapor").get_data(as_text=True)
    for measure in measures.SCORED:
        assert f'name="{measure.key}.good"' in page
    assert 'name="zone.green"' in page and "Bawaan: 80" in page
