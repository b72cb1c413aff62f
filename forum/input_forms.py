"""Forms of the inputs: input, reply, edit, official response, flag, hide, conversion."""
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from complaints.models import CATEGORIES
from core.forms import PageForm
from core.i18n import lazy_gettext as _l

from .models import DISPOSITIONS

REQUIRED = _l("Wajib diisi.")


def optional_int(value):
    try:
        return int(value) if value not in (None, "", "None") else None
    except (TypeError, ValueError):
        return -1  # not a choice: the SelectField answers "not a valid choice"


class InputForm(PageForm):
    """Posted from the consultation page (templates/forum/_input_list.html); no prefix."""

    organisation_id = SelectField(_l("Atas nama"), coerce=optional_int, validate_choice=True)
    title = StringField(_l("Judul masukan"), validators=[DataRequired(REQUIRED), Length(min=5, max=200)])
    body = TextAreaField(_l("Isi masukan"), validators=[DataRequired(REQUIRED), Length(min=10, max=10000)],
                         description=_l("Tuliskan masukan Anda dengan jelas. Format Markdown sederhana didukung."))


class ReplyForm(PageForm):
    body = TextAreaField(_l("Balasan"), validators=[DataRequired(REQUIRED), Length(min=2, max=10000)])


class EditForm(PageForm):
    """Rendered once per post with its own ids; the title is sent only for an input."""

    title = StringField(_l("Judul masukan"), validators=[Optional(), Length(min=5, max=200)])
    body = TextAreaField(_l("Isi"), validators=[DataRequired(REQUIRED), Length(min=2, max=10000)])


class ResponseForm(PageForm):
    disposition = RadioField(_l("Keputusan"), choices=list(DISPOSITIONS.items()),
                             validators=[DataRequired(_l("Pilih keputusan atas masukan ini."))])
    reason = TextAreaField(_l("Alasan"), validators=[DataRequired(REQUIRED), Length(min=10, max=10000)],
                           description=_l("Jelaskan alasan keputusan dan, bila ada, tindak lanjutnya."))


class FlagForm(PageForm):
    reason = TextAreaField(_l("Alasan melaporkan"), validators=[DataRequired(REQUIRED), Length(min=5, max=2000)])


class HideForm(PageForm):
    reason = TextAreaField(_l("Alasan menyembunyikan"), validators=[DataRequired(REQUIRED), Length(min=5, max=2000)],
                           description=_l("Alasan ini tampil di tempat tulisan dan tercatat di log audit."))


class ConvertForm(PageForm):
    category = SelectField(_l("Kategori pengaduan"), choices=[("", _l("— pilih kategori —"))] + list(CATEGORIES.items()),
                           validators=[DataRequired(_l("Pilih kategori."))])
    unit_id = SelectField(_l("Unit yang dituju"), coerce=optional_int)
