"""Stored documents: what the outbox sends as files, and what the school downloads again."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import StoredDocument


class DocumentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(
        self,
        *,
        school_id: int,
        kind: str,
        filename: str,
        content_type: str,
        content: bytes,
        now: datetime,
    ) -> StoredDocument:
        document = StoredDocument(
            school_id=school_id,
            kind=kind,
            filename=filename,
            content_type=content_type,
            content=content,
            created_at=now,
        )
        self._session.add(document)
        await self._session.flush()
        return document

    async def get(self, document_id: int) -> StoredDocument | None:
        return await self._session.get(StoredDocument, document_id)
