from datetime import datetime

from sqlalchemy import func, select

from complaints.models import Complaint
from core.extensions import db

BODY = {"title": "Sampah menumpuk di pasar", "description": "Sampah tidak diangkut selama seminggu di Pasar Flamboyan.",
        "classification": "pengaduan", "category": "lingkungan", "location": "Pasar Flamboyan",
        "anonymous": False, "confidential": False,
        "reporter": {"name": "Wati", "email": "wati@example.com", "phone": "0812"}}


def test_filing_through_the_api_answers_201_with_the_tracking_code(client, unit, sent_mail):
    response = client.post("/api/v1/complaints", json={**BODY, "unit_id": unit.id})
    assert response.status_code == 201
    data = response.json
    assert data["tracking_code"].startswith("ADU-") and data["status"] == "received"
    assert datetime.fromisoformat(data["due_at"]) > datetime.fromisoformat(data["received_at"])
    assert data["unit"] == {"id": unit.id, "name": unit.name}
    assert response.headers["Location"] == f"/api/v1/complaints/{data['tracking_code']}"
    assert response.headers["Cache-Control"] == "no-store"  # the tracking code is the reporter's key
    assert db.session.scalar(select(Complaint.channel)) == "api"
    assert sent_mail[0].recipients == ["wati@example.com"]


def test_the_api_needs_no_csrf_token_and_ignores_the_session(client, csrf_enabled, login, make_user):
    user = make_user(email="warga@example.com")
    login(user)
    assert client.post("/api/v1/complaints", json=BODY).status_code == 201
    assert db.session.scalar(select(Complaint.reporter_id)) is None


def test_bad_input_gets_field_errors_in_the_requested_language(client):
    response = client.post("/api/v1/complaints", json={**BODY, "title": "", "category": "tidak-ada", "unit_id": 999})
    assert response.status_code == 400
    assert set(response.json["errors"]) == {"title", "category", "unit_id"}
    assert response.json["errors"]["title"] == ["Wajib diisi."]
    english = client.post("/api/v1/complaints", json={**BODY, "title": ""}, headers={"Accept-Language": "en"})
    assert english.json["errors"]["title"] == ["This field is required."]
    assert db.session.scalar(select(func.count(Complaint.id))) == 0


def test_a_body_that_is_not_a_json_object_is_a_400(client):
    assert client.post("/api/v1/complaints", data="title=x").status_code == 400
    assert client.post("/api/v1/complaints", json=["x"]).status_code == 400
    assert client.post("/api/v1/complaints", json={**BODY, "reporter": "Wati"}).status_code == 201


def test_tracking_through_the_api_shows_status_and_public_timeline(client, complaint):
    data = client.get(f"/api/v1/complaints/{complaint.tracking_code.lower()}").json
    assert data["status"] == "received" and data["escalated"] is False and data["forwarded_at"] is None
    assert data["national_tracking_id"] is None
    assert [e["event"] for e in data["timeline"]] == ["received"]
    assert "reporter" not in str(data) and "rudi@example.com" not in str(data)


def test_an_unknown_code_is_a_json_404(client):
    response = client.get("/api/v1/complaints/ADU-2026-TIDAKADA0000")
    assert response.status_code == 404 and "error" in response.json


def test_units_and_categories_are_listed_for_other_channels(client, unit):
    units = client.get("/api/v1/units").json["units"]
    assert {"id": unit.id, "name": unit.name, "short_name": unit.short_name, "parent_id": None} in units
    categories = client.get("/api/v1/complaints/categories").json
    assert {"code": "pungli", "name": "Pungutan liar"} in categories["categories"]
    assert [c["code"] for c in categories["classifications"]] == ["pengaduan", "aspirasi", "permintaan_informasi"]


def test_the_201_carries_the_reporter_link_once_and_it_lets_the_reporter_answer(app, client, sent_mail):
    from urllib.parse import urlsplit
    filed = client.post("/api/v1/complaints", json=BODY)
    link = filed.json["reporter_url"]
    code = filed.json["tracking_code"]
    assert link.startswith("http") and f"/pengaduan/akses/{code}/" in link
    assert link in sent_mail[0].body  # and e-mailed, since an address was given
    assert "reporter_url" not in client.get(f"/api/v1/complaints/{code}").json  # tracking never shows it
    bot_user = app.test_client()  # the WhatsApp bot's user opens the link in a browser
    assert bot_user.get(urlsplit(link).path).status_code == 302
    assert bot_user.post(f"/pengaduan/{code}/balas", data={"reply-message": "Fotonya saya kirim lewat tautan."}
                         ).status_code == 302
    assert app.test_client().post(f"/pengaduan/{code}/balas", data={"reply-message": "x"}).status_code == 403


def test_an_api_retry_with_the_same_key_returns_the_same_reporter_link(client):
    headers = {"Idempotency-Key": "wa-bot-0001"}
    first = client.post("/api/v1/complaints", json=BODY, headers=headers)
    retry = client.post("/api/v1/complaints", json=BODY, headers=headers)
    assert retry.status_code == 201 and retry.json["reporter_url"] == first.json["reporter_url"]
    assert client.post("/api/v1/complaints", json=BODY).json["reporter_url"] != first.json["reporter_url"]
