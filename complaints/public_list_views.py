"""The public list of complaints (the city's, and one unit's) and the moderators' control over it."""
from flask import abort, render_template, request
from flask_login import login_required
from markupsafe import Markup

from accounts.models import Unit
from core import clock, page_cache
from core.extensions import db
from core.i18n import gettext as _
from core.page_cache import cached_for_visitors
from core.web import paginate

from . import bp, public_list, public_list_services
from .models import CITY_LIST_KEY, unit_list_key
from .forms import HideFromListForm, PublicListFilterForm, ShowOnListForm
from .views import _staff_step, _user


def _list_page(unit=None):
    form = PublicListFilterForm.over(request.args, unit=unit)
    now = clock.now()
    if not form.validate():
        # A bad filter is a message next to its field (400), never a guess at what was meant.
        filters = Markup(render_template("complaints/_public_list_filters.html", form=form))
        return render_template("complaints/public_list.html", filters_html=filters, unit=unit, body=None), 400

    def render_list():
        page = paginate(public_list.list_query(now=now, **form.filters()))
        return render_template("complaints/_public_list_body.html", form=form, unit=unit, page=page,
                               rows=public_list.rows(page.items, now=now))
    # The same rows and filters for every viewer: signed-in people get them from the fragments too.
    key = unit_list_key(unit.id) if unit else CITY_LIST_KEY
    names = {"filters": f"complaints-public-filters:{request.full_path}",
             "body": f"complaints-public-list:{request.full_path}"}
    html = page_cache.cached_fragments("complaints", [key], {
        names["filters"]: lambda: render_template("complaints/_public_list_filters.html", form=form),
        names["body"]: render_list})
    return render_template("complaints/public_list.html", filters_html=html[names["filters"]], unit=unit,
                           body=html[names["body"]])


@bp.get("/publik", endpoint="public_list")
@cached_for_visitors("complaints", keys=lambda: [CITY_LIST_KEY])
def public_list_page():
    return _list_page()


@bp.get("/publik/unit/<int:unit_id>")
@cached_for_visitors("complaints", keys=lambda unit_id: [unit_list_key(unit_id)])
def public_unit_list(unit_id):
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        abort(404)
    return _list_page(unit)


@bp.post("/<code>/keluarkan-dari-daftar-publik")
@login_required
def hide_from_public_list(code):
    return _staff_step(code, HideFromListForm, "complaint.moderate",
                       lambda c, f: public_list_services.hide_from_public_list(_user(), c, reason=f.reason.data),
                       _("Pengaduan dikeluarkan dari daftar publik; alasannya tercatat di riwayat internal."),
                       form_name="hide_list_form")


@bp.post("/<code>/kembalikan-ke-daftar-publik")
@login_required
def show_on_public_list(code):
    return _staff_step(code, ShowOnListForm, "complaint.moderate",
                       lambda c, f: public_list_services.show_on_public_list(_user(), c, note=f.note.data),
                       _("Pengaduan dikembalikan ke daftar publik."), form_name="show_list_form")
