"""Forms for the berita acara, the signed scan, follow-up progress and the public tracker."""
from flask_wtf.file import FileField
from wtforms import DateField, DateTimeLocalField, FieldList, FormField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from core.forms import PageForm, PlainForm
from core.i18n import lazy_gettext as _l

from .models import ACTION_STATUS_LABELS, CANCELLED

REQUIRED = _l("Wajib diisi.")
AGREEMENT_ROWS = 10
SIGNATORY_ROWS = 6
DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"]


def _optional_int(value):
    try:
        return int(value) if value not in (None, "", "None") else None
    except (TypeError, ValueError):
        return -1  # not a choice: the SelectField answers "not a valid choice"


class AgreementRow(PlainForm):
    """One numbered agreement; a row without text is ignored."""

    text = TextAreaField(_l("Isi kesepakatan"), validators=[Optional(), Length(max=3000)], render_kw={"rows": 2})
    unit_id = SelectField(_l("Unit penanggung jawab"), coerce=_optional_int, validators=[Optional()],
                          validate_choice=False)
    target_date = DateField(_l("Tanggal target"), format=DATE_FORMATS, validators=[Optional()],
                            invalid_value_message=_l("Tanggal tidak sah. Tulis seperti 2026-12-31."))
    input_id = SelectField(_l("Menjawab masukan (opsional)"), coerce=_optional_int, validators=[Optional()],
                           validate_choice=False)

    def validate(self, extra_validators=None):
        # Optional() stops a field's own chain when it is empty, so "required when the row has
        # text" is checked here, for the whole row.
        ok = super().validate(extra_validators)
        if not (self.text.data or "").strip():
            return ok
        if not self.unit_id.data and not self.unit_id.errors:
            self.unit_id.errors.append(_l("Pilih unit penanggung jawab."))
            ok = False
        if not self.target_date.data and not self.target_date.errors:
            self.target_date.errors.append(_l("Isi tanggal target."))
            ok = False
        return ok

    def validate_unit_id(self, field):
        if field.data and field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Pilih unit dari daftar."))

    def validate_input_id(self, field):
        if field.data and field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Pilih masukan dari daftar."))


class SignatoryRow(PlainForm):
    """One person who signs; a row left blank is ignored."""

    name = StringField(_l("Nama"), validators=[Optional(), Length(max=200)])
    position = StringField(_l("Jabatan"), validators=[Optional(), Length(max=200)])
    organisation = StringField(_l("Instansi atau organisasi"), validators=[Optional(), Length(max=200)])

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if not (self.name.data or "").strip() and ((self.position.data or "").strip()
                                                   or (self.organisation.data or "").strip()):
            self.name.errors.append(_l("Isi nama penanda tangan."))
            ok = False
        return ok


class MinutesForm(PageForm):
    held_at = DateTimeLocalField(_l("Waktu pelaksanaan"), format=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                                 validators=[InputRequired(REQUIRED)],
                                 description=_l("Waktu setempat, saat forum dimulai."))
    place = StringField(_l("Tempat"), validators=[DataRequired(REQUIRED), Length(max=300)],
                        description=_l("Misalnya: Aula Kantor Wali Kota, atau daring melalui Zoom."))
    summary = TextAreaField(_l("Ringkasan jalannya forum (notulen)"),
                            validators=[DataRequired(REQUIRED), Length(max=20000)], render_kw={"rows": 8})
    other_attendees = TextAreaField(_l("Peserta lain yang hadir"), validators=[Optional(), Length(max=10000)],
                                    render_kw={"rows": 4},
                                    description=_l("Yang tidak terdaftar di situs ini; satu orang per baris, "
                                                   "misalnya: Nama — Instansi."))
    agreements = FieldList(FormField(AgreementRow), min_entries=AGREEMENT_ROWS, max_entries=50)
    signatories = FieldList(FormField(SignatoryRow), min_entries=SIGNATORY_ROWS, max_entries=20)


class ScanForm(PageForm):
    scan = FileField(_l("Pindaian berita acara yang sudah ditandatangani (PDF)"))

    def validate_scan(self, field):
        if not field.data or not getattr(field.data, "filename", ""):
            raise ValidationError(_l("Pilih berkas PDF."))


class ActionUpdateForm(PageForm):
    status = SelectField(_l("Status"), validators=[Optional()],
                         choices=[("", _l("— tidak berubah —"))] + list(ACTION_STATUS_LABELS.items()))
    note = TextAreaField(_l("Catatan perkembangan"), validators=[DataRequired(REQUIRED), Length(max=5000)],
                         render_kw={"rows": 4},
                         description=_l("Apa yang sudah dikerjakan; catatan ini tampil untuk umum dengan tanggalnya."))
    cancel_reason = TextAreaField(_l("Alasan pembatalan"), validators=[Optional(), Length(max=3000)],
                                  render_kw={"rows": 2}, description=_l("Wajib bila status menjadi Dibatalkan."))

    def validate_cancel_reason(self, field):
        if self.status.data == CANCELLED and not (field.data or "").strip():
            raise ValidationError(_l("Tulis alasan pembatalan."))


class TrackerFilterForm(PageForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    unit_id = SelectField(_l("Unit penanggung jawab"), coerce=_optional_int, validators=[Optional()])
    status = SelectField(_l("Status"), validators=[Optional()],
                         choices=[("", _l("Semua status"))] + list(ACTION_STATUS_LABELS.items()))
    overdue = SelectField(_l("Target"), validators=[Optional()],
                          choices=[("", _l("Semua")), ("1", _l("Hanya yang lewat target"))])
