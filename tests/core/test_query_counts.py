"""List pages issue a bounded number of queries whatever the number of rows."""
import pytest

from core.permissions import ADMIN, ASN
from tests.conftest import count_queries


def queries_for(client, url):
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200
    return len(statements)


@pytest.mark.parametrize("url", ["/admin/pengguna", "/organisasi", "/admin/organisasi?status=verified",
                                 "/admin/audit", "/admin/unit"])
def test_list_pages_do_not_grow_queries_with_rows(client, login, make_user, make_unit, make_organisation, url):
    from accounts import services
    admin = make_user(ADMIN)
    login(admin)

    def add(n, start):
        for i in range(start, start + n):
            unit = make_unit(f"Unit {i}", f"U{i}")
            user = make_user(ASN, unit=unit)
            make_organisation(f"Organisasi {i}", contact=user)
            services.set_active(admin, user, False)
    add(2, 0)
    few = queries_for(client, url)
    add(15, 2)
    many = queries_for(client, url)
    assert many == few
    assert many <= 8
