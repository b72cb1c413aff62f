"""Following, search, the Atom feed of consultations, and the moderators' list of idle units."""
import re
from xml.etree import ElementTree as ET

from flask import Response, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core import clock
from core.extensions import db
from core.i18n import gettext as _
from core.permissions import permission_required
from core.web import page_number, paginate, perform, safe_next

from . import bp
from . import notice_services as notices
from .models import DRAFT, Consultation, ForumInput
from .search import consultation_url, input_url, plain_text, search, terms

FEED_ENTRIES = 30
ATOM = "http://www.w3.org/2005/Atom"


@bp.app_context_processor
def _follow_helpers():
    # For templates/forum/_follow_button.html, wherever it is included.
    return {"forum_is_following": _is_following}


def _is_following(consultation=None, forum_input=None):
    return notices.is_following(current_user, consultation=consultation, forum_input=forum_input)


# --- following -------------------------------------------------------------------------------------

def _published_consultation(slug):
    consultation = db.session.scalar(select(Consultation).where(Consultation.slug == slug))
    if consultation is None or consultation.stage == DRAFT:
        abort(404)
    return consultation


def _visible_input(input_id):
    forum_input = db.session.get(ForumInput, input_id)
    if forum_input is None or forum_input.is_hidden or forum_input.consultation.stage == DRAFT:
        abort(404)
    return forum_input


def _change_follow(change, message, default_url, **target):
    # The form is only its CSRF token, which CSRFProtect checks for every POST before we get here.
    perform(lambda: change(current_user._get_current_object(), now=clock.now(), **target), success=message)
    return redirect(safe_next(default_url))


@bp.post("/konsultasi/<slug>/ikuti")
@login_required
def follow_consultation(slug):
    consultation = _published_consultation(slug)
    return _change_follow(notices.follow, _("Anda mengikuti konsultasi ini. Kabar terbarunya akan dikirim ke e-mail Anda."),
                          consultation_url(slug), consultation=consultation)


@bp.post("/konsultasi/<slug>/berhenti-ikuti")
@login_required
def unfollow_consultation(slug):
    consultation = _published_consultation(slug)
    return _change_follow(notices.unfollow, _("Anda berhenti mengikuti konsultasi ini."),
                          consultation_url(slug), consultation=consultation)


@bp.post("/masukan/<int:input_id>/ikuti")
@login_required
def follow_input(input_id):
    forum_input = _visible_input(input_id)
    return _change_follow(notices.follow, _("Anda mengikuti masukan ini. Tanggapan resminya akan dikirim ke e-mail Anda."),
                          input_url(input_id, forum_input.consultation.slug), forum_input=forum_input)


@bp.post("/masukan/<int:input_id>/berhenti-ikuti")
@login_required
def unfollow_input(input_id):
    forum_input = _visible_input(input_id)
    return _change_follow(notices.unfollow, _("Anda berhenti mengikuti masukan ini."),
                          input_url(input_id, forum_input.consultation.slug), forum_input=forum_input)


# --- search ----------------------------------------------------------------------------------------

@bp.get("/cari")
def search_page():
    q = (request.args.get("q") or "").strip()
    page_no = page_number()
    page = search(q, page=page_no, per_page=current_app.config["PER_PAGE"])
    if page_no > 1 and not page.items:
        abort(404)
    return render_template("forum/search.html", q=q, words=terms(q), page=page)


# --- the Atom feed ---------------------------------------------------------------------------------

def _iso(moment):
    return moment.isoformat().replace("+00:00", "Z")


def _summary(markdown_text, size=400):
    plain = plain_text(markdown_text)
    return plain if len(plain) <= size else plain[:size].rsplit(" ", 1)[0] + " …"


@bp.get("/feed.atom")
def feed():
    consultations = db.session.scalars(
        select(Consultation).options(selectinload(Consultation.unit))
        .where(Consultation.stage != DRAFT, Consultation.published_at.is_not(None))
        .order_by(Consultation.published_at.desc(), Consultation.id.desc()).limit(FEED_ENTRIES)).all()
    config = current_app.config
    ET.register_namespace("", ATOM)

    def child(parent, tag, text=None, **attrs):
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            element.text = str(text)
        return element

    root = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": "id"})
    self_url = url_for("forum.feed", _external=True)
    child(root, "id", self_url)
    child(root, "title", _("Forum Konsultasi Publik — %(site)s", site=config["SITE_NAME"]))
    child(root, "subtitle", _("Konsultasi publik yang dibuka oleh unit pelayanan %(city)s.", city=config["CITY_NAME"]))
    child(root, "link", rel="self", type="application/atom+xml", href=self_url)
    child(root, "link", rel="alternate", type="text/html", href=url_for("forum.index", _external=True))
    updated = max((c.updated_at for c in consultations), default=None) or clock.now()
    child(root, "updated", _iso(updated))
    author = child(root, "author")
    child(author, "name", _("Pemerintah %(city)s", city=config["CITY_NAME"]))
    for consultation in consultations:
        entry = child(root, "entry")
        link = consultation_url(consultation.slug, external=True)
        # The tag URI stays the same if the site moves or the slug changes.
        host = re.sub(r"^[a-z]+://", "", config["EXTERNAL_URL"]).split("/")[0].split(":")[0] or "localhost"
        child(entry, "id", f"tag:{host},{consultation.created_at:%Y-%m-%d}:forum/konsultasi/{consultation.id}")
        child(entry, "title", consultation.title)
        child(entry, "link", rel="alternate", type="text/html", href=link)
        child(entry, "published", _iso(consultation.published_at))
        child(entry, "updated", _iso(max(consultation.updated_at, consultation.published_at)))
        entry_author = child(entry, "author")
        child(entry_author, "name", consultation.unit.name)
        child(entry, "category", term=consultation.topic_type, label=str(consultation.topic_label))
        child(entry, "category", term=consultation.stage, label=str(consultation.stage_label))
        child(entry, "summary", _summary(consultation.description), type="text")
    body = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return Response(body, mimetype="application/atom+xml")


# --- idle units (moderators) -----------------------------------------------------------------------

@bp.get("/moderasi/unit-pasif")
@permission_required("forum.moderate")
def idle_units():
    now = clock.now()
    page = paginate(notices.idle_units_query(now))
    last = notices.last_published([unit.id for unit in page.items])
    return render_template("forum/idle_units.html", page=page, last=last, now=now,
                           cutoff=notices.idle_cutoff(now), months=current_app.config["FORUM_UNIT_IDLE_MONTHS"])
