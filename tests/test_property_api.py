"""Property-based tests: whatever a client sends, the site never answers 5xx.

Schemathesis generates requests (valid and invalid bodies, headers, path and query values) from
the published OpenAPI document (GET /api/v1/openapi.json) and calls the app through WSGI; Hypothesis
strategies do the same for a sample of HTML pages (list pages with their page, filter and search
arguments, detail pages with any id), for a visitor and for the staff whose pages have filters.
Examples are few per test so the file stays under a minute on SQLite; run with TEST_DATABASE_URL
on PostgreSQL too, which refuses more input (NUL, integers beyond int4/int8) than SQLite.
"""
import contextvars
from datetime import timedelta
from urllib.parse import quote

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error

from core.extensions import db, limiter
from core.permissions import ADMIN, MODERATOR
from tests.conftest import NOW

EXAMPLES = 100
PROPERTY_SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                             suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                                    HealthCheck.filter_too_much, HealthCheck.data_too_large])


def _isolated(app):
    """The app as a WSGI callable whose every request runs in its own app context (as
    tests.conftest.IsolatedClient does), so a refused request cannot leave the test's session dirty."""
    def wsgi(environ, start_response):
        return contextvars.Context().run(lambda: list(app(environ, start_response)))
    return wsgi


@pytest.fixture
def without_rate_limits():
    limiter.enabled = False
    yield
    limiter.enabled = True


@pytest.fixture
def seeded(make_unit, make_user):
    """A unit to file complaints to and an open consultation, so detail pages have something to show."""
    from forum.models import OPEN, Consultation
    unit = make_unit()
    opens = NOW - timedelta(days=1)
    db.session.add(Consultation(
        slug="konsultasi-1", title="Rancangan standar pelayanan perizinan", unit_id=unit.id,
        topic_type="standar_pelayanan", description="Masukan atas rancangan.", format="hybrid",
        opens_at=opens, closes_at=opens + timedelta(days=8), meeting_at=opens + timedelta(days=11),
        place="Aula", stage=OPEN, created_at=opens, updated_at=opens, published_at=opens))
    db.session.commit()
    return unit


# Every operation of the document; test_the_document_lists_every_api_operation_tested_here keeps
# this list and the document in step.
API_OPERATIONS = [("POST", "/api/v1/complaints"), ("GET", "/api/v1/complaints/{code}"),
                  ("GET", "/api/v1/complaints/categories"), ("GET", "/api/v1/units"),
                  ("GET", "/api/v1/certificates/{code}"), ("GET", "/api/v1/complaints/public"),
                  ("GET", "/api/v1/rapor")]


def _api_schema(app):
    # Loaded inside the test (the app fixture makes the database), through the schema's own strategy:
    # schemathesis' lazy pytest loader (from_fixture) does not run under pytest 9.
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", _isolated(app))


def test_the_document_lists_every_api_operation_tested_here(app):
    schema = _api_schema(app)
    listed = {(op.ok().method.upper(), op.ok().path) for op in schema.get_all_operations()}
    assert listed == set(API_OPERATIONS)


@pytest.mark.parametrize("method, path", API_OPERATIONS)
def test_no_request_to_the_json_api_gets_a_server_error(app, seeded, without_rate_limits, method, path):
    operation = _api_schema(app)[path][method]

    @PROPERTY_SETTINGS
    @given(case=operation.as_strategy())
    def no_server_error(case):
        case.call_and_validate(checks=[not_a_server_error])

    no_server_error()


# --- HTML pages -------------------------------------------------------------------------------------

# Text as a browser or a script may send it: any character a URL can carry, NUL included.
TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=30)
NUMBER = st.integers(min_value=-(2**70), max_value=2**70).map(str)
VALUE = st.one_of(TEXT, NUMBER, st.sampled_from(["", "0", "1", "all", "overdue", "soon", "received",
                                                 "99999999999999999999", "9" * 5000, "%00", "\x00", "a\x00"]))
ARGUMENTS = ["page", "q", "status", "unit_id", "due", "tab", "kode", "sasaran", "jenis", "aksi", "tahun",
             "halaman_masukan", "topik", "tahap", "unit", "bulan", "modul", "next", "reason", "email", "category",
             "classification", "overdue", "sort", "periode", "dari", "sampai", "from", "to"]
QUERY = st.dictionaries(st.sampled_from(ARGUMENTS), VALUE, max_size=4)
NASTY = st.sampled_from(["\x00", "a\x00b", "99999999999999999999", "9" * 5000, "%00", "..", "ADU-2026-\x00",
                         "\ufffd", "' OR 1=1 --", "<script>", "\u202e", "konsultasi-1"])
ID = st.one_of(st.integers(min_value=0, max_value=50), st.integers(min_value=0, max_value=2**70),
               st.sampled_from([2**31 - 1, 2**31, 2**63 - 1, 2**63, 2**64]))
SLUG = st.one_of(TEXT.filter(bool), NASTY)

PUBLIC_PAGES = ["/", "/forum/", "/forum/cari", "/forum/tindak-lanjut", "/forum/feed.atom", "/organisasi",
                "/pengaduan/lacak", "/pelatihan/", "/pelatihan/periksa", "/tentang", "/akun/masuk",
                "/akun/periksa-email", "/forum/konsultasi/konsultasi-1", "/pengaduan/publik", "/rapor.csv", "/rapor/data"]
# "{}" takes an id, "{s}" a text (slug, tracking or certificate code).
PUBLIC_DETAILS = ["/forum/masukan/{}", "/forum/tindak-lanjut/{}", "/organisasi/{}", "/pengaduan/lacak/{s}",
                  "/forum/konsultasi/{s}", "/pelatihan/sertifikat/{s}", "/pelatihan/modul/{s}",
                  "/pelatihan/modul/konsultasi-1/pelajaran/{}", "/akun/verifikasi/{s}", "/pengaduan/publik/unit/{}",
                  "/rapor/unit/{}.csv"]
STAFF_PAGES = ["/pengaduan/antrean", "/forum/moderasi", "/forum/moderasi/unit-pasif", "/pelatihan/laporan",
               "/pelatihan/laporan/belum-selesai", "/admin/pengguna", "/admin/organisasi", "/admin/audit",
               "/admin/outbox", "/admin/kalender", "/pelatihan/kelola"]
STAFF_DETAILS = ["/admin/pengguna/{}", "/admin/organisasi/{}", "/admin/unit/{}", "/pelatihan/kuis/{}",
                 "/pengaduan/{s}", "/pelatihan/kelola/{s}"]


def _url(template, ident, slug):
    return template.replace("{}", str(ident)).replace("{s}", quote(slug, safe=""))


@pytest.mark.parametrize("role", [None, ADMIN, MODERATOR])
def test_no_page_request_gets_a_server_error(app, client, login, make_user, seeded, without_rate_limits, role):
    if role is not None:
        login(make_user(role, unit=seeded if role == MODERATOR else None))
    pages = PUBLIC_PAGES + PUBLIC_DETAILS + ((STAFF_PAGES + STAFF_DETAILS) if role else [])

    @PROPERTY_SETTINGS
    @given(template=st.sampled_from(pages), ident=ID, slug=SLUG, query=QUERY)
    def no_server_error(template, ident, slug, query):
        response = client.get(_url(template, ident, slug), query_string=query)
        assert response.status_code < 500, (template, ident, slug, query)

    no_server_error()


FORM = st.dictionaries(st.sampled_from(["email", "password", "title", "description", "category", "unit_id",
                                        "classification", "anonymous", "kode", "q", "full_name"]),
                       TEXT, max_size=6)


def test_no_form_post_gets_a_server_error(app, client, seeded, without_rate_limits):
    @PROPERTY_SETTINGS
    @given(path=st.sampled_from(["/akun/masuk", "/akun/daftar", "/akun/lupa-sandi", "/pengaduan/baru",
                                 "/akun/verifikasi-ulang", "/bahasa/en"]), form=FORM)
    def no_server_error(path, form):
        response = client.post(path, data=form)
        assert response.status_code < 500, (path, form)

    no_server_error()
