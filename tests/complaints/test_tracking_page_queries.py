"""Issue 15: the tracking page reads the complaint, its unit, its timeline and the forum input it came
from in one SQL statement (a signed-in person's account is the second), and never decrypts the
reporter's contact, which it does not show."""
import pytest

import core.encryption
from complaints import services
from core.permissions import ASN, CITIZEN, ORG_MEMBER

from tests.conftest import count_queries


@pytest.fixture
def decrypted(monkeypatch):
    """Every value decrypted from here on (still decrypted: the pages work as ever)."""
    values = []
    real = core.encryption.decrypt

    def counted(token):
        values.append(token)
        return real(token)
    monkeypatch.setattr(core.encryption, "decrypt", counted)
    return values


@pytest.fixture
def worked_on(complaint, moderator, unit, in_request):
    """A complaint a few steps into its life: public steps and an internal note on its timeline."""
    services.verify(moderator, complaint, unit_id=unit.id)
    services.add_note(moderator, complaint, text="Catatan internal untuk petugas")
    return complaint


def visit(client, code, decrypted):
    decrypted.clear()  # what setting the complaint up decrypted
    client.get(f"/pengaduan/lacak/{code}")  # warm-up: first-request work is not the page's
    with count_queries() as statements:
        response = client.get(f"/pengaduan/lacak/{code}")
    assert response.status_code == 200
    return statements, response.get_data(as_text=True)


def test_a_visitor_gets_the_page_in_one_statement_without_decrypting_the_reporter(app, client, worked_on,
                                                                                  monkeypatch, decrypted):
    monkeypatch.setitem(app.config, "PAGE_CACHE_SECONDS", 0)
    statements, page = visit(client, worked_on.tracking_code, decrypted)
    assert len(statements) == 1, statements
    assert decrypted == []
    assert "Diverifikasi" in page and worked_on.unit.name in page
    assert "Catatan internal" not in page and "Rudi Hartono" not in page


def test_the_reporter_signed_in_gets_it_in_two(app, client, login, make_user, file_complaint, moderator, unit,
                                               in_request, decrypted):
    reporter = make_user()
    complaint, _key = file_complaint(reporter=reporter, reporter_name=None, reporter_email=None)
    services.verify(moderator, complaint, unit_id=unit.id)
    login(reporter)
    statements, page = visit(client, complaint.tracking_code, decrypted)
    assert len(statements) == 2, statements
    assert decrypted == []
    assert "Buka halaman pelapor" in page


def test_a_moderator_gets_it_in_two(client, login, moderator, worked_on, decrypted):
    login(moderator)
    statements, page = visit(client, worked_on.tracking_code, decrypted)
    assert len(statements) == 2, statements
    assert decrypted == []
    assert "Diverifikasi" in page and "Catatan internal" not in page


@pytest.mark.parametrize("role", [CITIZEN, ORG_MEMBER, ASN])
def test_anyone_else_signed_in_gets_it_in_two(client, login, make_user, worked_on, decrypted, role):
    """A citizen who did not file it, an organisation member, an ASN: the roles `make bench` loads."""
    login(make_user(role, email=f"{role}@example.com"))
    statements, page = visit(client, worked_on.tracking_code, decrypted)
    assert len(statements) == 2, statements
    assert decrypted == []
    assert "Diverifikasi" in page and "Catatan internal" not in page


def test_the_api_answers_in_one_statement_with_the_page_cache_off(app, client, worked_on, monkeypatch, decrypted):
    monkeypatch.setitem(app.config, "PAGE_CACHE_SECONDS", 0)
    code = worked_on.tracking_code
    url = f"/api/v1/complaints/{code}"
    client.get(url)  # warm-up
    decrypted.clear()
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200 and response.json["tracking_code"] == code
    assert len(statements) == 1, statements
    assert decrypted == []
