"""GET /api/v1/certificates/<code>: what anyone holding the code may know, as JSON."""
from datetime import timedelta

from training import certificate_services as services

from .certificate_helpers import issued


def test_the_api_verifies_a_certificate(client, asn, make_module, now):
    certificate = issued(asn, make_module(title="Kode Etik ASN", validity_months=12), now)
    response = client.get(f"/api/v1/certificates/{certificate.code.lower()}")
    assert response.status_code == 200
    data = response.get_json()
    assert data == {"code": certificate.code, "holder_name": "Siti Rahmawati", "module": "Kode Etik ASN",
                    "issued_at": certificate.issued_at.isoformat(), "expires_at": certificate.expires_at.isoformat(),
                    "status": "valid", "revoked_at": None}
    assert "198503122010011003" not in response.get_data(as_text=True)
    assert "asn@example.com" not in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"  # the holder's name


def test_the_api_reports_revoked_and_expired(client, asn, admin, make_module, now):
    revoked = issued(asn, make_module(), now)
    services.revoke(admin, revoked, reason="Rahasia", now=now + timedelta(hours=1))
    data = client.get(f"/api/v1/certificates/{revoked.code}").get_json()
    assert data["status"] == "revoked" and data["revoked_at"] is not None
    assert "Rahasia" not in str(data)
    expired = issued(asn, make_module(validity_months=1), now - timedelta(days=400))
    assert client.get(f"/api/v1/certificates/{expired.code}").get_json()["status"] == "expired"


def test_an_unknown_code_is_a_json_404(client):
    response = client.get("/api/v1/certificates/SRT-TIDAKADA2345")
    assert response.status_code == 404
    assert response.get_json()["error"]["status"] == 404
