"""The JSON API's OpenAPI document is generated from the code and describes every API route."""
from core.openapi import API_PREFIX


def _document(client):
    response = client.get(f"{API_PREFIX}/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.json


def test_the_document_is_openapi_3_and_describes_every_api_route(app, client):
    document = _document(client)
    assert document["openapi"].startswith("3.")
    documented = {(method.upper(), path) for path, ops in document["paths"].items() for method in ops}
    routes = {(method, rule.rule.replace("<", "{").replace(">", "}"))
              for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/")
              and rule.endpoint != "core.openapi_document" for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert documented == routes


def test_the_complaint_body_in_the_document_is_the_schema_the_api_validates_with(client):
    document = _document(client)
    body = document["components"]["schemas"]["ComplaintIn"]
    assert body["properties"]["anonymous"]["type"] == "boolean"
    assert body["properties"]["confidential"]["type"] == "boolean"
    assert set(body["required"]) == {"title", "description", "category"}
    assert body["properties"]["title"]["minLength"] == 5 and body["properties"]["title"]["maxLength"] == 200
    assert "pungli" in body["properties"]["category"]["enum"]
    assert body["properties"]["unit_id"]["maximum"] == 2**31 - 1


def test_filing_declares_the_idempotency_key_header_and_its_422(client):
    post = _document(client)["paths"][f"{API_PREFIX}/complaints"]["post"]
    assert {"name": "Idempotency-Key", "in": "header", "required": False} == {
        k: v for k, v in next(p for p in post["parameters"] if p["name"] == "Idempotency-Key").items()
        if k in ("name", "in", "required")}
    assert set(post["responses"]) == {"201", "400", "422", "429"}
    refused = post["responses"]["400"]["content"]["application/json"]["schema"]
    assert refused == {"$ref": "#/components/schemas/FieldErrors"}


def test_the_filing_answer_in_the_document_describes_the_reporter_link(client):
    doc = client.get("/api/v1/openapi.json").json
    created = doc["paths"]["/api/v1/complaints"]["post"]["responses"]["201"]["content"]["application/json"]["schema"]
    schema = doc["components"]["schemas"][created["$ref"].rsplit("/", 1)[1]]
    assert "reporter_url" in schema["properties"] and "reporter_url" in schema["required"]
    tracked = doc["paths"]["/api/v1/complaints/{code}"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert "reporter_url" not in doc["components"]["schemas"][tracked["$ref"].rsplit("/", 1)[1]]["properties"]
