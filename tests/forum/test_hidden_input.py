"""A hidden input's title and text reach no visitor: not its trail ("Jejak masukan"), search, the
feed, the follow-up tracker or notices, and the page cache serves no copy from before the hiding."""
from datetime import timedelta

from core.extensions import db
from core.outbox import OutboxMessage
from forum import notice_services, input_services
from forum.models import ForumInput, OfficialResponse

from .minutes_helpers import agreement_rows, held_consultation, publish

SECRET = "Judul kasar yang disembunyikan"


def _answered_input(make_consultation, host, host_unit, org_member, now):
    consultation = held_consultation(make_consultation, now)
    forum_input = ForumInput(consultation=consultation, author=org_member, title=SECRET,
                             body="Isi kasar yang disembunyikan", created_at=now - timedelta(days=8))
    db.session.add(forum_input)
    db.session.flush()
    db.session.add(OfficialResponse(input=forum_input, unit_id=host_unit.id, disposition="diterima",
                                    reason="Kami setuju.", responded_by_id=host.id, created_at=now - timedelta(days=5)))
    db.session.commit()
    publish(host, consultation, now, host_unit, agreements=agreement_rows(host_unit, 1, input_id=forum_input.id))
    return forum_input


def test_a_hidden_inputs_title_leaves_its_trail(app, make_consultation, host, host_unit, org_member, moderator, now):
    from forum import minutes_services
    forum_input = _answered_input(make_consultation, host, host_unit, org_member, now)
    with app.test_request_context():
        assert minutes_services.trail_for_input(forum_input)[0]["text"] == SECRET
    input_services.hide(moderator, forum_input, "Kata-kata kasar", now=now)
    with app.test_request_context():
        trail = minutes_services.trail_for_input(forum_input)
    assert trail[0]["text"] is None and "disembunyikan" in trail[0]["label"]
    assert all(SECRET not in (step["text"] or "") + step["label"] for step in trail)
    assert [s["kind"] for s in trail][:3] == ["input", "response", "agreement"]


def test_no_public_page_shows_a_hidden_title_even_from_the_page_cache(
        client, make_consultation, host, host_unit, org_member, moderator, now):
    forum_input = _answered_input(make_consultation, host, host_unit, org_member, now)
    slug = forum_input.consultation.slug
    pages = [f"/forum/masukan/{forum_input.id}", "/forum/tindak-lanjut", "/forum/feed.atom",
             f"/forum/konsultasi/{slug}", "/forum/cari?q=kasar"]
    before = {url: client.get(url).get_data(as_text=True) for url in pages}  # fills the page cache
    assert SECRET in before[f"/forum/masukan/{forum_input.id}"]  # shown in the trail while visible
    input_services.hide(moderator, forum_input, "Kata-kata kasar", now=now)
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert SECRET not in response.get_data(as_text=True), url
        assert "Isi kasar yang disembunyikan" not in response.get_data(as_text=True), url


def test_no_notice_about_a_hidden_input(app, make_consultation, host, host_unit, org_member, moderator, now):
    forum_input = _answered_input(make_consultation, host, host_unit, org_member, now)
    notice_services.follow(org_member, forum_input=forum_input, now=now)
    input_services.hide(moderator, forum_input, "Kata-kata kasar", now=now)
    with app.test_request_context():
        assert notice_services.notify_response(forum_input) == 0
    db.session.commit()
    assert not [m for m in db.session.query(OutboxMessage) if SECRET in str(m.payload)]
