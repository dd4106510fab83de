"""The OpenAPI document of the exchange API, generated from the same pydantic models."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from bot.exchange.api_models import ErrorAnswer, InvalidDocumentAnswer, SyncAnswer
from bot.exchange.document import SyncDocument

REF = "#/components/schemas/{model}"


def _schema(model: type[BaseModel], components: dict[str, Any]) -> dict[str, Any]:
    schema = model.model_json_schema(ref_template=REF)
    components.update(schema.pop("$defs", {}))
    components[model.__name__] = schema
    return {"$ref": REF.format(model=model.__name__)}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_DESCRIPTION = (
    "The school's electronic journal sends its data here. A document is applied "
    "whole or not at all; items are upserted by the journal's own external_id; "
    'an item with "deleted": true is removed (refused while other items still '
    "refer to it, unless the same document deletes or re-points them too); text "
    "must be valid Unicode without NUL (\\u0000); re-sending a document changes "
    "nothing. Authenticate with the school's API token (ediary school add)."
)


def openapi_document(version: str) -> dict[str, Any]:
    components: dict[str, Any] = {}
    document = _schema(SyncDocument, components)
    answer = _schema(SyncAnswer, components)
    invalid = _schema(InvalidDocumentAnswer, components)
    error = _schema(ErrorAnswer, components)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "ediary-bot exchange API",
            "version": version,
            "description": _DESCRIPTION,
        },
        "paths": {
            "/api/v1/sync": {"post": _sync_operation(document, answer, invalid, error)},
            "/api/v1/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This document",
                    "responses": {"200": {"description": "OpenAPI 3.1 document"}},
                }
            },
        },
        "components": {
            "schemas": components,
            "securitySchemes": {
                "schoolToken": {"type": "http", "scheme": "bearer", "bearerFormat": "edb_…"}
            },
        },
    }


def _sync_operation(
    document: dict[str, Any], answer: dict[str, Any], invalid: dict[str, Any], error: dict[str, Any]
) -> dict[str, Any]:
    return {
        "operationId": "sync",
        "summary": "Send journal data (a sync document)",
        "security": [{"schoolToken": []}],
        "requestBody": {"required": True, "content": {"application/json": {"schema": document}}},
        "responses": {
            "200": _json(answer, "Applied; counts per section"),
            "400": _json(error, "Malformed JSON"),
            "401": _json(error, "Missing or wrong token"),
            "413": _json(error, "Document over the size limit"),
            "422": _json(invalid, "Invalid items; nothing was written"),
        },
    }
