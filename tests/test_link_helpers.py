"""Link helpers use the real endpoint and fail loudly when it is missing (no guessing, no index fallback)."""
from types import SimpleNamespace

import pytest
from flask import Flask
from werkzeug.routing import BuildError

from forum import minutes_views, search, input_views
from training import certificate_services


@pytest.fixture
def site_with_only_index_pages():
    """An app that has the index pages but not the pages the links point to."""
    bare = Flask("bare")
    for rule, endpoint in (("/forum/", "forum.index"), ("/pelatihan/", "training.index")):
        bare.add_url_rule(rule, endpoint=endpoint, view_func=lambda: "")
    with bare.test_request_context():
        yield


@pytest.mark.parametrize("build", [
    lambda: search.consultation_url("musrenbang-2026"),
    lambda: search.input_url(7, "musrenbang-2026"),
    lambda: minutes_views.consultation_url(SimpleNamespace(slug="musrenbang-2026")),
    lambda: input_views.consultation_url(SimpleNamespace(slug="musrenbang-2026")),
    lambda: certificate_services._module_url(SimpleNamespace(slug="kode-etik-asn")),
], ids=["search.consultation_url", "search.input_url", "minutes_views.consultation_url",
        "input_views.consultation_url", "certificate_services._module_url"])
def test_a_link_to_a_missing_page_fails_instead_of_pointing_at_an_index(site_with_only_index_pages, build):
    with pytest.raises(BuildError):
        build()


def test_link_helpers_point_at_the_real_pages(in_request):
    assert search.consultation_url("musrenbang-2026") == "/forum/konsultasi/musrenbang-2026"
    assert search.input_url(7, "musrenbang-2026") == "/forum/masukan/7"
    assert input_views.consultation_url(SimpleNamespace(slug="a")) == "/forum/konsultasi/a"
    assert minutes_views.consultation_url(SimpleNamespace(slug="a")) == "/forum/konsultasi/a"
    assert certificate_services._module_url(SimpleNamespace(slug="kode-etik-asn")).endswith("/pelatihan/modul/kode-etik-asn")
