"""Forms for complaints: the intake (web and API share its fields) and each staff and reporter step."""
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, EmailField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from core.forms import PageForm, PlainForm
from core.i18n import lazy_gettext as _l

from .models import CATEGORIES, CLASSIFICATIONS, REJECTION_LABELS, STATUS_LABELS
from .public_list import LISTED_STATUS_LABELS, SORT_NEWEST

REQUIRED = _l("Wajib diisi.")


def _optional_int(value):
    try:
        return int(value) if value not in (None, "", "None") else None
    except (TypeError, ValueError):
        return -1  # not a choice: the SelectField answers "not a valid choice"


class ComplaintFields:
    """The intake fields, shared by the web form and the JSON API."""

    title = StringField(_l("Judul"), validators=[DataRequired(REQUIRED), Length(min=5, max=200)],
                        description=_l("Ringkas, misalnya: Jalan berlubang di depan SDN 12"))
    description = TextAreaField(_l("Uraian"), validators=[DataRequired(REQUIRED), Length(min=20, max=5000)],
                                description=_l("Apa yang terjadi, kapan, dan apa yang Anda harapkan."))
    classification = RadioField(_l("Jenis laporan"), choices=list(CLASSIFICATIONS.items()), default="pengaduan",
                                validators=[DataRequired(REQUIRED)])
    category = SelectField(_l("Kategori"), choices=[("", _l("— pilih kategori —"))] + list(CATEGORIES.items()),
                           validators=[DataRequired(_l("Pilih kategori."))])
    unit_id = SelectField(_l("Unit yang dituju"), coerce=_optional_int,
                          description=_l("Pilih \"Tidak tahu\" bila ragu; moderator akan meneruskan ke unit yang tepat."))
    location = StringField(_l("Lokasi kejadian (opsional)"), validators=[Optional(), Length(max=300)])
    anonymous = BooleanField(_l("Anonim: rahasiakan identitas saya"),
                             description=_l("Identitas Anda tidak ditampilkan kepada siapa pun, termasuk SP4N-LAPOR! dan petugas."))
    confidential = BooleanField(_l("Rahasia: jangan tampilkan isi laporan ke publik"),
                                description=_l("Isi laporan hanya dilihat petugas yang menangani."))
    reporter_name = StringField(_l("Nama (opsional)"), validators=[Optional(), Length(max=120)],
                                render_kw={"autocomplete": "name"})
    reporter_email = EmailField(_l("E-mail (opsional)"),
                                validators=[Optional(), Email(_l("Alamat e-mail tidak sah.")), Length(max=254)],
                                render_kw={"autocomplete": "email"},
                                description=_l("Untuk menerima kode pelacakan dan kabar penanganan."))
    reporter_phone = StringField(_l("Telepon (opsional)"), validators=[Optional(), Length(max=30)],
                                 render_kw={"autocomplete": "tel", "inputmode": "tel"})


class ComplaintForm(ComplaintFields, PageForm):
    # Its hint, with the size limit from the settings, is written by the template.
    attachments = MultipleFileField(_l("Lampiran (opsional)"))
    # One-time token made when the form is shown: a double click or a resubmit files one complaint.
    once_token = HiddenField(validators=[Optional(), Length(max=64)])


class ComplaintApiForm(ComplaintFields, PlainForm):
    """The same fields for `POST /api/v1/complaints` (no CSRF: the API uses no session)."""


class TrackForm(PageForm):
    class Meta:
        csrf = False  # a GET lookup changes nothing

    kode = StringField(_l("Kode pelacakan"), validators=[DataRequired(REQUIRED), Length(max=40)],
                       render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"})


class QueueFilterForm(PageForm):
    class Meta:
        csrf = False

    status = SelectField(_l("Status"), validators=[Optional()],
                         choices=[("", _l("Semua yang terbuka")), ("all", _l("Semua")),
                                  ("needs_moderator", _l("Perlu moderator (belum diverifikasi atau unit tanpa petugas)"))]
                         + list(STATUS_LABELS.items()))
    unit_id = SelectField(_l("Unit"), coerce=_optional_int, validators=[Optional()])
    due = SelectField(_l("Tenggat"), validators=[Optional()],
                      choices=[("", _l("Semua")), ("overdue", _l("Lewat tenggat")), ("soon", _l("Jatuh tempo segera"))])
    q = StringField(_l("Cari kode atau judul"), validators=[Optional(), Length(max=100)])
    pengawalan = SelectField(_l("Pengawalan"), validators=[Optional()],
                             choices=[("", _l("Semua")), ("dikawal", _l("Dikawal organisasi")),
                                      ("tidak", _l("Tidak dikawal"))])


class VerifyForm(PageForm):
    unit_id = SelectField(_l("Unit penanggung jawab"), coerce=_optional_int, validators=[DataRequired(_l("Pilih unit."))])
    category = SelectField(_l("Kategori"), choices=list(CATEGORIES.items()))
    classification = SelectField(_l("Jenis laporan"), choices=list(CLASSIFICATIONS.items()))
    anonymous = BooleanField(_l("Anonim"))
    confidential = BooleanField(_l("Rahasia"))
    note = TextAreaField(_l("Catatan internal (opsional)"), validators=[Optional(), Length(max=2000)])


class RerouteForm(PageForm):
    unit_id = SelectField(_l("Unit baru"), coerce=_optional_int, validators=[DataRequired(_l("Pilih unit."))])
    reason = TextAreaField(_l("Alasan pengalihan"), validators=[DataRequired(REQUIRED), Length(max=2000)])


class RejectForm(PageForm):
    kind = SelectField(_l("Alasan penolakan"), choices=list(REJECTION_LABELS.items()))
    reason = TextAreaField(_l("Penjelasan untuk pelapor"), validators=[DataRequired(REQUIRED), Length(max=2000)])
    referral = StringField(_l("Instansi yang berwenang (bila bukan kewenangan kota)"),
                           validators=[Optional(), Length(max=300)])
    duplicate_code = StringField(_l("Kode pengaduan asal (bila duplikat)"), validators=[Optional(), Length(max=40)])


class MessageForm(PageForm):
    message = TextAreaField(_l("Pesan"), validators=[DataRequired(REQUIRED), Length(max=5000)])


class ReplyForm(MessageForm):
    """The reporter's answer, with files (a clearer photo the officer asked for)."""

    attachments = MultipleFileField(_l("Lampiran (opsional)"))


class ResolveForm(PageForm):
    response = TextAreaField(_l("Tanggapan penyelesaian (dapat dilihat publik bila pengaduan tidak rahasia)"),
                             validators=[DataRequired(REQUIRED), Length(max=5000)])


class NoteForm(PageForm):
    text = TextAreaField(_l("Catatan internal (tidak terlihat oleh pelapor)"),
                         validators=[DataRequired(REQUIRED), Length(max=5000)])


class ForwardForm(PageForm):
    reason = TextAreaField(_l("Alasan meneruskan sebelum tenggat"), validators=[DataRequired(REQUIRED), Length(max=2000)])


class DisputeForm(PageForm):
    reason = TextAreaField(_l("Mengapa penyelesaian belum sesuai?"), validators=[DataRequired(REQUIRED), Length(max=5000)])


class RatingForm(PageForm):
    rating = RadioField(_l("Nilai penanganan"), coerce=int, choices=[(n, str(n)) for n in range(1, 6)],
                        validators=[DataRequired(_l("Pilih nilai 1 sampai 5."))])
    comment = TextAreaField(_l("Komentar (opsional)"), validators=[Optional(), Length(max=2000)])

    def validate_rating(self, field):
        if field.data not in range(1, 6):
            raise ValidationError(_l("Pilih nilai 1 sampai 5."))



# --- accompaniment (pengawalan) ----------------------------------------------------------------

class OrganisationSearchForm(PageForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    q = StringField(_l("Cari nama organisasi"), validators=[Optional(), Length(max=100)])


class AccompanimentRequestForm(PageForm):
    # Its choices are the verified organisations on the page shown (the service checks the one chosen).
    organisation_id = RadioField(_l("Organisasi"), coerce=_optional_int, validate_choice=False,
                                 validators=[DataRequired(_l("Pilih organisasi."))])
    share_identity = BooleanField(
        _l("Bagikan identitas saya (nama, e-mail, telepon) kepada anggota organisasi ini"),
        description=_l("Bila tidak dicentang, organisasi melihat isi pengaduan dan riwayatnya, tetapi tidak tahu "
                       "siapa Anda. Pilihan ini berlaku juga untuk pengaduan anonim; petugas tetap tidak melihat "
                       "identitas yang Anda rahasiakan."))

    def validate_organisation_id(self, field):
        if field.data is None or field.data < 1:
            raise ValidationError(_l("Pilih organisasi."))


class DeclineAccompanimentForm(PageForm):
    reason = TextAreaField(_l("Alasan (opsional, dibaca pelapor)"), validators=[Optional(), Length(max=2000)])


class EndAccompanimentForm(PageForm):
    reason = TextAreaField(_l("Alasan mengakhiri"), validators=[Optional(), Length(max=2000)])


class AccompanimentNoteForm(PageForm):
    text = TextAreaField(_l("Catatan untuk pelapor dan petugas (tidak terlihat publik)"),
                         validators=[DataRequired(REQUIRED), Length(max=3000)],
                         description=_l("Markdown sederhana boleh dipakai: **tebal**, *miring*, daftar, tautan."))

# --- the public list (complaints/public_list.py) ------------------------------------------------

NOT_A_CHOICE = _l("Bukan pilihan yang tersedia.")


def _choice_validator(field_name):
    # validate_choice is off (WTForms has no Indonesian): the message is ours, in the reader's language.
    def check(form, field):
        if field.data not in (None, "") and field.data not in {value for value, _label in field.choices}:
            raise ValidationError(NOT_A_CHOICE)
    check.__name__ = f"validate_{field_name}"
    return check


class PublicListFilterForm(PageForm):
    """The GET filters of the public list, the page's and the JSON API's (same names, same checks)."""

    class Meta:
        csrf = False  # a GET filter changes nothing

    unit = SelectField(_l("Unit"), coerce=_optional_int, validate_choice=False)
    status = SelectField(_l("Status"), validate_choice=False,
                         choices=[("", _l("Semua status"))] + list(LISTED_STATUS_LABELS.items()))
    category = SelectField(_l("Kategori"), validate_choice=False,
                           choices=[("", _l("Semua kategori"))] + list(CATEGORIES.items()))
    classification = SelectField(_l("Jenis laporan"), validate_choice=False,
                                 choices=[("", _l("Semua jenis"))] + list(CLASSIFICATIONS.items()))
    overdue = SelectField(_l("Tenggat"), validate_choice=False,
                          choices=[("", _l("Semua")), ("1", _l("Hanya yang lewat tenggat")),
                                   ("0", _l("Hanya yang tidak lewat tenggat"))])
    sort = SelectField(_l("Urutkan"), validate_choice=False,
                       choices=[("newest", _l("Terbaru diterima")), ("deadline", _l("Tenggat paling dekat"))])

    @classmethod
    def over(cls, args, *, unit=None):
        """The form over these GET arguments: the city's list chooses among the active units; a unit's
        own list (`unit`) has no unit field."""
        form = cls(args)
        if unit is None:
            from accounts.services import active_units
            form.unit.choices = [("", _l("Semua unit"))] + [(u.id, u.display_name) for u in active_units()]
        else:
            del form.unit
        form.fixed_unit = unit
        return form

    def filters(self):
        """public_list.list_query's keyword arguments, once validated."""
        return {"unit_id": self.fixed_unit.id if self.fixed_unit is not None else self.unit.data,
                "status": self.status.data or None, "category": self.category.data or None,
                "classification": self.classification.data or None,
                "overdue": {"1": True, "0": False}.get(self.overdue.data or ""),
                "sort": self.sort.data or SORT_NEWEST}

    validate_unit = _choice_validator("unit")
    validate_status = _choice_validator("status")
    validate_category = _choice_validator("category")
    validate_classification = _choice_validator("classification")
    validate_overdue = _choice_validator("overdue")
    validate_sort = _choice_validator("sort")


class HideFromListForm(PageForm):
    reason = TextAreaField(_l("Alasan mengeluarkan dari daftar publik (hanya dibaca petugas)"),
                           validators=[DataRequired(REQUIRED), Length(max=2000)],
                           description=_l("Misalnya: uraian menyebut nama atau alamat orang. Dicatat di riwayat internal "
                                          "dan log audit, tidak ditampilkan ke publik."))


class ShowOnListForm(PageForm):
    note = TextAreaField(_l("Catatan (opsional, hanya dibaca petugas)"), validators=[Optional(), Length(max=2000)])
