"""Content revisions per object (core/page_cache.py): a change bumps the keys of the objects it
touches at commit, a page or fragment keyed on other objects keeps being served, and a change that
cannot name its objects (a bulk statement) invalidates every keyed page of the scope."""
from datetime import date

import pytest
from flask_wtf.csrf import generate_csrf
from sqlalchemy import delete, select, update

from core import page_cache
from core.calendar import CalendarDate
from core.extensions import db

from tests.conftest import count_queries

SCOPE = "calendar-test"


def day_key(row):
    return page_cache.object_key("calendar-test:day", row.id)


@pytest.fixture(autouse=True)
def keyed_calendar(monkeypatch):
    """Track a core model under a scope of its own, with one key per row, for these tests only."""
    monkeypatch.setitem(page_cache._scope_of, CalendarDate, SCOPE)
    monkeypatch.setitem(page_cache._keys_of, CalendarDate, lambda row: [day_key(row)])


def add_day(day, name="Libur daerah"):
    row = CalendarDate(day=day, kind="holiday", name=name)
    db.session.add(row)
    db.session.commit()
    return row


def counters(*keys):
    return dict(page_cache.revisions(keys))


def test_a_commit_bumps_the_keys_of_the_changed_row_and_the_scope_in_one_statement():
    first = add_day(date(2026, 8, 18))
    second = add_day(date(2026, 8, 19))
    scope_before = page_cache.revision(SCOPE)
    with count_queries() as statements:
        first.name = "Hari jadi kota"
        db.session.commit()
    assert sum("content_revision" in s for s in statements) == 1
    assert counters(day_key(first), day_key(second)) == {day_key(first): 2, day_key(second): 1}
    assert page_cache.revision(SCOPE) == scope_before + 1
    assert page_cache.revision(page_cache.whole_scope_key(SCOPE)) == 0  # the row named its keys


def test_a_rolled_back_change_bumps_nothing():
    row = add_day(date(2026, 8, 18))
    before = counters(SCOPE, day_key(row))
    row.name = "Tidak jadi"
    db.session.flush()
    db.session.rollback()
    db.session.commit()
    assert counters(SCOPE, day_key(row)) == before


def test_revisions_of_several_keys_are_read_in_one_statement_also_through_a_subquery():
    row = add_day(date(2026, 8, 18))
    by_day = select(CalendarDate.id).where(CalendarDate.day == date(2026, 8, 18)).scalar_subquery()
    with count_queries() as statements:
        read = page_cache.revisions([page_cache.object_key("calendar-test:day", by_day), SCOPE, "never-bumped"])
    assert len(statements) == 1
    assert read == ((SCOPE, page_cache.revision(SCOPE)), (day_key(row), 1))


@pytest.fixture
def day_page(app):
    """A page keyed on one day, served through cached_for_visitors; counts its renderings."""
    rendered = []

    @page_cache.cached_for_visitors(SCOPE, keys=lambda day_id: [page_cache.object_key("calendar-test:day", day_id)])
    def page(day_id):
        rendered.append(day_id)
        return f"<p>{db.session.get(CalendarDate, day_id).name}</p>"

    def visit(day_id):
        with app.test_request_context(f"/hari/{day_id}"):
            return page(day_id=day_id).get_data(as_text=True)
    visit.rendered = rendered
    return visit


def test_a_keyed_page_is_rendered_again_only_when_its_object_changes(day_page):
    mine, other = add_day(date(2026, 8, 18)), add_day(date(2026, 8, 19))
    day_page(mine.id)
    day_page(mine.id)
    assert day_page.rendered == [mine.id]
    other.name = "Perubahan di hari lain"
    db.session.commit()
    day_page(mine.id)
    assert day_page.rendered == [mine.id]  # still served from the cache
    mine.name = "Hari jadi kota"
    db.session.commit()
    assert day_page(mine.id) == "<p>Hari jadi kota</p>"
    assert day_page.rendered == [mine.id, mine.id]


@pytest.mark.parametrize("statement", ["update", "delete other"])
def test_a_bulk_statement_invalidates_every_keyed_page_of_the_scope(day_page, statement):
    mine, other = add_day(date(2026, 8, 18)), add_day(date(2026, 8, 19))
    day_page(mine.id)
    if statement == "update":
        db.session.execute(update(CalendarDate).values(name="Diganti sekaligus"))
    else:
        db.session.execute(delete(CalendarDate).where(CalendarDate.id == other.id))
    db.session.commit()
    day_page(mine.id)
    assert day_page.rendered == [mine.id, mine.id]


@pytest.fixture
def fragment(app):
    """One fragment keyed on a day, rendered through cached_fragment; counts its renderings."""
    rendered = []

    def show(row, body=None):
        def render():
            rendered.append(row.id)
            return body or f"<li>{row.name}</li>"
        with app.test_request_context("/"):
            return str(page_cache.cached_fragment(f"day:{row.id}", SCOPE, [day_key(row)], render))
    show.rendered = rendered
    return show


def test_a_fragment_is_reused_until_its_keys_change(fragment):
    mine, other = add_day(date(2026, 8, 18)), add_day(date(2026, 8, 19))
    assert fragment(mine) == "<li>Libur daerah</li>"
    assert fragment(mine) == "<li>Libur daerah</li>"
    other.name = "Hari lain"
    db.session.commit()
    fragment(mine)
    assert fragment.rendered == [mine.id]
    mine.name = "Hari jadi kota"
    db.session.commit()
    assert fragment(mine) == "<li>Hari jadi kota</li>"
    assert fragment.rendered == [mine.id, mine.id]


def test_a_bulk_statement_invalidates_fragments_too(fragment):
    mine = add_day(date(2026, 8, 18))
    fragment(mine)
    db.session.execute(update(CalendarDate).values(kind="working_day"))
    db.session.commit()
    fragment(mine)
    assert fragment.rendered == [mine.id, mine.id]


def test_fragments_are_off_at_zero_fragment_seconds(fragment, settings):
    settings(FRAGMENT_CACHE_SECONDS=0)
    mine = add_day(date(2026, 8, 18))
    fragment(mine)
    fragment(mine)
    assert fragment.rendered == [mine.id, mine.id]


def test_fragments_stay_on_with_the_page_cache_off(fragment, settings):
    """PAGE_CACHE_SECONDS=0 renders visitors' whole pages; the parts every viewer sees alike are
    still kept, as they are for signed-in people."""
    settings(PAGE_CACHE_SECONDS=0)
    mine = add_day(date(2026, 8, 18))
    fragment(mine)
    fragment(mine)
    assert fragment.rendered == [mine.id]


def test_a_fragment_with_csrf_token_gives_each_viewer_their_own_token(fragment, app):
    mine = add_day(date(2026, 8, 18))
    form = '<input name="csrf_token" value="{{ csrf_token() }}">'
    for _ in range(2):
        with app.test_request_context("/"):
            served = str(page_cache.cached_fragment(
                "with-token", SCOPE, [day_key(mine)],
                lambda: fragment.rendered.append(mine.id) or app.jinja_env.from_string(form).render()))
            assert served == f'<input name="csrf_token" value="{generate_csrf()}">'  # this viewer's token
    assert fragment.rendered == [mine.id]  # stored with the placeholder, served again


def test_a_fragment_that_rendered_a_form_s_own_token_is_never_stored(fragment, app):
    mine = add_day(date(2026, 8, 18))
    with app.test_request_context("/"):
        def render():
            fragment.rendered.append(mine.id)
            return f'<input name="csrf_token" value="{generate_csrf()}">'
        page_cache.cached_fragment("with-form-token", SCOPE, [day_key(mine)], render)
        page_cache.cached_fragment("with-form-token", SCOPE, [day_key(mine)], render)
    assert fragment.rendered == [mine.id, mine.id]
