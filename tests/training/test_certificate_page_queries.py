"""Issue 15: the public certificate verification page reads the certificate in one SQL statement,
whoever asks (a signed-in person's account is the second), page cache or not."""
import pytest

from core.permissions import ORG_MEMBER

from tests.conftest import count_queries

BUDGET = {"visitor": 1, "holder": 2, "citizen": 2, "organisation member": 2, "moderator": 2, "admin": 2}


@pytest.mark.parametrize("who", list(BUDGET))
def test_the_verification_page_stays_within_its_budget(app, client, login, asn, admin, citizen, moderator,
                                                       make_user, make_module, make_certificate, monkeypatch, who):
    monkeypatch.setitem(app.config, "PAGE_CACHE_SECONDS", 0)  # a visitor's page rendered, as signed-in ones
    certificate = make_certificate(asn, make_module())
    person = {"holder": asn, "citizen": citizen, "admin": admin, "moderator": moderator,
              "organisation member": make_user(ORG_MEMBER, email="anggota@example.com")}.get(who)
    if person is not None:
        login(person)
    url = f"/pelatihan/sertifikat/{certificate.code}"
    client.get(url)  # warm-up: first-request work is not the page's
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200
    assert certificate.holder_name in response.get_data(as_text=True)
    assert len(statements) <= BUDGET[who], (who, statements)
