"""The JSON API's bodies as marshmallow schemas: the view validates with them and the OpenAPI
document (core/openapi.py) is generated from them, so the two cannot disagree."""
from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate

from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l
from core.input_guard import MAX_ID

from .forms import REQUIRED
from .models import CATEGORIES, CLASSIFICATIONS

NOT_TEXT = _l("Harus berupa teks.")
NOT_BOOLEAN = _l("Harus bernilai true atau false (boolean JSON).")
NOT_CHOICE = _l("Bukan pilihan yang tersedia.")


class TextLength(validate.Length):
    """Length with translated messages; empty text is "required" when a minimum is set.
    A Length to apispec, so the document states minLength/maxLength."""

    def __call__(self, value):
        if self.min and not value.strip():
            raise ValidationError(str(REQUIRED))
        if self.min is not None and len(value) < self.min:
            raise ValidationError(_("Paling sedikit %(min)d karakter.", min=self.min))
        if self.max is not None and len(value) > self.max:
            raise ValidationError(_("Paling banyak %(max)d karakter.", max=self.max))
        return value


class StrictBoolean(fields.Boolean):
    """JSON true or false only: "true", 1 or null are refused, never read as a choice the sender did not make."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


def _text(*, required=False, min=None, max, **kwargs):
    messages = {"required": REQUIRED, "null": REQUIRED if required else NOT_TEXT, "invalid": NOT_TEXT}
    return fields.String(required=required, allow_none=not required, error_messages=messages,
                         validate=TextLength(min=min, max=max), **kwargs)


def _choice(options, **kwargs):
    return fields.String(validate=validate.OneOf(list(options), error=NOT_CHOICE),
                         error_messages={"required": REQUIRED, "null": REQUIRED, "invalid": NOT_TEXT}, **kwargs)


def _flag(description):
    return StrictBoolean(load_default=False, error_messages={"invalid": NOT_BOOLEAN, "null": NOT_BOOLEAN},
                         metadata={"description": description})


class ReporterIn(Schema):
    class Meta:
        unknown = EXCLUDE

    name = _text(max=120)
    email = _text(max=254, metadata={"format": "email"})
    phone = _text(max=30)


class ComplaintIn(Schema):
    """The body of POST /api/v1/complaints (the lengths are the web form's)."""

    class Meta:
        unknown = EXCLUDE  # fields this version does not know are ignored, as they always were

    title = _text(required=True, min=5, max=200)
    description = _text(required=True, min=20, max=5000)
    classification = _choice(CLASSIFICATIONS, load_default="pengaduan")
    category = _choice(CATEGORIES, required=True)
    unit_id = fields.Integer(strict=True, allow_none=True, load_default=None,
                             validate=validate.Range(min=1, max=MAX_ID, error=NOT_CHOICE),
                             error_messages={"invalid": NOT_CHOICE},
                             metadata={"description": "an id from GET /api/v1/units; null or absent: \"don't know\""})
    location = _text(max=300)
    anonymous = _flag("hide the reporter's identity from everyone but the system (JSON true/false only)")
    confidential = _flag("keep the content from the public (JSON true/false only)")
    reporter = fields.Nested(ReporterIn, allow_none=True, load_default=None,
                             metadata={"description": "optional contact; a value that is not an object is ignored"})

    @pre_load
    def ignore_a_reporter_that_is_not_an_object(self, data, **kwargs):
        # Earlier clients sent a bare name here; it was always ignored, and still is.
        if isinstance(data, dict) and "reporter" in data and not isinstance(data["reporter"], (dict, type(None))):
            data = {k: v for k, v in data.items() if k != "reporter"}
        return data


def flat_errors(messages):
    """marshmallow's errors as the API's {"field": ["message"]}; the reporter's under the form's
    names (reporter_email...)."""
    flat = {}
    for field, value in messages.items():
        if isinstance(value, dict):
            for inner, texts in flat_errors(value).items():
                flat[f"{field}_{inner}"] = texts
        else:
            flat[field] = [str(m) for m in (value if isinstance(value, list) else [value])]
    return flat


class Unit(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class TimelineEntry(Schema):
    at = fields.DateTime(required=True)
    event = fields.String(required=True)
    label = fields.String(required=True)


class ComplaintOut(Schema):
    """What anyone holding the tracking code may know (complaints.api.public_view)."""

    tracking_code = fields.String(required=True)
    status = fields.String(required=True)
    status_label = fields.String(required=True)
    classification = fields.String(required=True)
    category = fields.String(required=True)
    unit = fields.Nested(Unit, allow_none=True, required=True)
    received_at = fields.DateTime(required=True)
    due_at = fields.DateTime(allow_none=True, required=True)
    overdue = fields.Boolean(required=True)
    escalated = fields.Boolean(required=True)
    forwarded_at = fields.DateTime(allow_none=True, required=True)
    national_tracking_id = fields.String(allow_none=True, required=True)
    anonymous = fields.Boolean(required=True)
    confidential = fields.Boolean(required=True)
    timeline = fields.List(fields.Nested(TimelineEntry), required=True)
    title = fields.String(metadata={"description": "absent when the complaint is confidential"})
    description = fields.String(metadata={"description": "absent when the complaint is confidential"})
    location = fields.String(allow_none=True)
    response = fields.String(allow_none=True)


class ComplaintFiled(ComplaintOut):
    """The 201 of a filing: what tracking shows, and the reporter's secret link, given only here."""

    reporter_url = fields.Url(required=True, allow_none=True, metadata={
        "description": "the reporter's secret link (to answer questions, accept or dispute the resolution); "
                       "returned only in this answer (again on a retry with the same Idempotency-Key within "
                       "24 hours) and e-mailed when an address was given. Give it to the reporter, never "
                       "publish it: whoever holds it acts as the reporter. null only on a retry of a request "
                       "filed before this field existed"})


class Coded(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)


class Categories(Schema):
    categories = fields.List(fields.Nested(Coded), required=True)
    classifications = fields.List(fields.Nested(Coded), required=True)


class UnitRow(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    short_name = fields.String(allow_none=True, required=True)
    parent_id = fields.Integer(allow_none=True, required=True)


class Units(Schema):
    units = fields.List(fields.Nested(UnitRow), required=True)


class PublicListUnit(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    short_name = fields.String(allow_none=True, required=True)


class PublicListRow(Schema):
    """One listed complaint as the public reads it (complaints.public_list): never the reporter."""

    tracking_code = fields.String(required=True)
    tracking_url = fields.Url(required=True, metadata={"description": "the public tracking page"})
    title = fields.String(required=True)
    summary = fields.String(required=True, metadata={"description": "the description's first 200 characters"})
    category = fields.String(required=True)
    category_label = fields.String(required=True)
    classification = fields.String(required=True)
    classification_label = fields.String(required=True)
    status = fields.String(required=True)
    status_label = fields.String(required=True)
    unit = fields.Nested(PublicListUnit, required=True)
    received_at = fields.DateTime(required=True)
    due_at = fields.DateTime(required=True)
    paused = fields.Boolean(required=True, metadata={"description": "awaiting the reporter: the deadline's clock stopped"})
    overdue = fields.Boolean(required=True)
    overdue_working_days = fields.Integer(allow_none=True, required=True, metadata={
        "description": "working days since the deadline's day (null when not overdue; 0 on a weekend right "
                       "after the deadline)"})
    forwarded = fields.Boolean(required=True, metadata={"description": "forwarded to SP4N-LAPOR!"})
    forwarded_at = fields.DateTime(allow_none=True, required=True)


class PublicList(Schema):
    """A page of the public list, newest first (or nearest deadline first with sort=deadline)."""

    items = fields.List(fields.Nested(PublicListRow), required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(required=True)
    pages = fields.Integer(required=True)
