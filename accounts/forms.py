"""Forms for accounts, organisations and their administration (Flask-WTF: CSRF on each)."""
from flask import current_app
from flask_wtf.file import FileField, FileRequired
from wtforms import (BooleanField, EmailField, PasswordField, RadioField, SelectField, StringField,
                     TextAreaField)
from wtforms.validators import URL, DataRequired, Email, EqualTo, Length, Optional, ValidationError

from core import notices
from core.forms import PageForm
from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l
from core.permissions import ROLES

from .models import ORGANISATION_KINDS, ROLE_LABELS, UNIT_KINDS
from .nip import InvalidNip, parse_nip

REQUIRED = _l("Wajib diisi.")
EMAIL_INVALID = _l("Alamat e-mail tidak sah.")


def _optional_int(value):
    return int(value) if value not in (None, "", "None") else None


class LoginForm(PageForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(REQUIRED), Length(max=254)],
                       render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Kata sandi"), validators=[DataRequired(REQUIRED)],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Ingat saya di perangkat ini"))


class PasswordFields:
    password = PasswordField(_l("Kata sandi"), validators=[DataRequired(REQUIRED), Length(max=200)],
                             render_kw={"autocomplete": "new-password"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The minimum is a setting, so the hint is built per request.
        self.password.description = _("Minimal %(n)s karakter. Frasa beberapa kata mudah diingat dan kuat.",
                                      n=current_app.config["PASSWORD_MIN_LENGTH"])
    password_confirm = PasswordField(_l("Ulangi kata sandi"),
                                     validators=[DataRequired(REQUIRED),
                                                 EqualTo("password", _l("Kedua kata sandi tidak sama."))],
                                     render_kw={"autocomplete": "new-password"})


class RegisterForm(PasswordFields, PageForm):
    full_name = StringField(_l("Nama lengkap"), validators=[DataRequired(REQUIRED), Length(max=120)],
                            render_kw={"autocomplete": "name"})
    email = EmailField(_l("E-mail"), validators=[DataRequired(REQUIRED), Email(EMAIL_INVALID), Length(max=254)],
                       render_kw={"autocomplete": "email"},
                       description=_l("Kami mengirim tautan verifikasi ke alamat ini."))
    phone = StringField(_l("Nomor telepon/WhatsApp (opsional)"), validators=[Optional(), Length(max=30)],
                        render_kw={"autocomplete": "tel", "inputmode": "tel"})
    account_type = RadioField(_l("Saya mendaftar sebagai"), default="citizen",
                              choices=[("citizen", _l("Warga / anggota organisasi masyarakat")),
                                       ("asn", _l("ASN (pegawai pemerintah kota)"))],
                              validators=[DataRequired(REQUIRED)])
    # No Optional() here: it would stop the chain before validate_nip can ask ASNs for one.
    nip = StringField(_l("NIP (khusus ASN)"), validators=[Length(max=30)],
                      render_kw={"inputmode": "numeric", "autocomplete": "off"},
                      description=_l("18 angka, boleh ditulis dengan spasi."))
    unit_id = SelectField(_l("Unit kerja (khusus ASN)"), coerce=_optional_int)
    agree = BooleanField(_l("Saya menyetujui pemrosesan data pribadi saya untuk layanan ini."),
                         validators=[DataRequired(_l("Anda perlu menyetujui pemrosesan data untuk mendaftar."))])

    def validate_nip(self, field):
        if self.account_type.data != "asn":
            return
        if not field.data:
            raise ValidationError(_l("NIP wajib diisi untuk ASN."))
        try:
            parse_nip(field.data)
        except InvalidNip as e:
            raise ValidationError(str(e)) from None

    def validate_unit_id(self, field):
        if self.account_type.data == "asn" and not field.data:
            raise ValidationError(_l("Pilih unit kerja Anda."))


class EmailOnlyForm(PageForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(REQUIRED), Email(EMAIL_INVALID), Length(max=254)],
                       render_kw={"autocomplete": "email"})


class ResetPasswordForm(PasswordFields, PageForm):
    pass


class ChangePasswordForm(PasswordFields, PageForm):
    current_password = PasswordField(_l("Kata sandi saat ini"), validators=[DataRequired(REQUIRED)],
                                     render_kw={"autocomplete": "current-password"})


class ProfileForm(PageForm):
    full_name = StringField(_l("Nama lengkap"), validators=[DataRequired(REQUIRED), Length(max=120)],
                            render_kw={"autocomplete": "name"})
    phone = StringField(_l("Nomor telepon/WhatsApp (opsional)"), validators=[Optional(), Length(max=30)],
                        render_kw={"autocomplete": "tel", "inputmode": "tel"})
    locale = SelectField(_l("Bahasa"), choices=[("id", "Bahasa Indonesia"), ("en", "English")])
    notice_frequency = RadioField(
        _l("Pemberitahuan tugas"), choices=list(notices.FREQUENCIES.items()), default=notices.IMMEDIATE,
        description=_l("Untuk moderator dan narahubung organisasi: laporan baru di forum, organisasi yang "
                       "menunggu verifikasi, dan permintaan bergabung."))


class OrganisationForm(PageForm):
    name = StringField(_l("Nama organisasi"), validators=[DataRequired(REQUIRED), Length(max=200)])
    kind = SelectField(_l("Jenis"), choices=list(ORGANISATION_KINDS.items()), validators=[DataRequired(REQUIRED)])
    registration_number = StringField(_l("Nomor badan hukum / SKT (opsional)"),
                                      validators=[Optional(), Length(max=80)],
                                      description=_l("Misalnya nomor SK Kemenkumham atau Surat Keterangan Terdaftar."))
    description = TextAreaField(_l("Bidang kegiatan dan wilayah kerja"),
                                validators=[DataRequired(REQUIRED), Length(max=2000)])
    address = StringField(_l("Alamat sekretariat"), validators=[DataRequired(REQUIRED), Length(max=300)])
    email = EmailField(_l("E-mail organisasi"), validators=[DataRequired(REQUIRED), Email(EMAIL_INVALID),
                                                            Length(max=254)])
    phone = StringField(_l("Telepon (opsional)"), validators=[Optional(), Length(max=30)])
    website = StringField(_l("Situs web atau media sosial (opsional)"),
                          validators=[Optional(), URL(message=_l("Alamat situs tidak sah.")), Length(max=200)])
    position = StringField(_l("Jabatan Anda di organisasi"), validators=[DataRequired(REQUIRED), Length(max=80)])
    # The service checks the content (PDF, JPEG, PNG); the hint, with the size limit, is in the template.
    document = FileField(_l("SK atau akta pendirian"), validators=[FileRequired(
        _l("Unggah SK atau akta pendirian organisasi agar moderator dapat memverifikasinya."))])


class JoinOrganisationForm(PageForm):
    position = StringField(_l("Jabatan atau peran Anda di organisasi"),
                           validators=[DataRequired(REQUIRED), Length(max=80)])


class ReasonForm(PageForm):
    reason = TextAreaField(_l("Alasan"), validators=[DataRequired(REQUIRED), Length(max=2000)])


class NoteForm(PageForm):
    note = TextAreaField(_l("Catatan (opsional)"), validators=[Optional(), Length(max=2000)])


class UnitForm(PageForm):
    name = StringField(_l("Nama unit"), validators=[DataRequired(REQUIRED), Length(max=200)])
    short_name = StringField(_l("Singkatan (opsional)"), validators=[Optional(), Length(max=40)])
    kind = SelectField(_l("Jenis unit"), choices=list(UNIT_KINDS.items()))
    parent_id = SelectField(_l("Unit induk"), coerce=_optional_int, validators=[Optional()])
    email = EmailField(_l("E-mail unit (opsional)"), validators=[Optional(), Email(EMAIL_INVALID), Length(max=254)])
    phone = StringField(_l("Telepon (opsional)"), validators=[Optional(), Length(max=40)])
    address = StringField(_l("Alamat (opsional)"), validators=[Optional(), Length(max=300)])
    is_active = BooleanField(_l("Aktif"), default=True)


class RoleForm(PageForm):
    role = SelectField(_l("Peran"), choices=[(r, ROLE_LABELS[r]) for r in ROLES])
    unit_id = SelectField(_l("Unit kerja"), coerce=_optional_int, validators=[Optional()])


class UserFilterForm(PageForm):
    class Meta:
        csrf = False  # a GET search form changes nothing

    q = StringField(_l("Cari nama, e-mail, atau NIP"), validators=[Optional(), Length(max=100)])
    role = SelectField(_l("Peran"), choices=[("", _l("Semua peran"))] + [(r, ROLE_LABELS[r]) for r in ROLES],
                       validators=[Optional()])
    status = SelectField(_l("Status"), validators=[Optional()],
                         choices=[("", _l("Semua")), ("active", _l("Aktif")), ("inactive", _l("Nonaktif")),
                                  ("asn_pending", _l("ASN menunggu konfirmasi")),
                                  ("unverified", _l("E-mail belum diverifikasi"))])
