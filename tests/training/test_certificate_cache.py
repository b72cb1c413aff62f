"""The public verification page is cached for anonymous visitors, and a revocation shows at once."""
from training import certificate_services

from tests.conftest import count_queries


def test_verification_is_cached_and_a_revocation_shows_on_the_next_visit(client, asn, admin, make_module,
                                                                         make_certificate):
    certificate = make_certificate(asn, make_module())
    url = f"/pelatihan/sertifikat/{certificate.code}"
    client.get(url)
    with count_queries() as statements:
        assert client.get(url).status_code == 200
    assert len(statements) == 1
    assert "Dicabut" not in client.get(url).get_data(as_text=True)
    certificate_services.revoke(admin, certificate, reason="Diperoleh dengan curang")
    assert "Dicabut" in client.get(url).get_data(as_text=True)
