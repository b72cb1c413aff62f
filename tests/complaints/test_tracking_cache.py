"""The public tracking page is cached for anonymous visitors (core/page_cache.py) but never hides a
step: every change to a complaint gives the complaints a new revision."""
from complaints import services

from tests.conftest import count_queries


def visit(client, code):
    with count_queries() as statements:
        response = client.get(f"/pengaduan/lacak/{code}")
    assert response.status_code == 200
    return len(statements), response.get_data(as_text=True)


def test_a_second_visit_costs_one_query_and_a_new_step_shows_at_once(client, complaint, moderator, unit, in_request):
    code = complaint.tracking_code
    first, _page = visit(client, code)
    again, _page = visit(client, code)
    assert first <= 10 and again == 1
    services.verify(moderator, complaint, unit_id=unit.id)
    _count, page = visit(client, code)
    assert "Diverifikasi" in page


def test_the_reporter_gets_their_own_page_not_the_cached_one(client, app, file_complaint):
    complaint, key = file_complaint()
    visit(client, complaint.tracking_code)  # cached for anonymous visitors
    reporter = app.test_client()
    reporter.get(f"/pengaduan/akses/{complaint.tracking_code}/{key}")
    _count, page = visit(reporter, complaint.tracking_code)
    assert "Buka halaman pelapor" in page
    assert "Buka halaman pelapor" not in visit(client, complaint.tracking_code)[1]


def test_a_change_to_another_complaint_leaves_this_page_in_the_cache(client, file_complaint, moderator, unit,
                                                                     in_request):
    mine, other = file_complaint()[0], file_complaint(title="Lampu jalan mati di Jl. Sudirman")[0]
    visit(client, mine.tracking_code)
    services.verify(moderator, other, unit_id=unit.id)
    assert visit(client, mine.tracking_code)[0] == 1  # its own revision did not move


def test_a_code_typed_in_lower_case_still_shows_a_new_step_at_once(client, complaint, moderator, unit, in_request):
    code = complaint.tracking_code.lower()
    assert "Diverifikasi" not in visit(client, code)[1]
    services.verify(moderator, complaint, unit_id=unit.id)
    assert "Diverifikasi" in visit(client, code)[1]
