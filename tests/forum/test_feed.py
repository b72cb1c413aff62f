"""The Atom feed of published consultations."""
from datetime import timedelta
from xml.etree import ElementTree as ET

from forum.models import CLOSED, COMPLETED, DRAFT

from .conftest import NOW

A = "{http://www.w3.org/2005/Atom}"


def feed(client):
    response = client.get("/forum/feed.atom")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    return ET.fromstring(response.data)


def test_the_feed_lists_published_consultations_newest_first(client, make_consultation):
    make_consultation(title="Maklumat pelayanan perizinan", slug="maklumat", published_at=NOW - timedelta(days=5))
    make_consultation(CLOSED, title="Standar pelayanan KTP-el", slug="ktp", published_at=NOW - timedelta(days=1),
                      description="Kami mengundang **masukan** & saran <warga>.")
    make_consultation(COMPLETED, title="Hasil SKM 2026", slug="skm", published_at=NOW - timedelta(days=30))
    make_consultation(DRAFT, title="Draf rahasia", slug="draf")

    root = feed(client)
    entries = root.findall(f"{A}entry")
    assert [e.findtext(f"{A}title") for e in entries] == [
        "Standar pelayanan KTP-el", "Maklumat pelayanan perizinan", "Hasil SKM 2026"]
    first = entries[0]
    assert first.find(f"{A}link").get("href") == "http://localhost/forum/konsultasi/ktp"
    assert first.findtext(f"{A}summary") == "Kami mengundang masukan & saran <warga>."
    assert first.findtext(f"{A}published") == "2026-11-01T03:00:00Z"  # 10:00 WIB
    assert first.findtext(f"{A}id").startswith("tag:")
    assert first.findtext(f"{A}author/{A}name") == "Dinas Penanaman Modal dan PTSP"
    assert len({e.findtext(f"{A}id") for e in entries}) == 3
    assert root.findtext(f"{A}updated")
    assert root.find(f"{A}link[@rel='self']").get("href") == "http://localhost/forum/feed.atom"


def test_the_feed_holds_thirty_entries_in_a_fixed_number_of_queries(client, make_consultation):
    from tests.conftest import count_queries
    for n in range(35):
        make_consultation(published_at=NOW - timedelta(hours=n))
    with count_queries() as statements:
        root = feed(client)
    assert len(root.findall(f"{A}entry")) == 30
    assert len(statements) <= 3


def test_an_empty_feed_is_still_valid(client):
    root = feed(client)
    assert root.tag == f"{A}feed" and root.findall(f"{A}entry") == [] and root.findtext(f"{A}updated")
