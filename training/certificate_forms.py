"""Forms for certificates: the public lookup by code and the admin's revocation."""
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from core.forms import PageForm
from core.i18n import lazy_gettext as _l

REQUIRED = _l("Wajib diisi.")


class VerifyLookupForm(PageForm):
    class Meta:
        csrf = False  # a GET lookup changes nothing

    kode = StringField(_l("Kode sertifikat"), validators=[DataRequired(REQUIRED), Length(max=40)],
                       render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"})


class RevokeForm(PageForm):
    reason = TextAreaField(_l("Alasan pencabutan"), validators=[DataRequired(REQUIRED), Length(max=2000)],
                           description=_l("Dicatat di log audit dan ditampilkan kepada pemegang sertifikat."))
