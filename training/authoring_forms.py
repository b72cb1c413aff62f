"""Forms of the authoring pages (Flask-WTF: CSRF on each). The services hold the rules; these
only parse and give quick feedback on empty or out-of-range fields."""
from flask_wtf.file import FileField
from wtforms import (BooleanField, FieldList, FormField, IntegerField, SelectField, StringField, SubmitField,
                     TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from core.forms import PageForm
from core.i18n import lazy_gettext as _l

from .authoring_services import MAX_LESSON_BODY, MAX_OPTION_TEXT, MAX_QUESTION_TEXT, MAX_SLUG, MAX_SUMMARY, MAX_TITLE
from .models import AUDIENCES, QUESTION_KINDS, READING_WORDS_PER_MINUTE, REVIEW_POLICIES
from .module_sources import MAX_SOURCE_TEXT, MAX_SOURCES, as_lines

REQUIRED = _l("Wajib diisi.")
OPTION_ROWS = 6


def _optional_int(value):
    return int(value) if value not in (None, "", "None") else None


class SourcesField(TextAreaField):
    """The module's sources as one line each; the service parses and checks the text."""

    def process_data(self, value):
        self.data = as_lines(value) if isinstance(value, list) else value


class ModuleForm(PageForm):
    title = StringField(_l("Judul"), validators=[DataRequired(REQUIRED), Length(max=MAX_TITLE)])
    slug = StringField(_l("Alamat halaman"), validators=[DataRequired(REQUIRED), Length(max=MAX_SLUG)],
                       description=_l("Huruf kecil, angka dan tanda hubung, misalnya kode-etik-asn, "
                                      "yang menjadi alamat /pelatihan/modul/kode-etik-asn."))
    summary = TextAreaField(_l("Ringkasan"), validators=[Length(max=MAX_SUMMARY)], render_kw={"rows": 3})
    audience = SelectField(_l("Sasaran"), choices=list(AUDIENCES.items()), validate_choice=False)
    prerequisite_id = SelectField(_l("Prasyarat"), coerce=_optional_int, validate_choice=False,
                                  description=_l("Modul yang harus diselesaikan lebih dulu."))
    estimated_minutes = IntegerField(_l("Perkiraan durasi (menit)"), default=30,
                                     validators=[InputRequired(REQUIRED), NumberRange(min=1, max=10000)])
    pass_mark = IntegerField(_l("Nilai lulus (persen)"), default=80,
                             validators=[InputRequired(REQUIRED), NumberRange(min=1, max=100)])
    questions_per_quiz = IntegerField(_l("Jumlah soal per kuis"), default=10,
                                      validators=[InputRequired(REQUIRED), NumberRange(min=1, max=500)])
    time_limit_minutes = IntegerField(_l("Batas waktu kuis (menit)"), validators=[Optional(), NumberRange(min=1, max=1440)],
                                      description=_l("Kosongkan bila tanpa batas waktu."))
    attempts_per_day = IntegerField(_l("Percobaan per hari"), default=3,
                                    validators=[InputRequired(REQUIRED), NumberRange(min=1, max=100)])
    validity_months = IntegerField(_l("Masa berlaku sertifikat (bulan)"),
                                   validators=[Optional(), NumberRange(min=1, max=240)],
                                   description=_l("Kosongkan bila sertifikat berlaku tanpa batas."))
    review_policy = SelectField(_l("Kunci jawaban ditampilkan"), choices=list(REVIEW_POLICIES.items()),
                                validate_choice=False,
                                description=_l("Sebelum itu, percobaan yang gagal hanya menunjukkan soal yang salah "
                                               "dan pelajaran yang perlu dibaca ulang."))
    retake_wait_minutes = IntegerField(_l("Jeda antarpercobaan (menit)"), default=10,
                                       validators=[InputRequired(REQUIRED), NumberRange(min=0, max=1440)],
                                       description=_l("Berlaku di samping batas percobaan per hari; "
                                                      "0 berarti tanpa jeda."))
    reading_time_check = BooleanField(_l("Periksa waktu baca minimum setiap pelajaran"), default=True,
                                      description=_l("Pelajaran baru dapat ditandai sudah dibaca setelah waktu baca "
                                                     "sesuai panjangnya (sekitar %(n)d kata per menit).",
                                                     n=READING_WORDS_PER_MINUTE))
    sources = SourcesField(_l("Sumber dan tanggal pemeriksaan"),
                           validators=[Length(max=MAX_SOURCES * (4 * MAX_SOURCE_TEXT + 10))], render_kw={"rows": 5},
                           description=_l("Satu sumber per baris: peraturan | pasal | tanggal diperiksa (TTTT-BB-HH) "
                                          "| catatan. Pasal dan catatan boleh kosong. Ditampilkan di akhir modul."))
    mandatory_for_asn = BooleanField(_l("Wajib bagi setiap ASN"))
    published = BooleanField(_l("Terbitkan (tampil bagi peserta)"))


class LessonForm(PageForm):
    title = StringField(_l("Judul pelajaran"), validators=[DataRequired(REQUIRED), Length(max=MAX_TITLE)])
    body = TextAreaField(_l("Isi (Markdown)"), validators=[DataRequired(REQUIRED), Length(max=MAX_LESSON_BODY)],
                         render_kw={"rows": 16},
                         description=_l("Markdown: ## Subjudul, **tebal**, *miring*, - daftar, [tautan](https://...)."))
    preview = SubmitField(_l("Pratinjau"))
    save = SubmitField(_l("Simpan"))


class OptionForm(PageForm):
    class Meta:
        csrf = False  # the enclosing question form carries the token

    text = StringField(_l("Pilihan"), validators=[Optional(), Length(max=MAX_OPTION_TEXT)])
    correct = BooleanField(_l("Benar"))


class QuestionForm(PageForm):
    kind = SelectField(_l("Jenis"), choices=list(QUESTION_KINDS.items()), validate_choice=False)
    text = TextAreaField(_l("Pertanyaan"), validators=[DataRequired(REQUIRED), Length(max=MAX_QUESTION_TEXT)],
                         render_kw={"rows": 3})
    explanation = TextAreaField(_l("Penjelasan"), validators=[Length(max=MAX_QUESTION_TEXT)], render_kw={"rows": 3},
                                description=_l("Ditampilkan setelah kuis dikirim, tidak pernah sebelumnya."))
    options = FieldList(FormField(OptionForm), min_entries=OPTION_ROWS, max_entries=OPTION_ROWS)
    lesson_id = SelectField(_l("Pelajaran untuk dibaca ulang"), coerce=_optional_int, validate_choice=False,
                            description=_l("Ditunjukkan kepada peserta yang menjawab soal ini dengan salah."))
    active = BooleanField(_l("Aktif (dipakai dalam kuis)"), default=True)


class ImportForm(PageForm):
    file = FileField(_l("Berkas JSON modul"), description=_l("Berkas hasil ekspor modul (format %(format)s).",
                                                             format="platform-training-module/1"))
    replace = BooleanField(_l("Perbarui modul yang sudah ada dengan alamat halaman yang sama"), default=True)
