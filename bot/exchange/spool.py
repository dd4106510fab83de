"""Where a document's valid items wait between validation and the sync: in memory for small
documents, in a temporary file for documents read as a stream.

A document is applied section by section in the sync's order (what is referenced first),
whatever order its sections came in; so the items of each section are kept apart, in batches,
each with the items' indices in the document (for the paths of later problems).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator, Mapping
from typing import IO, Any, Protocol

from pydantic import BaseModel, TypeAdapter

Batch = list[tuple[int, Any]]


class UpsertStore(Protocol):
    def add(self, section: str, batch: Batch) -> None: ...

    def batches(self, section: str) -> Iterator[Batch]: ...

    def close(self) -> None: ...


class MemoryStore:
    def __init__(self) -> None:
        self._batches: dict[str, list[Batch]] = {}

    def add(self, section: str, batch: Batch) -> None:
        if batch:
            self._batches.setdefault(section, []).append(batch)

    def batches(self, section: str) -> Iterator[Batch]:
        yield from self._batches.get(section, [])

    def close(self) -> None:
        self._batches.clear()


class SpooledStore:
    """One temporary file per section; a batch is two lines, the indices and the items as
    pydantic writes them. Reading validates them again from that JSON (pydantic's own
    round trip, in Rust: a few µs an item) rather than unpickling: nothing but validated JSON
    ever comes back from the disk."""

    def __init__(self, models: Mapping[str, type[BaseModel]], spill_bytes: int = 1 << 20) -> None:
        self._models = models
        self._spill = spill_bytes
        self._files: dict[str, IO[bytes]] = {}
        self._adapters: dict[str, TypeAdapter[list[Any]]] = {}

    def _adapter(self, section: str) -> TypeAdapter[list[Any]]:
        if section not in self._adapters:
            model = self._models[section]
            self._adapters[section] = TypeAdapter(list[model])  # type: ignore[valid-type]
        return self._adapters[section]

    def add(self, section: str, batch: Batch) -> None:
        if not batch:
            return
        if section not in self._files:
            # Kept open until close(): the sync reads it back later.
            self._files[section] = tempfile.SpooledTemporaryFile(max_size=self._spill)  # noqa: SIM115
        file = self._files[section]
        file.write(json.dumps([index for index, _ in batch]).encode() + b"\n")
        file.write(self._adapter(section).dump_json([item for _, item in batch]) + b"\n")

    def batches(self, section: str) -> Iterator[Batch]:
        file = self._files.get(section)
        if file is None:
            return
        file.seek(0)
        adapter = self._adapter(section)
        while indices := file.readline():
            items = adapter.validate_json(file.readline())
            yield list(zip(json.loads(indices), items, strict=True))

    def close(self) -> None:
        for file in self._files.values():
            file.close()
        self._files.clear()
