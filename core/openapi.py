"""The JSON API as an OpenAPI 3 document (`GET /api/v1/openapi.json`), generated from the code.

A pillar describes each API view where it defines it, with `@openapi.operation(...)`: a summary,
the marshmallow schema of its JSON body (the very schema the view validates with), its headers and
its answers. The document is built by apispec from every route under /api/ whose view carries
such a description, so an undescribed API route is simply absent (tests/core/test_openapi.py
fails on that), and a rule changed in a schema changes the document with it.
"""
import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec_webframeworks.flask import FlaskPlugin
from flask import current_app, jsonify
from marshmallow import Schema, fields

from . import bp

API_PREFIX = "/api/v1"
API_TITLE = "Public participation API"
API_VERSION = "1.0"
_OPERATION = "_openapi_operation"


class ErrorBody(Schema):
    status = fields.Integer(required=True)
    title = fields.String(required=True)
    message = fields.String(required=True)


class Error(Schema):
    """Any refusal that is not about a field: 404, 405, 413, 429, 500..."""
    error = fields.Nested(ErrorBody, required=True)


class FieldErrors(Schema):
    """Refused fields, each with its messages in the language of Accept-Language ("_": the body)."""
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), required=True)


def operation(summary, *, body=None, responses, parameters=(), description=None):
    """Describe an API view for the document. `responses` maps a status to (description, schema or None)."""
    def describe(view):
        op = {"summary": summary, "responses": {}}
        if description:
            op["description"] = description
        if parameters:
            op["parameters"] = list(parameters)
        if body is not None:
            op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
        for status, (text, schema) in responses.items():
            answer = {"description": text}
            if schema is not None:
                answer["content"] = {"application/json": {"schema": schema}}
            op["responses"][str(status)] = answer
        setattr(view, _OPERATION, op)
        return view
    return describe


_PATH_ARGUMENT = re.compile(r"<(?:(\w+):)?(\w+)>")


def _path_parameters(rule):
    parameters = []
    for converter, name in _PATH_ARGUMENT.findall(rule):
        schema = {"type": "integer", "minimum": 0} if converter == "int" else {"type": "string"}
        parameters.append({"name": name, "in": "path", "required": True, "schema": schema})
    return parameters


def build_spec(app):
    """The document for `app`: every described view under /api/, in the order of its rules."""
    spec = APISpec(title=API_TITLE, version=API_VERSION, openapi_version="3.0.3",
                   plugins=[FlaskPlugin(), MarshmallowPlugin()],
                   servers=[{"url": "/"}])
    spec.components.schema("Error", schema=Error)
    spec.components.schema("FieldErrors", schema=FieldErrors)
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        view = app.view_functions[rule.endpoint]
        op = getattr(view, _OPERATION, None)
        if not rule.rule.startswith("/api/") or op is None:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            described = dict(op, parameters=_path_parameters(rule.rule) + op.get("parameters", []))
            if not described["parameters"]:
                del described["parameters"]
            described["operationId"] = rule.endpoint.replace(".", "_")
            spec.path(view=view, app=app, operations={method.lower(): described})
    return spec


@bp.get(f"{API_PREFIX}/openapi.json")
def openapi_document():
    return jsonify(build_spec(current_app).to_dict())
