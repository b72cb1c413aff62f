"""The bases of every form (`PageForm`, `PlainForm`), the forms for the pages `core` owns, and the
one every pillar shares (Flask-WTF: CSRF on each)."""
import wtforms
from flask import has_request_context
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from .calendar import HOLIDAY, WORKING_DAY
from .i18n import lazy_gettext as _l

# WTForms' own messages (a Length or an Email validator without a message of ours, a bad choice),
# in Indonesian: WTForms ships no Indonesian catalogue, so they would reach an Indonesian page in
# English. Singular and plural are alike in Indonesian. English pages get WTForms' text.
WTFORMS_INDONESIAN = {
    "Invalid field name '%s'.": "Nama isian '%s' tidak sah.",
    "Field must be equal to %(other_name)s.": "Isian harus sama dengan %(other_name)s.",
    "Field must be at least %(min)d character long.": "Paling sedikit %(min)d karakter.",
    "Field must be at least %(min)d characters long.": "Paling sedikit %(min)d karakter.",
    "Field cannot be longer than %(max)d character.": "Paling banyak %(max)d karakter.",
    "Field cannot be longer than %(max)d characters.": "Paling banyak %(max)d karakter.",
    "Field must be exactly %(max)d character long.": "Harus tepat %(max)d karakter.",
    "Field must be exactly %(max)d characters long.": "Harus tepat %(max)d karakter.",
    "Field must be between %(min)d and %(max)d characters long.": "Harus %(min)d sampai %(max)d karakter.",
    "Number must be at least %(min)s.": "Angka paling kecil %(min)s.",
    "Number must be at most %(max)s.": "Angka paling besar %(max)s.",
    "Number must be between %(min)s and %(max)s.": "Angka harus antara %(min)s dan %(max)s.",
    "Date must be at least %(min)s.": "Tanggal paling awal %(min)s.",
    "Date must be at most %(max)s.": "Tanggal paling akhir %(max)s.",
    "Date must be between %(min)s and %(max)s.": "Tanggal harus antara %(min)s dan %(max)s.",
    "This field is required.": "Wajib diisi.",
    "Invalid input.": "Isian tidak sah.",
    "Invalid email address.": "Alamat e-mail tidak sah.",
    "Invalid IP address.": "Alamat IP tidak sah.",
    "Invalid Mac address.": "Alamat MAC tidak sah.",
    "Invalid URL.": "Alamat situs tidak sah.",
    "Invalid UUID.": "UUID tidak sah.",
    "Invalid value, must be one of: %(values)s.": "Nilai tidak sah; harus salah satu dari: %(values)s.",
    "Invalid value, can't be any of: %(values)s.": "Nilai tidak sah; tidak boleh salah satu dari: %(values)s.",
    "This field cannot be edited.": "Isian ini tidak dapat diubah.",
    "This field is disabled and cannot have a value.": "Isian ini dinonaktifkan dan tidak boleh berisi nilai.",
    "Invalid CSRF Token.": "Token keamanan formulir tidak sah. Muat ulang halaman, lalu coba lagi.",
    "CSRF token missing.": "Token keamanan formulir tidak ada. Muat ulang halaman, lalu coba lagi.",
    "CSRF failed.": "Pemeriksaan keamanan formulir gagal. Muat ulang halaman, lalu coba lagi.",
    "CSRF token expired.": "Token keamanan formulir kedaluwarsa. Muat ulang halaman, lalu coba lagi.",
    "Invalid Choice: could not coerce.": "Pilihan tidak sah.",
    "Choices cannot be None.": "Belum ada pilihan.",
    "Not a valid choice.": "Pilihan tidak sah.",
    "Invalid choice(s): one or more data inputs could not be coerced.": "Pilihan tidak sah.",
    "'%(value)s' is not a valid choice for this field.": "'%(value)s' bukan pilihan yang sah untuk isian ini.",
    "'%(value)s' are not valid choices for this field.": "'%(value)s' bukan pilihan yang sah untuk isian ini.",
    "Not a valid datetime value.": "Tanggal dan waktu tidak sah.",
    "Not a valid date value.": "Tanggal tidak sah.",
    "Not a valid time value.": "Waktu tidak sah.",
    "Not a valid week value.": "Minggu tidak sah.",
    "Not a valid integer value.": "Bukan bilangan bulat.",
    "Not a valid decimal value.": "Bukan angka desimal.",
    "Not a valid float value.": "Bukan angka.",
}


class _WTFormsMessages:
    """The translations object WTForms asks for its own messages: Indonesian on Indonesian pages."""

    @staticmethod
    def _indonesian():
        return has_request_context() and str(get_locale()) == "id"

    def gettext(self, string):
        return WTFORMS_INDONESIAN.get(string, string) if self._indonesian() else string

    def ngettext(self, singular, plural, n):
        string = singular if n == 1 else plural
        return WTFORMS_INDONESIAN.get(string, string) if self._indonesian() else string


WTFORMS_MESSAGES = _WTFormsMessages()


class _Messages:
    def get_translations(self, form):
        return WTFORMS_MESSAGES


class PageForm(FlaskForm):
    """The base of every form a page posts: Flask-WTF's (CSRF), with WTForms' own messages in the
    page's language."""

    Meta = _Messages


class PlainForm(wtforms.Form):
    """The base of a form without a CSRF token, with the same messages: a group of fields repeated
    inside a PageForm (FieldList(FormField(...))), or what the JSON API validates."""

    Meta = _Messages


class ActionForm(PageForm):
    """A button that changes state (publish, confirm, mark as read...): only the CSRF token travels."""


class CalendarDateForm(PageForm):
    # Field names match the `field` of the DomainErrors calendar.add_date raises (a duplicate
    # date, a year out of range), so attach_error shows them next to the field.
    # The browser's date picker sends YYYY-MM-DD; a typed Indonesian DD-MM-YYYY is accepted too.
    day = DateField(_l("Tanggal"), format=["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"],
                    validators=[InputRequired(_l("Wajib diisi."))],
                    invalid_value_message=_l("Tanggal tidak sah. Tulis seperti 2026-08-17 atau 17-08-2026."))
    name = StringField(_l("Nama atau keterangan"),
                       validators=[DataRequired(_l("Wajib diisi.")), Length(max=200, message=_l("Paling banyak 200 karakter."))],
                       description=_l("Misalnya: Hari Jadi Kota, atau Cuti Bersama menurut SKB terbaru."))
    # validate_choice off: validate_kind names what to choose.
    kind = RadioField(_l("Jenis koreksi"), default=HOLIDAY, validate_choice=False,
                      choices=[(HOLIDAY, _l("Hari libur tambahan")),
                               (WORKING_DAY, _l("Hari kerja (pengecualian)"))],
                      validators=[InputRequired(_l("Pilih jenis koreksi."))],
                      description=_l("Hari kerja (pengecualian) membuat tanggal itu dihitung sebagai hari kerja, "
                                     "meskipun akhir pekan atau hari libur nasional."))

    def validate_kind(self, field):
        if field.data not in (HOLIDAY, WORKING_DAY):
            raise ValidationError(_l("Pilih jenis koreksi."))
