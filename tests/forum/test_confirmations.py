"""Closing input early and publishing the berita acara cannot be undone: the button leads to a
confirmation page (GET, no JavaScript needed) whose form does the POST."""
import re
from datetime import timedelta

from core import clock
from core.extensions import db
from forum.models import CLOSED, OPEN, Minutes, Consultation

from .minutes_helpers import held_consultation, save

FORM = re.compile(r'<form method="post" action="([^"]+)"')


def test_closing_early_asks_for_confirmation_first(client, login, make_consultation, host, citizen):
    consultation = make_consultation(OPEN, opens_at=clock.now() - timedelta(days=1))
    close_url = f"/forum/konsultasi/{consultation.slug}/tutup"
    login(host)
    page = client.get(f"/forum/konsultasi/{consultation.slug}").text
    assert f'href="{close_url}"' in page and close_url not in FORM.findall(page)  # a link, not a one-click form
    confirm = client.get(close_url)
    assert confirm.status_code == 200 and "Tutup masa masukan sekarang?" in confirm.text
    assert close_url in FORM.findall(confirm.text) and "Ya, tutup masa masukan" in confirm.text
    # The scheduled close in the site's one date style (the city's zone by name, never "+0700").
    from core.i18n import format_moment
    assert format_moment(consultation.closes_at) in confirm.text and "WIB" in confirm.text
    assert db.session.get(Consultation, consultation.id).stage == OPEN  # looking changed nothing
    assert client.post(close_url).status_code == 302
    assert db.session.get(Consultation, consultation.id).stage == CLOSED
    again = client.get(close_url)
    assert again.status_code == 302  # nothing left to confirm
    login(citizen)
    assert client.get(close_url).status_code == 403


def test_publishing_the_minutes_asks_for_confirmation_first(client, login, make_consultation, host, host_unit,
                                                            citizen):
    consultation = held_consultation(make_consultation, clock.now())
    minutes = save(host, consultation, clock.now(), host_unit)
    publish_url = f"/forum/konsultasi/{consultation.slug}/berita-acara/terbitkan"
    login(host)
    page = client.get(f"/forum/konsultasi/{consultation.slug}/berita-acara").text
    assert f'href="{publish_url}"' in page and publish_url not in FORM.findall(page)
    confirm = client.get(publish_url)
    assert confirm.status_code == 200 and "Terbitkan berita acara?" in confirm.text
    assert publish_url in FORM.findall(confirm.text) and "Ya, terbitkan berita acara" in confirm.text
    assert db.session.get(Minutes, minutes.id).published_at is None
    assert client.post(publish_url).status_code == 302
    assert db.session.get(Minutes, minutes.id).published_at is not None
    assert client.get(publish_url).status_code == 302
    login(citizen)
    assert client.get(publish_url).status_code == 403
