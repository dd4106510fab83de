"""Reading a sync document as a stream: bytes in, validated items out, in bounded memory.

The bytes go through ijson's C parser (yajl) chunk by chunk; each item of a section is built
as it completes and handed to the :class:`DocumentChecker`, which validates items in batches
and keeps only a compact digest plus the valid items in a temporary file. So memory does not
grow with the document (a 40 MB, 200,000-grade document took about 1 GB as ``json.loads``
objects plus pydantic models).

Why a spool and not compact tuples in memory: the checks that need the whole document
(references between sections, deletions) need only keys, which the digest keeps; the items
themselves are needed again only to be written, section by section in the sync's order, and
a file holds them for free in any number.

One gap of yajl: it turns a lone UTF-16 surrogate escape (``"\\ud800"``) into ``?`` instead of
failing, where ``json.loads`` kept it and validation refused the field with its path. The raw
bytes are watched for such escapes; a document that has one is read again with ijson's pure
Python parser (exact, slower), so it gets the same 422 as before.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from collections.abc import Callable
from typing import IO, Any

import ijson

from bot.exchange.document import SECTIONS
from bot.exchange.spool import SpooledStore
from bot.exchange.validation import DocumentChecker, ParsedDocument

CHUNK = 64 * 1024
# json.loads gave up (RecursionError) at about this depth; no sync document needs 10 levels.
MAX_DEPTH = 1000
STARTS = ("start_map", "start_array")
ENDS = ("end_map", "end_array")


class MalformedDocument(Exception):
    """Not JSON at all; ``str()`` says where it broke."""


_LONE_SURROGATE = re.compile(
    rb"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    rb"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)
_CONTEXT = 12  # one escape pair: what a match needs on either side


class SurrogateWatch:
    """Whether the bytes so far hold a ``\\uDXXX`` escape that is not half of a pair. Every
    position is judged once, with its 12 bytes of context on both sides, across chunks; a
    false alarm (an escaped backslash before ``ud800``) costs only the slower exact reading."""

    def __init__(self) -> None:
        self.found = False
        self._tail = b""

    def feed(self, chunk: bytes, final: bool = False) -> None:
        if self.found:
            return
        window = self._tail + chunk
        start = max(0, len(self._tail) - _CONTEXT)
        end = len(window) if final else len(window) - _CONTEXT
        for match in _LONE_SURROGATE.finditer(window, start):
            if match.start() < end:
                self.found = True
                return
        self._tail = window[-2 * _CONTEXT :]


def _malformed(error: Exception) -> MalformedDocument:
    if isinstance(error, UnicodeDecodeError):
        return MalformedDocument("the body is not UTF-8 text")
    text = error.args[0] if error.args else str(error)
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    lines = [line.strip() for line in str(text).splitlines() if line.strip()]
    if lines and "UTF8" in lines[0]:
        return MalformedDocument("the body is not UTF-8 text")
    near = f" near {lines[1][:80]!r}" if len(lines) > 2 else ""
    return MalformedDocument(f"malformed JSON: {lines[0] if lines else 'unreadable'}{near}")


class _ItemBuilder:
    """Turns parser events into top-level sections and their items for the checker."""

    def __init__(self, checker: DocumentChecker) -> None:
        self.checker = checker
        self.stack: list[Any] = []  # containers of the item being built, outermost first
        self.keys: list[Any] = []  # per container: the map key a value goes to
        self.started = False
        self.key: str = ""
        self.section: str | None = None
        self.index = 0
        self.skipping = 0  # depth inside a value that is not wanted

    def consume(self, events: list[tuple[str, Any]]) -> None:
        # The hot path (inside an item) is inline: a district's document is millions of events.
        stack, keys = self.stack, self.keys
        for event, value in events:
            if not stack:
                self._outside(event, value)
            elif event == "map_key":
                keys[-1] = value
            elif event in STARTS:
                new: Any = {} if event == "start_map" else []
                top = stack[-1]
                if type(top) is dict:
                    top[keys[-1]] = new
                else:
                    top.append(new)
                stack.append(new)
                keys.append(None)
                if len(stack) > MAX_DEPTH:
                    raise MalformedDocument("malformed JSON: nested too deeply")
            elif event in ENDS:
                item = stack[0]
                stack.pop()
                keys.pop()
                if not stack:
                    self.checker.item(self.index, item)
                    self.index += 1
            else:
                top = stack[-1]
                if type(top) is dict:
                    top[keys[-1]] = value
                else:
                    top.append(value)

    def _outside(self, event: str, value: Any) -> None:
        if self.skipping:
            self.skipping += 1 if event in STARTS else -1 if event in ENDS else 0
            if self.skipping > MAX_DEPTH:
                raise MalformedDocument("malformed JSON: nested too deeply")
        elif not self.started:
            self.started = True
            if event != "start_map":
                self.checker.not_an_object()
                self.skipping = int(event in STARTS)
        elif self.section is None:
            self._top_level(event, value)
        elif event == "end_array":
            self.section = None
        elif event == "start_map":
            self.stack.append({})
            self.keys.append(None)
        else:
            self.checker.item(self.index, [] if event == "start_array" else value)
            self.index += 1
            self.skipping = int(event == "start_array")

    def _top_level(self, event: str, value: Any) -> None:
        if event == "map_key":
            self.key = value
        elif event == "start_array":
            if self.checker.section(self.key, is_list=True):
                self.section, self.index = self.key, 0
            else:
                self.skipping = 1
        elif event == "null" and self.key in SECTIONS:
            pass  # null stands for a section left out, as before
        elif event != "end_map":
            self.checker.section(self.key, is_list=False)
            self.skipping = int(event == "start_map")


class DocumentReader:
    """Feed the body chunk by chunk (``feed``), then ``finish`` for the checked document.

    ``reopen`` gives the bytes again for the exact reading (see the module's note); without
    it the reader keeps its own copy in a temporary file (a request body can be read once).
    """

    def __init__(self, reopen: Callable[[], IO[bytes]] | None = None, *, exact: bool = False):
        self.size = 0
        self._exact = exact
        self._reopen = reopen
        self._copy: IO[bytes] | None = None
        if reopen is None and not exact:
            # Closed by finish() or discard().
            self._copy = tempfile.SpooledTemporaryFile(max_size=1 << 20)  # noqa: SIM115
        self._sha = hashlib.sha256()
        self._watch = SurrogateWatch()
        self._checker = DocumentChecker(SpooledStore(SECTIONS))
        self._builder = _ItemBuilder(self._checker)
        self._events = ijson.sendable_list()
        backend = ijson.get_backend("python") if exact else ijson
        self._parser = backend.basic_parse_coro(self._events, use_float=True)

    def feed(self, chunk: bytes) -> None:
        try:
            self._feed(chunk)
        except MalformedDocument:
            self.discard()
            raise

    def _feed(self, chunk: bytes) -> None:
        self.size += len(chunk)
        self._sha.update(chunk)
        if self._copy is not None:
            self._copy.write(chunk)
        if not self._exact:
            self._watch.feed(chunk)
        if self._watch.found and not self._exact:
            return  # it is all read again exactly (yajl may even fail on the surrogate)
        try:
            self._parser.send(chunk)
        except (ijson.JSONError, UnicodeDecodeError) as error:
            self._watch.feed(b"", final=True)  # the escape may be in the chunk's last bytes
            if self._watch.found:
                return
            raise _malformed(error) from error
        self._take_events()

    def discard(self) -> None:
        """Drop the temporary files of a reading given up (too large, too slow, malformed)."""
        self._checker.store.close()
        if self._copy is not None:
            self._copy.close()

    def _take_events(self) -> None:
        self._builder.consume(self._events)
        del self._events[:]

    def finish(self) -> tuple[ParsedDocument, str]:
        """The document and its SHA-256 (raises MalformedDocument)."""
        try:
            return self._finish()
        except BaseException:
            self.discard()
            raise

    def _finish(self) -> tuple[ParsedDocument, str]:
        self._watch.feed(b"", final=True)
        if self._watch.found and not self._exact:
            self._checker.store.close()
            return self._read_exactly()
        try:
            self._parser.close()
        except (ijson.JSONError, UnicodeDecodeError) as error:
            raise _malformed(error) from error
        self._take_events()
        if self._copy is not None:
            self._copy.close()
        return self._checker.finish(), self._sha.hexdigest()

    def _read_exactly(self) -> tuple[ParsedDocument, str]:
        if self._copy is not None:
            source: IO[bytes] = self._copy
            source.seek(0)
        else:
            assert self._reopen is not None
            source = self._reopen()
        with source:
            exact = DocumentReader(exact=True)
            while chunk := source.read(CHUNK):
                exact.feed(chunk)
        return exact.finish()


def read_file(path: str) -> tuple[ParsedDocument, str]:
    """A JSON file read the same way (``ediary import``); OSError when it cannot be read."""
    reader = DocumentReader(lambda: open(path, "rb"))  # noqa: SIM115 - closed by the reader
    try:
        with open(path, "rb") as file:
            while chunk := file.read(CHUNK):
                reader.feed(chunk)
    except OSError:
        reader.discard()
        raise
    return reader.finish()
