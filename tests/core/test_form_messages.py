"""WTForms' own messages (a length, a bad choice, a missing field without a message of ours) speak
the page's language: WTForms ships no Indonesian, so core.forms carries it."""
import re
from pathlib import Path

import wtforms
from babel.messages.pofile import read_po
from flask_wtf import FlaskForm

from core.forms import WTFORMS_INDONESIAN, PageForm, PlainForm


def test_every_message_wtforms_can_give_has_its_indonesian():
    catalogue = Path(wtforms.__file__).parent / "locale" / "wtforms.pot"
    with catalogue.open("rb") as pot:
        ids = [message.id for message in read_po(pot) if message.id]
    wanted = {text for message_id in ids for text in (message_id if isinstance(message_id, tuple) else (message_id,))}
    assert wanted - set(WTFORMS_INDONESIAN) == set()
    # Each keeps the placeholders WTForms fills in.
    for english, indonesian in WTFORMS_INDONESIAN.items():
        assert sorted(re.findall(r"%\(\w+\)\w|%s", english)) == sorted(re.findall(r"%\(\w+\)\w|%s", indonesian))


def test_every_form_of_the_platform_derives_from_core_s_bases(app):
    def everything_below(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from everything_below(sub)
    ours = {form for form in everything_below(wtforms.Form)
            if form.__module__.split(".")[0] in {"accounts", "complaints", "core", "forum", "scorecard", "training"}}
    assert len(ours) > 40
    assert {form for form in ours if not issubclass(form, (PageForm, PlainForm))} == set()
    assert all(issubclass(form, PageForm) for form in ours if issubclass(form, FlaskForm))
