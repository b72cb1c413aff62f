"""Forms for consultations: create/edit, documents, registration, attendance, and the list filter."""
from flask_wtf.file import FileField
from wtforms import BooleanField, DateTimeLocalField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from core.forms import PageForm
from core.i18n import lazy_gettext as _l

from .models import FORMATS, STAKEHOLDER_CATEGORIES, TOPIC_TYPES

REQUIRED = _l("Wajib diisi.")
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def optional_int(value):
    try:
        return int(value) if value not in (None, "", "None") else None
    except (TypeError, ValueError):
        return -1  # not a choice: the SelectField answers "not a valid choice"


class ConsultationForm(PageForm):
    title = StringField(_l("Judul"), validators=[DataRequired(REQUIRED), Length(min=5, max=200)],
                        description=_l("Misalnya: Rancangan standar pelayanan izin usaha mikro"))
    unit_id = SelectField(_l("Unit penyelenggara"), coerce=optional_int, validators=[DataRequired(_l("Pilih unit."))])
    topic_type = SelectField(_l("Jenis topik"), choices=[("", _l("— pilih jenis topik —"))] + list(TOPIC_TYPES.items()),
                             validators=[DataRequired(_l("Pilih jenis topik."))])
    description = TextAreaField(_l("Uraian"), validators=[DataRequired(REQUIRED), Length(min=20, max=20000)],
                                render_kw={"rows": 10},
                                description=_l("Latar belakang, pokok bahasan, dan masukan yang diharapkan. "
                                               "Mendukung Markdown sederhana."))
    format = RadioField(_l("Bentuk pelaksanaan"), choices=list(FORMATS.items()), default="tatap_muka",
                        validators=[DataRequired(REQUIRED)])
    opens_at = DateTimeLocalField(_l("Masukan dibuka"), format=DATETIME_FORMAT,
                                  validators=[DataRequired(_l("Isi tanggal dan jam."))])
    closes_at = DateTimeLocalField(_l("Batas akhir masukan"), format=DATETIME_FORMAT,
                                   validators=[DataRequired(_l("Isi tanggal dan jam."))])
    meeting_at = DateTimeLocalField(_l("Waktu pertemuan"), format=DATETIME_FORMAT,
                                    validators=[DataRequired(_l("Isi tanggal dan jam."))])
    place = StringField(_l("Tempat pertemuan"), validators=[Optional(), Length(max=300)],
                        description=_l("Wajib untuk pertemuan tatap muka dan hybrid."))
    online_link = StringField(_l("Tautan pertemuan daring"), validators=[Optional(), Length(max=500)],
                              render_kw={"inputmode": "url"},
                              description=_l("Wajib untuk pertemuan daring dan hybrid, diawali https://."))
    allow_citizen_input = BooleanField(_l("Warga terdaftar juga boleh menyampaikan masukan"),
                                       description=_l("Tanpa centang, hanya anggota organisasi terverifikasi."))


class DocumentForm(PageForm):
    document = FileField(_l("Dokumen (PDF)"))


class RegistrationForm(PageForm):
    stakeholder_category = SelectField(
        _l("Kategori pemangku kepentingan"),
        choices=[("", _l("— pilih kategori —"))] + list(STAKEHOLDER_CATEGORIES.items()),
        validators=[DataRequired(_l("Pilih kategori pemangku kepentingan."))])
    organisation_id = SelectField(_l("Mewakili organisasi (opsional)"), coerce=optional_int,
                                  validators=[Optional()])
    vulnerable_group = BooleanField(
        _l("Saya termasuk atau mewakili kelompok rentan"),
        description=_l("Misalnya penyandang disabilitas, lansia, anak, atau masyarakat adat; untuk menyiapkan "
                       "akomodasi yang layak."))


class AttendanceForm(PageForm):
    attended = RadioField(_l("Kehadiran"), choices=[("1", _l("Hadir")), ("0", _l("Tidak hadir"))],
                          validators=[DataRequired(_l("Pilih hadir atau tidak hadir."))])


class ListFilterForm(PageForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    FILTERS = ("unit_id", "topic_type", "stage")
    unit_id = SelectField(_l("Unit"), coerce=optional_int, validators=[Optional()])
    topic_type = SelectField(_l("Jenis topik"), choices=[("", _l("Semua jenis topik"))] + list(TOPIC_TYPES.items()),
                             validators=[Optional()])
    stage = SelectField(_l("Tahap"), validators=[Optional()])


class RescheduleForm(PageForm):
    """Moving the meeting once input has closed (until the berita acara is published)."""
    meeting_at = DateTimeLocalField(_l("Waktu pertemuan yang baru"), format=DATETIME_FORMAT,
                                    validators=[DataRequired(_l("Isi tanggal dan jam."))])
    place = StringField(_l("Tempat pertemuan"), validators=[Optional(), Length(max=300)],
                        description=_l("Wajib untuk pertemuan tatap muka dan hybrid."))
    online_link = StringField(_l("Tautan pertemuan daring"), validators=[Optional(), Length(max=500)],
                              render_kw={"inputmode": "url"},
                              description=_l("Wajib untuk pertemuan daring dan hybrid, diawali https://."))
