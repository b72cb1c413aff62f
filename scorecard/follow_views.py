"""Following a unit (the buttons, the person's list of followed units, the digest's links that stop
following without signing in) and each unit's Atom feed."""
import re
from datetime import datetime, time, timedelta
from xml.etree import ElementTree as ET

from flask import Response, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from accounts.models import Unit
from core import clock
from core.extensions import csrf, db
from core.i18n import gettext as _
from core.web import paginate, perform, safe_next

from . import bp
from . import follow_services as following

ATOM = "http://www.w3.org/2005/Atom"
# The tag URIs' date: the day the scorecard's feeds began; never change it (entry ids must stay).
TAG_DATE = "2026-12-02"


def _unit(unit_id):
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        abort(404)
    return unit


@bp.app_context_processor
def _follow_helpers():
    return {"scorecard_is_following": lambda unit_id: following.is_following(current_user, unit_id)}


@bp.post("/unit/<int:unit_id>/pantau", endpoint="follow")
@login_required
def follow(unit_id):
    unit = _unit(unit_id)
    perform(lambda: following.follow(current_user._get_current_object(), unit, now=clock.now()),
            success=_("Anda memantau %(unit)s. Ringkasan perubahannya dikirim ke e-mail Anda setiap minggu.",
                      unit=unit.name))
    return redirect(safe_next(url_for("scorecard.unit", unit_id=unit.id)))


@bp.post("/unit/<int:unit_id>/berhenti-pantau", endpoint="unfollow")
@login_required
def unfollow(unit_id):
    unit = _unit(unit_id)
    perform(lambda: following.unfollow(current_user._get_current_object(), unit, now=clock.now()),
            success=_("Anda berhenti memantau %(unit)s.", unit=unit.name))
    return redirect(safe_next(url_for("scorecard.unit", unit_id=unit.id)))


@bp.get("/pantauan", endpoint="following")
@login_required
def followed():
    page = paginate(following.followed_units_query(current_user))
    return render_template("scorecard/following.html", page=page)


# --- stopping from the digest e-mail, without signing in --------------------------------------------
# The token in the URL stands for the person (follow_services.unsubscribe_by_token); a forged or
# mangled one is the site's 404 page with a sentence saying what to do instead.

@bp.route("/pantauan/berhenti/<token>", methods=["GET", "POST"], endpoint="unsubscribe")
def unsubscribe(token):
    """The digest's link: a page naming the units, whose button (a form with its CSRF token) stops them."""
    if request.method == "POST":
        stopped = following.unsubscribe_by_token(token, now=clock.now())
        return render_template("scorecard/unsubscribe.html", token=token, stopped=stopped, units=[])
    found = following.unsubscription(token)
    return render_template("scorecard/unsubscribe.html", token=token, stopped=None, units=found.units)


@bp.route("/pantauan/berhenti/<token>/satu-klik", methods=["GET", "POST"], endpoint="unsubscribe_one_click")
@csrf.exempt  # RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click" with no page, so no CSRF token
def unsubscribe_one_click(token):
    """The List-Unsubscribe header's URL: a POST stops at once; a GET (an older client) opens the page."""
    if request.method == "GET":
        return redirect(url_for("scorecard.unsubscribe", token=token))
    stopped = following.unsubscribe_by_token(token, now=clock.now())
    return Response(_("Anda berhenti memantau %(n)s unit.", n=len(stopped)) + "\n", mimetype="text/plain")


# --- the Atom feed ---------------------------------------------------------------------------------

def _iso(moment):
    return moment.isoformat().replace("+00:00", "Z")


@bp.get("/unit/<int:unit_id>/feed.atom", endpoint="unit_feed")
def unit_feed(unit_id):
    unit = _unit(unit_id)
    now = clock.now()
    events = following.feed_events(unit.id, now)
    config = current_app.config
    ET.register_namespace("", ATOM)

    def child(parent, tag, text=None, **attrs):
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            element.text = str(text)
        return element

    host = re.sub(r"^[a-z]+://", "", config["EXTERNAL_URL"]).split("/")[0].split(":")[0] or "localhost"
    base = f"tag:{host},{TAG_DATE}:rapor/unit/{unit.id}"
    page_url = url_for("scorecard.unit", unit_id=unit.id, _external=True)
    root = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": "id"})
    child(root, "id", base)
    child(root, "title", _("Pantauan %(unit)s — %(site)s", unit=unit.name, site=config["SITE_NAME"]))
    child(root, "subtitle", _("Konsultasi publik yang dibuka, tindak lanjut yang lewat target, dan pengaduan yang "
                              "diteruskan ke %(system)s, %(weeks)s minggu terakhir.",
                              system=config["NATIONAL_SYSTEM_NAME"], weeks=config["SCORECARD_FEED_WEEKS"]))
    child(root, "link", rel="self", type="application/atom+xml",
          href=url_for("scorecard.unit_feed", unit_id=unit.id, _external=True))
    child(root, "link", rel="alternate", type="text/html", href=page_url)
    # The newest entry's moment: the same on every request until something happens.
    child(root, "updated", _iso(events[0].at if events else unit_feed_epoch(now)))
    author = child(root, "author")
    child(author, "name", _("Pemerintah %(city)s", city=config["CITY_NAME"]))
    for event in events:
        entry = child(root, "entry")
        child(entry, "id", f"{base}/{event.ident}")
        child(entry, "title", event.title)
        link = (url_for("forum.consultation", slug=event.slug, _external=True) if event.slug else page_url)
        child(entry, "link", rel="alternate", type="text/html", href=link)
        child(entry, "updated", _iso(event.at))
        child(entry, "category", term=event.kind)
    body = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return Response(body, mimetype="application/atom+xml")


def unit_feed_epoch(now):
    """An empty feed's `updated`: the start of the window, the same all day."""
    local = clock.to_local(now)
    start = local.date() - timedelta(weeks=current_app.config["SCORECARD_FEED_WEEKS"])
    return datetime.combine(start, time(0), tzinfo=local.tzinfo)
