import pytest

from complaints import services
from core.permissions import ASN, MODERATOR

from tests.conftest import WIB  # noqa: F401  (re-exported: the tests here import it from this module)
from tests.conftest import NOW as MONDAY  # an ordinary week: due Monday 9 November, 23:59:59


@pytest.fixture
def unit(make_unit):
    return make_unit()


@pytest.fixture
def handler(make_user, unit):
    return make_user(ASN, unit=unit, email="petugas@example.com")


@pytest.fixture
def moderator(make_user):
    return make_user(MODERATOR, email="moderator@example.com")


@pytest.fixture
def file_complaint(app):
    """File a complaint as the service does for the web form; returns (complaint, reporter_key)."""
    def file(now=MONDAY, **fields):
        values = dict(title="Jalan berlubang di Jl. Merdeka", category="infrastruktur",
                      description="Lubang besar di depan SDN 12 membahayakan pengendara motor.",
                      classification="pengaduan", reporter_name="Rudi Hartono", reporter_email="rudi@example.com",
                      reporter_phone="081234567890")
        values.update(fields)
        with app.test_request_context():
            return services.file_complaint(now=now, **values)
    return file


@pytest.fixture
def complaint(file_complaint):
    return file_complaint()[0]
