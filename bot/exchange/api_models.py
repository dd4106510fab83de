"""The exchange API's answers as pydantic models: they shape responses and the OpenAPI."""

from __future__ import annotations

from pydantic import BaseModel, Field


class SectionCounts(BaseModel):
    created: int
    updated: int
    deleted: int
    unchanged: int


class SyncAnswer(BaseModel):
    sync_id: int = Field(description="Number of this sync in the school's sync log")
    counts: dict[str, SectionCounts] = Field(description="Per section present in the document")
    changes: int = Field(description="Changes recorded for families (grades, lessons, ...)")


class ProblemModel(BaseModel):
    path: str = Field(description="JSON pointer into the document, e.g. /grades/17/value")
    message: str


class InvalidDocumentAnswer(BaseModel):
    errors: list[ProblemModel]
    total: int = Field(description="All problems found; at most 1000 are listed")


class ErrorAnswer(BaseModel):
    error: str
