"""A retry files nothing twice: the API's Idempotency-Key and the web form's one-time token."""
import threading

import pytest
from sqlalchemy import func, select

from complaints.models import Complaint, IdempotencyKey
from core.extensions import db
from core.outbox import OutboxMessage
from tests.complaints.test_api import BODY
from tests.complaints.test_intake import FORM


def complaints_filed():
    return db.session.scalar(select(func.count(Complaint.id)))


def test_an_api_retry_with_the_same_key_and_body_answers_the_original_201(client, unit):
    headers = {"Idempotency-Key": "kiosk-7f3a-0001"}
    first = client.post("/api/v1/complaints", json={**BODY, "unit_id": unit.id}, headers=headers)
    retry = client.post("/api/v1/complaints", json={"unit_id": unit.id, **BODY}, headers=headers)  # key order differs
    assert first.status_code == retry.status_code == 201
    assert retry.json["tracking_code"] == first.json["tracking_code"]
    assert retry.headers["Location"] == first.headers["Location"]
    assert complaints_filed() == 1
    assert db.session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.kind == "email")) == 1


def test_the_same_key_with_another_body_answers_422_and_files_nothing(client):
    headers = {"Idempotency-Key": "kiosk-7f3a-0002"}
    assert client.post("/api/v1/complaints", json=BODY, headers=headers).status_code == 201
    other = client.post("/api/v1/complaints", json={**BODY, "title": "Lampu jalan mati"}, headers=headers)
    assert other.status_code == 422
    assert list(other.json["errors"]) == ["idempotency_key"]
    assert complaints_filed() == 1


def test_without_a_key_each_request_files_a_complaint(client):
    client.post("/api/v1/complaints", json=BODY)
    client.post("/api/v1/complaints", json=BODY)
    assert complaints_filed() == 2


def test_a_key_longer_than_200_characters_is_refused(client):
    assert client.post("/api/v1/complaints", json=BODY, headers={"Idempotency-Key": "k" * 200}).status_code == 201
    too_long = client.post("/api/v1/complaints", json=BODY, headers={"Idempotency-Key": "k" * 201})
    assert too_long.status_code == 400 and "idempotency_key" in too_long.json["errors"]


def test_the_stored_key_is_a_hash_not_the_clients_secret(client):
    client.post("/api/v1/complaints", json=BODY, headers={"Idempotency-Key": "kiosk-rahasia-123"})
    assert "kiosk-rahasia-123" not in db.session.scalar(select(IdempotencyKey.key_hash))


def token_of(page):
    import re
    return re.search(r'name="once_token" type="hidden" value="([^"]+)"', page).group(1)


def test_a_double_submitted_web_form_files_one_complaint_and_shows_it(app, client):
    token = token_of(client.get("/pengaduan/baru").get_data(as_text=True))
    first = client.post("/pengaduan/baru", data={**FORM, "once_token": token})
    again = client.post("/pengaduan/baru", data={**FORM, "once_token": token})
    assert first.status_code == again.status_code == 302
    assert again.headers["Location"] == first.headers["Location"]
    assert complaints_filed() == 1


def test_a_resubmit_after_a_lost_answer_shows_the_filer_the_same_reporter_link(app, client):
    token = token_of(client.get("/pengaduan/baru").get_data(as_text=True))
    first_page = client.get(client.post("/pengaduan/baru", data={**FORM, "once_token": token})
                            .headers["Location"]).get_data(as_text=True)
    # The answer never arrived: the browser (without the new session) posts the same form again.
    retry_browser = app.test_client()
    again = retry_browser.post("/pengaduan/baru", data={**FORM, "once_token": token})
    page = retry_browser.get(again.headers["Location"]).get_data(as_text=True)
    link = first_page[first_page.index("/pengaduan/akses/"):].split('"')[0]
    assert link in page
    assert complaints_filed() == 1


def test_each_showing_of_the_form_gets_a_new_token(client):
    assert token_of(client.get("/pengaduan/baru").get_data(as_text=True)) != \
        token_of(client.get("/pengaduan/baru").get_data(as_text=True))


def test_two_requests_racing_with_one_key_file_one_complaint(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL's concurrent transactions")
    barrier, answers = threading.Barrier(2), []

    def post():
        with app.app_context():
            barrier.wait()
            response = app.test_client().post("/api/v1/complaints", json=BODY,
                                              headers={"Idempotency-Key": "kiosk-race-1"})
            answers.append((response.status_code, response.json["tracking_code"]))
            db.session.remove()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert [status for status, _code in answers] == [201, 201]
    assert answers[0][1] == answers[1][1]
    assert complaints_filed() == 1


def test_keys_are_forgotten_after_24_hours_with_the_reporter_link_they_kept(client):
    from datetime import timedelta

    from complaints import sweeps
    client.post("/api/v1/complaints", json=BODY, headers={"Idempotency-Key": "kiosk-lama"})
    created = db.session.scalar(select(IdempotencyKey.created_at))
    assert sweeps.forget_idempotency_keys(now=created + timedelta(hours=24)) == 0
    assert sweeps.forget_idempotency_keys(now=created + timedelta(hours=24, seconds=1)) == 1
    assert db.session.scalar(select(func.count(IdempotencyKey.id))) == 0
    assert complaints_filed() == 1
