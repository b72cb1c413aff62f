"""The shipped training modules (training/content/*.json): their shape, and loading them.

The structural checks here are our own, independent of the importer, so a content file that
breaks the format fails here even before training.authoring_services.import_module sees it.
"""
import json
import re

import pytest

from core.audit import AuditEvent
from core.errors import NotAllowed
from core.extensions import db
from core.permissions import ASN, SYSTEM
from training import authoring_services, content
from training.authoring_services import longest_answer_share
from training.models import EXPORT_FORMAT, Lesson, Question, TrainingModule
from training.module_sources import clean_sources
from training.placeholders import PLACEHOLDER_RE, unknown_placeholders

FILES = content.content_files()
MODULES = {path.name: json.loads(path.read_text(encoding="utf-8")) for path in FILES}

MODULE_KEYS = {
    "format", "slug", "title", "summary", "audience", "estimated_minutes", "pass_mark",
    "validity_months", "mandatory_for_asn", "questions_per_quiz", "time_limit_minutes",
    "attempts_per_day", "prerequisite", "published", "sources", "lessons", "questions",
}
QUESTION_KEYS = {"kind", "text", "explanation", "options", "lesson"}
COMMUNITY_FILE = "07-hak-warga-pelayanan-publik.json"  # issue 12: the module for community organisations
REFRESHERS = {"kode-etik-asn", "berakhlak", "disiplin-pns"}  # yearly, mandatory, timed
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ALL_ANSWERS = re.compile(r"semua (jawaban|pilihan) (di atas )?benar", re.IGNORECASE)



def _strings(value):
    """Every string anywhere in a parsed JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def test_the_seven_modules_ship_in_file_name_order():
    assert [path.name for path in FILES] == [
        "01-kode-etik-asn.json", "02-berakhlak.json", "03-disiplin-pns.json",
        "04-standar-pelayanan.json", "05-pengaduan-sp4n-lapor.json", "06-forum-konsultasi-publik.json",
        COMMUNITY_FILE,
    ]


@pytest.mark.parametrize("name", sorted(MODULES))
def test_module_header_follows_the_format(name):
    data = MODULES[name]
    assert set(data) == MODULE_KEYS
    assert data["format"] == EXPORT_FORMAT == "platform-training-module/1"
    assert SLUG.match(data["slug"]) and name[3:-len(".json")] == data["slug"]
    assert data["title"].strip() and data["summary"].strip()
    assert 2 <= len(re.findall(r"[.?](?:\s|$)", data["summary"].strip())) <= 3, "summary: two or three sentences"
    assert data["audience"] in {"asn", "komunitas", "semua"}
    assert isinstance(data["estimated_minutes"], int) and data["estimated_minutes"] > 0
    assert data["pass_mark"] == 80
    assert data["questions_per_quiz"] == 10
    assert data["attempts_per_day"] == 3
    assert data["published"] is True
    refresher = data["slug"] in REFRESHERS
    assert data["mandatory_for_asn"] is refresher
    assert data["validity_months"] == (12 if refresher else None)
    assert data["time_limit_minutes"] == (20 if refresher else None)
    if refresher:
        assert data["audience"] == "asn"


def test_audiences_per_module():
    audiences = {data["slug"]: data["audience"] for data in MODULES.values()}
    assert audiences["forum-konsultasi-publik"] == "semua"
    for slug in ("kode-etik-asn", "berakhlak", "disiplin-pns", "pengaduan-sp4n-lapor"):
        assert audiences[slug] == "asn"
    assert audiences["standar-pelayanan"] in {"asn", "semua"}
    assert MODULES[COMMUNITY_FILE]["audience"] == "komunitas"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_lessons_are_markdown_of_a_readable_length(name):
    lessons = MODULES[name]["lessons"]
    assert 3 <= len(lessons) <= 5
    assert len({lesson["title"] for lesson in lessons}) == len(lessons)
    for lesson in lessons:
        assert set(lesson) == {"title", "body"}
        assert lesson["title"].strip() and lesson["body"].strip()
        words = len(lesson["body"].split())
        assert 250 <= words <= 600, f"{lesson['title']}: {words} words"
        lines = lesson["body"].splitlines()
        assert not [line for line in lines if re.match(r"^#(?!#)", line)], "headings start at ##"
        assert any(line.startswith("## ") for line in lines)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_question_bank_is_well_formed(name):
    data = MODULES[name]
    questions = data["questions"]
    # A retake can then avoid every question the previous attempt showed (the authoring warning's rule).
    assert len(questions) >= 2 * data["questions_per_quiz"]
    assert len({q["text"] for q in questions}) == len(questions)
    kinds = {q["kind"] for q in questions}
    assert kinds == {"single", "multiple"}, "a mix of single and multiple choice"
    for q in questions:
        assert set(q) == QUESTION_KEYS
        assert q["text"].strip() and q["explanation"].strip()
        assert isinstance(q["lesson"], int) and 1 <= q["lesson"] <= len(data["lessons"]), \
            f"each question names the lesson that teaches it: {q['text']}"
        options = q["options"]
        assert 3 <= len(options) <= 5, q["text"]
        assert all(set(o) == {"text", "correct"} and isinstance(o["correct"], bool) for o in options)
        texts = [o["text"].strip() for o in options]
        assert all(texts), q["text"]
        assert len(set(texts)) == len(texts), f"duplicate option in: {q['text']}"
        assert not any(ALL_ANSWERS.search(text) for text in texts), q["text"]
        correct = sum(o["correct"] for o in options)
        if q["kind"] == "single":
            assert correct == 1, q["text"]
        else:
            assert q["kind"] == "multiple"
            assert correct >= 2, q["text"]
            assert correct < len(options), f"at least one wrong option: {q['text']}"
            assert "pilih semua yang benar" in q["text"].lower()


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_empty_strings_anywhere(name):
    data = dict(MODULES[name])
    # A source's "articles" is empty when the whole regulation is meant.
    data["sources"] = [{key: value for key, value in source.items() if key != "articles"} for source in data["sources"]]
    assert all(text.strip() for text in _strings(data))


def test_slugs_are_unique_and_prerequisites_load_first():
    slugs = [MODULES[path.name]["slug"] for path in FILES]
    assert len(set(slugs)) == len(slugs)
    seen = set()
    for path in FILES:
        data = MODULES[path.name]
        prerequisite = data["prerequisite"]
        if prerequisite is not None:
            assert prerequisite in slugs, f"{data['slug']}: unknown prerequisite {prerequisite}"
            assert prerequisite in seen, f"{data['slug']}: prerequisite must come earlier in file order"
            assert MODULES[next(p.name for p in FILES if MODULES[p.name]["slug"] == prerequisite)]["prerequisite"] is None, \
                "at most one prerequisite chain, one level deep"
        seen.add(data["slug"])
    assert MODULES["03-disiplin-pns.json"]["prerequisite"] == "kode-etik-asn"


# --- loading: the loader's own rule (skip existing slugs), with a stand-in importer -----------

@pytest.fixture
def fake_importer(monkeypatch):
    """Replace import_module by one that writes only the module row, and records its calls."""
    calls = []

    def import_module(data, *, actor, now=None, replace=True):
        calls.append((data["slug"], replace))
        module = db.session.execute(db.select(TrainingModule).filter_by(slug=data["slug"])).scalar_one_or_none()
        if module is None:
            module = TrainingModule(slug=data["slug"])
            db.session.add(module)
        module.title, module.summary = data["title"], data["summary"]
        db.session.commit()
        return module

    monkeypatch.setattr(authoring_services, "import_module", import_module, raising=False)
    return calls


def test_load_content_imports_every_file_in_order_then_skips_existing_slugs(fake_importer):
    slugs = [MODULES[path.name]["slug"] for path in FILES]

    assert content.load_content(actor=SYSTEM) == [(slug, "loaded") for slug in slugs]
    assert fake_importer == [(slug, False) for slug in slugs]

    assert content.load_content(actor=SYSTEM) == [(slug, "skipped") for slug in slugs]
    assert len(fake_importer) == len(slugs), "existing modules are not handed to the importer again"

    assert content.load_content(actor=SYSTEM, replace=True) == [(slug, "loaded") for slug in slugs]
    assert fake_importer[len(slugs):] == [(slug, True) for slug in slugs]


def test_load_content_refuses_a_missing_actor_even_when_it_would_skip_everything(fake_importer):
    content.load_content(actor=SYSTEM)
    with pytest.raises(TypeError):
        content.load_content(actor=None, replace=True)
    with pytest.raises(TypeError):
        content.load_content(actor=None)
    assert len(fake_importer) == len(FILES)


def test_only_authors_load_content(fake_importer, make_user):
    with pytest.raises(NotAllowed):
        content.load_content(actor=make_user(ASN))
    assert fake_importer == []


# --- loading through the real importer and the CLI --------------------------------------------


def _counts():
    return {m.slug: (len(m.lessons), len(m.questions))
            for m in db.session.execute(db.select(TrainingModule)).scalars()}


def _expected_counts():
    return {data["slug"]: (len(data["lessons"]), len(data["questions"])) for data in MODULES.values()}


def test_cli_loads_every_module_then_skips_them(app):
    runner = app.test_cli_runner()

    result = runner.invoke(args=["training", "load-content"])
    assert result.exit_code == 0, result.output
    for data in MODULES.values():
        assert f"loaded: {data['slug']}" in result.output
    db.session.expire_all()
    assert _counts() == _expected_counts()

    disiplin = db.session.execute(db.select(TrainingModule).filter_by(slug="disiplin-pns")).scalar_one()
    assert disiplin.prerequisite is not None and disiplin.prerequisite.slug == "kode-etik-asn"
    assert disiplin.mandatory_for_asn and disiplin.validity_months == 12 and disiplin.published
    fkp = db.session.execute(db.select(TrainingModule).filter_by(slug="forum-konsultasi-publik")).scalar_one()
    assert fkp.audience == "semua" and fkp.validity_months is None and fkp.time_limit_minutes is None
    first_lesson = fkp.lessons[0]
    assert first_lesson.title == MODULES["06-forum-konsultasi-publik.json"]["lessons"][0]["title"]

    again = runner.invoke(args=["training", "load-content"])
    assert again.exit_code == 0, again.output
    for data in MODULES.values():
        assert f"skipped: {data['slug']}" in again.output
    assert "loaded:" not in again.output
    db.session.expire_all()
    assert _counts() == _expected_counts()
    assert db.session.query(Lesson).count() == sum(len(d["lessons"]) for d in MODULES.values())


def test_cli_replace_reloads_without_duplicating(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["training", "load-content"]).exit_code == 0

    result = runner.invoke(args=["training", "load-content", "--replace"])
    assert result.exit_code == 0, result.output
    assert result.output.count("loaded: ") == len(MODULES)
    db.session.expire_all()
    assert _counts() == _expected_counts()
    assert db.session.query(Question).count() == sum(len(d["questions"]) for d in MODULES.values())


def test_the_cli_loads_as_the_system(app):
    assert app.test_cli_runner().invoke(args=["training", "load-content"]).exit_code == 0
    imported = db.session.scalars(db.select(AuditEvent).filter_by(action="training.module_imported")).all()
    assert len(imported) == len(MODULES) and {e.actor_id for e in imported} == {None}  # shown as "sistem"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_guessing_the_longest_option_does_not_pass(name):
    """Issue 12: in 50 of 57 questions the correct option was the longest."""
    longest, singles = longest_answer_share(
        (q["kind"], [(o["text"], o["correct"]) for o in q["options"]]) for q in MODULES[name]["questions"])
    assert singles >= 10
    assert longest * 2 <= singles, f"the correct option is the longest in {longest} of {singles} questions"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_every_module_names_its_sources_and_when_they_were_checked(name):
    sources = MODULES[name]["sources"]
    assert 2 <= len(sources) <= 10
    assert clean_sources(sources) == [dict(source, note=source.get("note", "")) for source in sources]
    assert all(source["checked_on"] >= "2026-12-01" for source in sources), "checked for issue 12"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_placeholders_name_known_settings_and_stay_out_of_titles(name):
    data = MODULES[name]
    assert [unknown for text in _strings(data) for unknown in unknown_placeholders(text)] == []
    titles = [data["title"], data["slug"]] + [lesson["title"] for lesson in data["lessons"]]
    assert not [title for title in titles if PLACEHOLDER_RE.search(title)]


def test_the_complaint_module_reads_the_city_deadline_from_the_setting():
    data = MODULES["05-pengaduan-sp4n-lapor.json"]
    lessons = " ".join(lesson["body"] for lesson in data["lessons"])
    assert "{{batas_hari_kerja_pengaduan}} hari kerja" in lessons


# Wordings the review of issue 12 found wrong or outdated; each must stay out of the shipped content.
RETIRED_WORDINGS = [
    # Quoted, the old name may appear where a lesson says it is outdated.
    (re.compile(r"(?<![\"“])izin usaha mikro", re.I), "micro businesses get an NIB through OSS (PP 28/2025)"),
    (re.compile(r"\bPAN-RB\b|\bPAN RB\b"), "the ministry's short name is PANRB"),
    (re.compile(r"\bayat \d"), "write ayat (1)"),
    (re.compile(r"whistle-?blowing(?! system)", re.I), "pengaduan pelanggaran, or the official whistleblowing system"),
    (re.compile(r"tidak ditemukan (kuota|ketentuan)", re.I), "research notes do not belong in a lesson"),
    (re.compile(r"pengaduan adalah hadiah", re.I), "clashes with the anti-gratification message"),
]


def _taught(data):
    """What a module states as true: summary, lessons, explanations, correct options (a question
    and its wrong options may quote a misunderstanding on purpose)."""
    yield data["summary"]
    for lesson in data["lessons"]:
        yield lesson["body"]
    for question in data["questions"]:
        yield question["explanation"]
        yield from (option["text"] for option in question["options"] if option["correct"])


@pytest.mark.parametrize("name", sorted(MODULES))
def test_retired_wordings_stay_out(name):
    texts = list(_taught(MODULES[name]))
    found = [(pattern.pattern, why) for pattern, why in RETIRED_WORDINGS if any(pattern.search(t) for t in texts)]
    assert found == []



@pytest.mark.parametrize("name", sorted(MODULES))
def test_filled_in_the_text_keeps_single_punctuation(app, name):
    """{{sistem_pengaduan_nasional}} ends in "!", so "{{...}}." would read "SP4N-LAPOR!."."""
    from training.placeholders import fill
    with app.app_context():
        doubled = [text for text in _strings(MODULES[name]) if re.search(r"[.!?][.,;:](\s|$)", fill(text))]
    assert doubled == []
