"""The JSON API for other channels: file a complaint, track it, list units and categories.

It uses no session and no cookies, so it needs no CSRF token and never acts as a logged-in
person: every complaint filed here is a visitor's. Error messages follow Accept-Language.
"""
from flask import abort, current_app, jsonify, request, url_for
from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict

from core import clock, openapi
from core.extensions import csrf, db, limiter
from core.i18n import gettext as _
from core.i18n import select_locale
from core.openapi import Error, FieldErrors
from core.web import MAX_PAGE, parse_page, run_for_api

from . import api_bp as bp
from . import public_list, services, visibility
from .api_schemas import Categories, ComplaintFiled, ComplaintIn, ComplaintOut, PublicList, Units, flat_errors
from .forms import ComplaintApiForm, PublicListFilterForm
from .models import CATEGORIES, CLASSIFICATIONS

csrf.exempt(bp)


def _complaint_limit():
    return current_app.config["COMPLAINT_RATE_LIMIT"]


def _iso(moment):
    return moment.isoformat() if moment else None


def public_view(complaint):
    """What anyone holding the tracking code may know (the public view, complaints.visibility):
    never identity, never rahasia content."""
    view = visibility.view_for(complaint, visibility.PUBLIC)
    events = [e for e in complaint.events if view.sees(e)]
    data = {
        "tracking_code": complaint.tracking_code,
        "status": complaint.status,
        "status_label": str(complaint.status_label),
        "classification": complaint.classification,
        "category": complaint.category,
        "unit": {"id": complaint.unit.id, "name": complaint.unit.name} if complaint.unit else None,
        "received_at": _iso(complaint.received_at),
        "due_at": _iso(complaint.due_at),
        "overdue": complaint.is_overdue(),
        "escalated": complaint.forwarded_at is not None,
        "forwarded_at": _iso(complaint.forwarded_at),
        "national_tracking_id": complaint.national_tracking_id,
        "anonymous": complaint.anonymous,
        "confidential": complaint.confidential,
        "timeline": [{"at": _iso(e.created_at), "event": e.kind, "label": str(e.label)} for e in events],
    }
    if view.content is not None:
        data.update(view.content, response=view.response)
    return data


def _form_data(valid):
    """The schema's well-typed values as the form fields they fill (booleans as checkbox values)."""
    reporter = valid.get("reporter") or {}
    values = {
        "title": valid.get("title"), "description": valid.get("description"),
        "classification": valid.get("classification"), "category": valid.get("category"),
        "unit_id": valid.get("unit_id"), "location": valid.get("location"),
        "reporter_name": reporter.get("name"), "reporter_email": reporter.get("email"),
        "reporter_phone": reporter.get("phone"),
    }
    data = MultiDict({k: str(v) for k, v in values.items() if v is not None})
    for flag in ("anonymous", "confidential"):
        if valid.get(flag) is True:
            data[flag] = "y"
    return data


IDEMPOTENCY_KEY = {"name": "Idempotency-Key", "in": "header", "required": False,
                   "schema": {"type": "string", "maxLength": 200},
                   "description": "a key the sender makes for one complaint: the same key with the same body "
                                  "answers the original 201 again, never a second complaint"}


@bp.post("/complaints")
@openapi.operation(
    "File a complaint", body=ComplaintIn, parameters=[IDEMPOTENCY_KEY],
    description="As a visitor (no session, no CSRF token). Field errors follow Accept-Language.",
    responses={201: ("filed; Location names its tracking URL; reporter_url is the reporter's link",
                     ComplaintFiled),
               400: ("refused fields", FieldErrors),
               422: ("the Idempotency-Key was used before with another body", Error),
               429: ("too many complaints from this address", Error)})
@limiter.limit(_complaint_limit)
def file_complaint():
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return jsonify(errors={"_": [_("Kirim objek JSON dengan Content-Type application/json.")]}), 400
    # The schema refuses what has the wrong type ("true" for a boolean); the form, fed only
    # well-typed values, checks the rest as on the web (the unit exists, the e-mail is valid).
    try:
        valid, type_errors = ComplaintIn().load(payload), {}
    except ValidationError as e:
        valid, type_errors = e.valid_data or {}, flat_errors(e.messages)
    form = ComplaintApiForm(formdata=_form_data(valid))
    form.unit_id.choices = [("", "")] + [(u.id, u.name) for u in services.active_units_for_api()]
    form_valid = form.validate()
    if type_errors or not form_valid:
        errors = {k: [str(m) for m in v] for k, v in form.errors.items()}
        return jsonify(errors={**errors, **type_errors}), 400
    key = request.headers.get("Idempotency-Key", "").strip()
    complaint, reporter_key = run_for_api(lambda: services.file_complaint(
        title=form.title.data, description=form.description.data, classification=form.classification.data,
        category=form.category.data, unit_id=form.unit_id.data, location=form.location.data,
        anonymous=form.anonymous.data, confidential=form.confidential.data,
        reporter_name=form.reporter_name.data, reporter_email=form.reporter_email.data,
        reporter_phone=form.reporter_phone.data, channel="api", locale=select_locale(),
        idempotency_key=key and f"api:{key}", body_hash=key and services.request_hash(payload)))
    # The reporter's link, so a channel without e-mail (a WhatsApp bot) can hand it to its user.
    reporter_url = url_for("complaints.reporter_access", code=complaint.tracking_code, key=reporter_key,
                           _external=True) if reporter_key else None
    response = jsonify({**public_view(complaint), "reporter_url": reporter_url})
    response.status_code = 201
    response.headers["Location"] = f"/api/v1/complaints/{complaint.tracking_code}"
    return response


@bp.get("/complaints/<code>")
@openapi.operation("Track a complaint by its tracking code",
                   description="Never the reporter; never the content of a confidential complaint.",
                   responses={200: ("status and public timeline", ComplaintOut), 404: ("no such code", Error)})
def get_complaint(code):
    # One statement: the complaint with its unit and its few events.
    complaint = services.get_public_by_code(code)
    return jsonify(public_view(complaint))


@bp.get("/complaints/categories")
@openapi.operation("Complaint categories and classifications", responses={200: ("codes and names", Categories)})
def categories():
    return jsonify(categories=[{"code": code, "name": str(name)} for code, name in CATEGORIES.items()],
                   classifications=[{"code": code, "name": str(name)} for code, name in CLASSIFICATIONS.items()])


@bp.get("/units")
@openapi.operation("Units a complaint may be addressed to", responses={200: ("active units", Units)})
def units():
    rows = services.active_units_for_api()
    return jsonify(units=[{"id": u.id, "name": u.name, "short_name": u.short_name, "parent_id": u.parent_id}
                          for u in rows])



def _query_parameter(name, schema, description):
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


PUBLIC_LIST_PARAMETERS = [
    _query_parameter("unit", {"type": "integer", "minimum": 1}, "an active unit's id (GET /api/v1/units)"),
    _query_parameter("status", {"type": "string", "enum": list(public_list.LISTED_STATUSES)}, "one status"),
    _query_parameter("category", {"type": "string", "enum": list(CATEGORIES)}, "one category"),
    _query_parameter("classification", {"type": "string", "enum": list(CLASSIFICATIONS)}, "one classification"),
    _query_parameter("overdue", {"type": "string", "enum": ["1", "0"]}, "1: only overdue; 0: only not overdue"),
    _query_parameter("sort", {"type": "string", "enum": [public_list.SORT_NEWEST, public_list.SORT_DEADLINE]},
                     "newest received first (default), or nearest deadline first"),
    _query_parameter("page", {"type": "integer", "minimum": 1}, "page number, from 1"),
]


def public_row(row):
    """A public_list.PublicRow as JSON (what the list page shows, no more)."""
    return {
        "tracking_code": row.tracking_code,
        "tracking_url": url_for("complaints.track", code=row.tracking_code, _external=True),
        "title": row.title, "summary": row.summary,
        "category": row.category, "category_label": row.category_label,
        "classification": row.classification, "classification_label": row.classification_label,
        "status": row.status, "status_label": row.status_label,
        "unit": {"id": row.unit_id, "name": row.unit_name, "short_name": row.unit_short_name},
        "received_at": _iso(row.received_at), "due_at": _iso(row.due_at), "paused": row.paused,
        "overdue": row.overdue, "overdue_working_days": row.overdue_working_days,
        "forwarded": row.forwarded, "forwarded_at": _iso(row.forwarded_at),
    }


@bp.get("/complaints/public")
@openapi.operation(
    "The public list of complaints", parameters=PUBLIC_LIST_PARAMETERS,
    description="Verified complaints that are not confidential and that no moderator kept off the list, as on "
                "/pengaduan/publik: never the reporter's identity. Rejected, unverified and confidential "
                "complaints are never listed. Parameter errors follow Accept-Language.",
    responses={200: ("one page of the list", PublicList), 400: ("refused parameters", FieldErrors),
               404: ("a page past the end", Error)})
def public_complaints():
    form = PublicListFilterForm.over(request.args)
    errors = {} if form.validate() else {k: [str(m) for m in v] for k, v in form.errors.items()}
    raw_page = request.args.get("page")
    page_number = 1 if raw_page is None else parse_page(raw_page)
    if page_number is None:
        errors["page"] = [_("Nomor halaman harus bilangan bulat mulai 1.")]
    if errors:
        return jsonify(errors=errors), 400
    if page_number > MAX_PAGE:
        abort(404)
    now = clock.now()
    page = db.paginate(public_list.list_query(now=now, **form.filters()), page=page_number,
                       per_page=current_app.config["PER_PAGE"], error_out=True)
    return jsonify(items=[public_row(row) for row in public_list.rows(page.items, now=now)], page=page.page,
                   per_page=page.per_page, total=page.total, pages=page.pages)
