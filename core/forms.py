"""Forms for the pages `core` owns, and the one every pillar shares (Flask-WTF: CSRF on each)."""
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from .calendar import HOLIDAY, WORKING_DAY
from .i18n import lazy_gettext as _l


class ActionForm(FlaskForm):
    """A button that changes state (publish, confirm, mark as read...): only the CSRF token travels."""


class CalendarDateForm(FlaskForm):
    # Field names match the `field` of the DomainErrors calendar.add_date raises (a duplicate
    # date, a year out of range), so attach_error shows them next to the field.
    # The browser's date picker sends YYYY-MM-DD; a typed Indonesian DD-MM-YYYY is accepted too.
    day = DateField(_l("Tanggal"), format=["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"],
                    validators=[InputRequired(_l("Wajib diisi."))],
                    invalid_value_message=_l("Tanggal tidak sah. Tulis seperti 2026-08-17 atau 17-08-2026."))
    name = StringField(_l("Nama atau keterangan"),
                       validators=[DataRequired(_l("Wajib diisi.")), Length(max=200, message=_l("Paling banyak 200 karakter."))],
                       description=_l("Misalnya: Hari Jadi Kota, atau Cuti Bersama menurut SKB terbaru."))
    # validate_choice off: validate_kind says it in the user's language (WTForms has no Indonesian).
    kind = RadioField(_l("Jenis koreksi"), default=HOLIDAY, validate_choice=False,
                      choices=[(HOLIDAY, _l("Hari libur tambahan")),
                               (WORKING_DAY, _l("Hari kerja (pengecualian)"))],
                      validators=[InputRequired(_l("Pilih jenis koreksi."))],
                      description=_l("Hari kerja (pengecualian) membuat tanggal itu dihitung sebagai hari kerja, "
                                     "meskipun akhir pekan atau hari libur nasional."))

    def validate_kind(self, field):
        if field.data not in (HOLIDAY, WORKING_DAY):
            raise ValidationError(_l("Pilih jenis koreksi."))
