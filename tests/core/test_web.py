"""How a view calls a service (core/web.py): where a rule's refusal is shown, and what is rolled back."""
import pytest
from flask_wtf import FlaskForm
from wtforms import FieldList, StringField
from werkzeug.exceptions import HTTPException

from core.errors import DomainError, NotAllowed, NotFound
from core.web import REFUSED, attach_error, perform, run_for_api, run_for_form, run_or_answer


class QuestionForm(FlaskForm):
    class Meta:
        csrf = False

    text = StringField()
    options = FieldList(StringField(), min_entries=2)


def refuse(error):
    def action():
        raise error
    return action


def flashed():
    """What this request flashed (read once: Flask keeps the first answer for the request)."""
    from flask import get_flashed_messages
    return get_flashed_messages(with_categories=True)


@pytest.fixture
def form(in_request):
    return QuestionForm()


def test_a_refusal_naming_a_field_goes_next_to_it_and_one_naming_rows_above_the_form(form):
    attach_error(form, DomainError("Pertanyaan wajib diisi.", field="text"))
    attach_error(form, DomainError("Paling sedikit dua pilihan.", field="options"))
    attach_error(form, DomainError("Modul ini sudah diterbitkan."))
    assert form.text.errors == ["Pertanyaan wajib diisi."]
    assert form.form_errors == ["Paling sedikit dua pilihan.", "Modul ini sudah diterbitkan."]


def test_run_for_form_returns_the_result_or_shows_the_refusal_on_the_form(form):
    assert run_for_form(lambda: 42, form) == 42
    assert run_for_form(refuse(DomainError("Terlalu singkat.", field="text")), form) is REFUSED
    assert form.text.errors == ["Terlalu singkat."]
    assert flashed() == []


def test_perform_flashes_the_outcome_in_the_view_s_categories(form):
    assert perform(lambda: True, success=lambda deleted: "dihapus" if deleted else "dinonaktifkan") is True
    assert perform(lambda: None, success="Anda sudah keluar.", success_category="info") is None
    assert perform(lambda: None) is None  # nothing to say
    assert perform(refuse(DomainError("Sudah dihapus.")), success="tidak tampil", refusal_category="warning") is REFUSED
    assert flashed() == [("success", "dihapus"), ("info", "Anda sudah keluar."), ("warning", "Sudah dihapus.")]


def test_perform_shows_a_refusal_naming_a_field_of_the_form_next_to_it(form):
    assert perform(refuse(DomainError("Terlalu singkat.", field="text")), success="x", form=form) is REFUSED
    assert form.errors == {"text": ["Terlalu singkat."]}
    # Without the form, or naming no field of it, the refusal is flashed.
    perform(refuse(DomainError("Terlalu singkat.", field="text")))
    perform(refuse(DomainError("Tidak ada.", field="nowhere")), form=form)
    assert flashed() == [("danger", "Terlalu singkat."), ("danger", "Tidak ada.")]


@pytest.mark.parametrize("helper", [
    lambda action: run_for_form(action, QuestionForm()), perform, run_for_api,
    lambda action: run_or_answer(action, lambda error: ("", 400))])
def test_not_allowed_is_never_shown_as_a_refusal_but_answered_403(in_request, helper):
    with pytest.raises(NotAllowed):
        helper(refuse(NotAllowed("Anda tidak memiliki izin untuk tindakan ini.")))


def test_a_refusal_rolls_back_what_the_service_left_unsaved(in_request, make_unit):
    from core.extensions import db
    unit = make_unit()

    def rename_then_refuse():
        unit.name = "Setengah jadi"
        raise DomainError("Nama sudah dipakai.", field="name")
    run_for_form(rename_then_refuse, QuestionForm())
    assert unit.name != "Setengah jadi" and not db.session.dirty


def test_run_or_answer_ends_the_request_with_the_view_s_answer(in_request):
    assert run_or_answer(lambda: "a,b\r\n", lambda error: ("unused", 400)) == "a,b\r\n"
    with pytest.raises(HTTPException) as ended:
        run_or_answer(refuse(DomainError("Modul ini tidak diwajibkan bagi ASN.")),
                      lambda error: (error.message + "\n", 400, {"Content-Type": "text/plain; charset=utf-8"}))
    response = ended.value.get_response()
    assert (response.status_code, response.get_data(as_text=True)) == (400, "Modul ini tidak diwajibkan bagi ASN.\n")


@pytest.mark.parametrize("error, status, body", [
    (DomainError("Pilih kategori.", field="category"), 400, {"category": ["Pilih kategori."]}),
    (DomainError("Tidak dapat diproses."), 400, {"_": ["Tidak dapat diproses."]}),
    (NotFound("Unit tidak ditemukan.", field="unit_id"), 404, {"unit_id": ["Unit tidak ditemukan."]})])
def test_the_api_answers_a_refusal_as_field_errors_with_the_error_s_status(in_request, error, status, body):
    with pytest.raises(HTTPException) as ended:
        run_for_api(refuse(error))
    response = ended.value.get_response()
    assert (response.status_code, response.json) == (status, {"errors": body})
