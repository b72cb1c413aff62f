"""Drawing the berita acara: the A4 PDF of the minutes, always in Bahasa Indonesia (the official record).

Only drawing lives here: minutes_services.render_pdf gathers what the document lists (who attended,
each agreement's responsible unit and target date) and calls draw(). The DejaVu fonts ship in
forum/fonts, so the output never depends on the machine's fonts.
"""
import os

from flask import current_app
from flask_babel import force_locale

from core.i18n import format_day, format_moment
from core.i18n import gettext as _

FONT_DIR = os.path.join(os.path.dirname(__file__), "fonts")


def _pdf_class():
    from fpdf import FPDF

    class MinutesPDF(FPDF):
        footer_text = ""

        def footer(self):
            self.set_y(-15)
            self.set_font("DejaVu", size=8)
            self.set_text_color(90)
            self.cell(0, 8, f"{self.footer_text} · {self.page_no()}/{{nb}}", align="C")

    return MinutesPDF


def draw(minutes, *, present, others, plan, units):
    """The berita acara as PDF bytes.

    present: the participants marked present; others: the other attendees' lines; plan: {agreement
    number: (unit_id, target_date)} for agreements without an action yet; units: {unit id: Unit}.
    """
    from fpdf.enums import XPos, YPos

    consultation = minutes.consultation
    with force_locale("id"):
        pdf = _pdf_class()(orientation="P", unit="mm", format="A4")
        pdf.footer_text = _("Berita acara FKP: %(title)s", title=consultation.title)[:110]
        pdf.set_title(_("Berita Acara Forum Konsultasi Publik") + f" - {consultation.title}")
        pdf.set_author(consultation.unit.name)
        pdf.set_creator(current_app.config.get("SITE_NAME", "FKP"))
        pdf.add_font("DejaVu", "", os.path.join(FONT_DIR, "DejaVuSans.ttf"))
        pdf.add_font("DejaVu", "B", os.path.join(FONT_DIR, "DejaVuSans-Bold.ttf"))
        pdf.set_margins(20, 18, 20)
        pdf.set_auto_page_break(True, margin=20)
        pdf.add_page()
        width = pdf.epw
        nl = {"new_x": XPos.LMARGIN, "new_y": YPos.NEXT}

        def heading(text):
            pdf.ln(3)
            pdf.set_font("DejaVu", "B", 11)
            pdf.multi_cell(width, 6, text, **nl)
            pdf.set_font("DejaVu", "", 10)

        def paragraph(text, indent=0):
            pdf.set_x(pdf.l_margin + indent)
            pdf.multi_cell(width - indent, 5.5, text, **nl)

        pdf.set_font("DejaVu", "B", 14)
        pdf.multi_cell(width, 7, _("BERITA ACARA FORUM KONSULTASI PUBLIK"), align="C", **nl)
        pdf.set_font("DejaVu", "B", 11)
        pdf.multi_cell(width, 6, consultation.unit.name.upper(), align="C", **nl)
        pdf.ln(2)
        pdf.set_font("DejaVu", "", 11)
        pdf.multi_cell(width, 6, consultation.title, align="C", **nl)
        pdf.ln(2)
        pdf.set_draw_color(0)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + width, pdf.get_y())
        pdf.ln(4)

        pdf.set_font("DejaVu", "", 10)
        held = format_moment(minutes.held_at, "full")
        rows = [(_("Hari, tanggal, waktu"), held), (_("Tempat"), minutes.place),
                (_("Penyelenggara"), consultation.unit.name), (_("Topik"), str(consultation.topic_label))]
        for label, value in rows:
            pdf.set_font("DejaVu", "B", 10)
            pdf.cell(45, 5.5, label)
            pdf.set_font("DejaVu", "", 10)
            pdf.multi_cell(width - 45, 5.5, f": {value}", **nl)

        heading(_("Daftar hadir"))
        names = []
        for participant in present:
            line = participant.user.full_name
            if participant.organisation is not None:
                line += f" — {participant.organisation.name}"
            line += f" ({participant.category_label})"
            names.append(line)
        names += others
        if names:
            for number, line in enumerate(names, start=1):
                paragraph(f"{number}. {line}", indent=2)
        else:
            paragraph(_("Tidak ada daftar hadir yang tercatat."))
        pdf.set_font("DejaVu", "", 9)
        paragraph(_("Jumlah peserta hadir: %(n)s orang.", n=len(names)))
        pdf.set_font("DejaVu", "", 10)

        heading(_("Ringkasan jalannya forum"))
        for block in minutes.summary.split("\n"):
            paragraph(block.rstrip() or " ")

        heading(_("Kesepakatan dan rencana tindak lanjut"))
        for agreement in minutes.agreements:
            if agreement.action is not None:
                unit_id, target = agreement.action.unit_id, agreement.action.target_date
            else:
                unit_id, target = plan.get(agreement.number, (None, None))
            unit = units.get(unit_id)
            pdf.set_font("DejaVu", "B", 10)
            pdf.cell(8, 5.5, f"{agreement.number}.")
            pdf.set_font("DejaVu", "", 10)
            pdf.multi_cell(width - 8, 5.5, agreement.text, **nl)
            pdf.set_font("DejaVu", "", 9)
            detail = _("Penanggung jawab: %(unit)s; target: %(date)s",
                       unit=unit.name if unit else "—", date=format_day(target) if target else "—")
            paragraph(detail, indent=8)
            pdf.set_font("DejaVu", "", 10)
            pdf.ln(1)

        heading(_("Penanda tangan"))
        paragraph(_("Demikian berita acara ini dibuat untuk dilaksanakan sebagaimana mestinya."))
        pdf.ln(2)
        columns, col_width, box_height = 2, width / 2, 42
        for index, person in enumerate(minutes.signatories or []):
            column = index % columns
            if column == 0:
                if pdf.get_y() + box_height > pdf.page_break_trigger:
                    pdf.add_page()
                top = pdf.get_y()
            x = pdf.l_margin + column * col_width
            pdf.set_xy(x, top)
            pdf.set_font("DejaVu", "", 9)
            role = ", ".join(p for p in (person.get("position"), person.get("organisation")) if p)
            pdf.multi_cell(col_width - 4, 4.5, role or " ", align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
            pdf.set_xy(x, top + 28)
            pdf.set_font("DejaVu", "B", 10)
            pdf.multi_cell(col_width - 4, 5, person.get("name", ""), align="C", border="T",
                           new_x=XPos.LEFT, new_y=YPos.NEXT)
            if column == columns - 1 or index == len(minutes.signatories) - 1:
                pdf.set_xy(pdf.l_margin, top + box_height)
        return bytes(pdf.output())
