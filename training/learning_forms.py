"""Forms of the learner's pages: the catalogue filter and the quiz (its buttons are core.forms.ActionForm).

The quiz's answers are read from the posted form by the view (`q-<question id>` → option ids),
because the questions differ per attempt; QuizForm carries the CSRF token.
"""
from wtforms import SelectField

from core.forms import PageForm
from core.i18n import lazy_gettext as _l

from .models import AUDIENCES


class CatalogueFilterForm(PageForm):
    class Meta:
        csrf = False  # a GET filter

    sasaran = SelectField(_l("Sasaran"), choices=[("", _l("Semua sasaran"))] + list(AUDIENCES.items()),
                           default="")


class QuizForm(PageForm):
    """The quiz's answers; the option fields are built from the attempt in the template."""


def answers_from(formdata, question_ids):
    """{question id: [option id, ...]} from fields named q-<question id>; junk values are dropped."""
    answers = {}
    for qid in question_ids:
        values = []
        for raw in formdata.getlist(f"q-{int(qid)}"):
            try:
                values.append(int(raw))
            except (TypeError, ValueError):
                continue
        answers[int(qid)] = values
    return answers
