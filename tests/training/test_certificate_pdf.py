"""The certificate PDF: it opens, says who passed what and until when, and carries a QR code of the
public verification URL."""
import io
import re
from datetime import datetime, timezone

import qrcode
from PIL import Image

from training import certificate_services as services

from ..forum.minutes_helpers import pdf_text
from .certificate_helpers import issued


def test_the_pdf_names_the_holder_the_module_and_the_code(app, asn, make_module):
    module = make_module(title="Nilai Dasar BerAKHLAK", validity_months=12)
    certificate = issued(asn, module, datetime(2026, 8, 17, 3, 0, tzinfo=timezone.utc), score=92)
    data = services.render_pdf(certificate)
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    for expected in ("SERTIFIKAT", "diberikan kepada", "Siti Rahmawati", "NIP 198503122010011003",
                     "telah menyelesaikan modul pelatihan", "Nilai Dasar BerAKHLAK", "92",
                     "17 Agustus 2026", "Berlaku sampai 17 Agustus 2027", app.config["CITY_NAME"], certificate.code):
        assert expected in text, expected


def test_a_certificate_without_expiry_says_so_and_has_no_nip_for_citizens(citizen, make_module, now):
    citizen.nip = None
    certificate = issued(citizen, make_module(audience="komunitas", validity_months=None), now)
    text = pdf_text(services.render_pdf(certificate))
    assert "tanpa batas waktu" in text and "Budi Santoso" in text and "NIP" not in text


def test_the_pdf_embeds_a_qr_code_of_the_verification_url(app, asn, make_module, now, monkeypatch):
    certificate = issued(asn, make_module(), now)
    encoded = []
    real = services.qr_png
    monkeypatch.setattr(services, "qr_png", lambda data: encoded.append(data) or real(data))
    data = services.render_pdf(certificate)
    assert re.search(rb"/Subtype\s*/Image", data)
    url = services.verification_url(certificate.code)
    assert encoded == [url]
    assert url == f"{app.config['EXTERNAL_URL']}/pelatihan/sertifikat/{certificate.code}"


def test_the_qr_image_holds_the_matrix_of_the_url(app):
    url = "http://127.0.0.1:5000/pelatihan/sertifikat/SRT-ABCDEFGH2345"
    image = Image.open(io.BytesIO(services.qr_png(url))).convert("L")
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    qr.add_data(url)
    qr.make(fit=True)
    matrix = qr.get_matrix()
    modules = len(matrix)
    border = 2
    box = image.width // (modules + 2 * border)
    assert image.width == box * (modules + 2 * border)
    read = [[image.getpixel(((border + x) * box + box // 2, (border + y) * box + box // 2)) < 128
             for x in range(modules)] for y in range(modules)]
    assert read == matrix


def test_the_pdf_is_served_with_its_download_name(client, login, asn, make_module, now):
    certificate = issued(asn, make_module(), now)
    response = login(asn).get(f"/pelatihan/sertifikat/{certificate.code}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert f"sertifikat-{certificate.code}.pdf" in response.headers["Content-Disposition"]
    assert certificate.code in pdf_text(response.data)


def test_the_verification_url_is_the_public_address_whatever_the_request_host(app):
    with app.test_request_context(base_url="http://10.0.0.5:8000"):
        url = services.verification_url("SRT-ABCDEFGH2345")
    assert url == f"{app.config['EXTERNAL_URL']}/pelatihan/sertifikat/SRT-ABCDEFGH2345"
