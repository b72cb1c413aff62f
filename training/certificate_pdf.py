"""Drawing the certificate: an A4 landscape PDF with a QR code of its verification address.

Only drawing lives here; what the certificate says comes from the certificate row (which keeps
what it said when issued) and certificate_services.render_pdf, which gives the address and its QR
code. Always in Bahasa Indonesia; the DejaVu fonts shipped in forum/fonts cover Indonesian text
whatever fonts the machine has.
"""
import io
import os

from flask import current_app
from flask_babel import force_locale

from core.i18n import format_day
from core.i18n import gettext as _

FONT_DIR = os.path.join(os.path.dirname(os.path.dirname(__file__)), "forum", "fonts")


def qr_png(data):
    """A QR code of `data` as PNG bytes."""
    import qrcode

    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8, border=2)
    qr.add_data(data)
    qr.make(fit=True)
    buffer = io.BytesIO()
    qr.make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    return buffer.getvalue()


def draw(certificate, *, url, qr):
    """The certificate as PDF bytes; `url` is its verification address and `qr` that address's QR code (PNG)."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    config = current_app.config
    with force_locale("id"):
        pdf = FPDF(orientation="L", unit="mm", format="A4")
        pdf.set_title(_("Sertifikat") + f" {certificate.code}")
        pdf.set_author(_("Pemerintah %(city)s", city=config["CITY_NAME"]))
        pdf.set_creator(config.get("SITE_NAME", "FKP"))
        pdf.add_font("DejaVu", "", os.path.join(FONT_DIR, "DejaVuSans.ttf"))
        pdf.add_font("DejaVu", "B", os.path.join(FONT_DIR, "DejaVuSans-Bold.ttf"))
        pdf.set_margins(25, 20, 25)
        pdf.set_auto_page_break(False)
        pdf.add_page()
        width = pdf.epw
        nl = {"new_x": XPos.LMARGIN, "new_y": YPos.NEXT}

        # A double frame around the page.
        pdf.set_draw_color(20, 60, 120)
        pdf.set_line_width(1.2)
        pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
        pdf.set_line_width(0.3)
        pdf.rect(13, 13, pdf.w - 26, pdf.h - 26)

        def centred(text, size, style="", height=None, gap=0):
            pdf.set_font("DejaVu", style, size)
            pdf.multi_cell(width, height or size * 0.5, text, align="C", **nl)
            if gap:
                pdf.ln(gap)

        pdf.set_y(24)
        pdf.set_text_color(60)
        centred(_("Pemerintah %(city)s", city=config["CITY_NAME"]).upper(), 12, "B", gap=6)
        pdf.set_text_color(20, 60, 120)
        centred(_("SERTIFIKAT"), 32, "B", height=14, gap=4)
        pdf.set_text_color(0)
        centred(_("diberikan kepada"), 12, gap=3)
        centred(certificate.holder_name, 22, "B", height=11, gap=1)
        if certificate.holder_nip:
            centred(_("NIP %(nip)s", nip=certificate.holder_nip), 11, gap=1)
        pdf.ln(3)
        centred(_("telah menyelesaikan modul pelatihan"), 12, gap=2)
        centred(certificate.module_title, 16, "B", height=8, gap=2)
        centred(_("dengan nilai %(score)s", score=certificate.score), 11, gap=5)

        issued = format_day(certificate.issued_at)
        validity = (_("Berlaku sampai %(date)s", date=format_day(certificate.expires_at))
                    if certificate.expires_at else _("Berlaku tanpa batas waktu"))
        centred(_("%(city)s, %(date)s", city=config["CITY_NAME"], date=issued), 11, gap=1)
        centred(validity, 11)

        # The verification block: the QR code bottom right, the code and the address beside it.
        size = 32
        x, y = pdf.w - 25 - size, pdf.h - 22 - size
        pdf.image(io.BytesIO(qr), x=x, y=y, w=size, h=size)
        pdf.set_xy(25, y + 6)
        pdf.set_font("DejaVu", "B", 11)
        pdf.cell(width - size - 5, 6, _("Kode verifikasi: %(code)s", code=certificate.code), **nl)
        pdf.set_font("DejaVu", "", 9)
        pdf.set_text_color(60)
        pdf.multi_cell(width - size - 5, 5, _("Periksa keaslian sertifikat ini dengan memindai kode QR atau "
                                              "membuka alamat berikut:"), align="L", **nl)
        pdf.multi_cell(width - size - 5, 5, url, align="L", **nl)
        return bytes(pdf.output())
