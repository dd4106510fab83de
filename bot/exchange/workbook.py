"""The sync document as an XLSX workbook: one sheet per section, row 1 = field names.

``write_template`` makes the empty workbook a school fills in; ``read_workbook`` turns a filled
one into the same raw document a JSON file gives, so one validator (``parse_document``) judges
both, and ``WorkbookDocument.locate`` turns its JSON pointers back into sheets, rows, columns.
Pure functions plus file I/O: no database, no CLI.
"""

from __future__ import annotations

import datetime as dt
import re
import types
import warnings
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import IO, Annotated, Any, Literal, Union, get_args, get_origin

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from pydantic import BaseModel

from bot.exchange.document import SECTIONS

# Data rows per sheet; more than any school's year of grades, far less than a memory blow-up.
MAX_ROWS = 1_000_000
# What the archive may unpack to: a real million-row workbook fits, a zip bomb does not.
MAX_UNCOMPRESSED_BYTES = 2 * 1024**3
PROGRESS_EVERY = 1000
README_SHEET = "README"
DELETED = "deleted"
TRUE_WORDS = {"1", "true", "yes", "да", "y", "д", "истина"}
FALSE_WORDS = {"0", "false", "no", "нет", "n", "н", "ложь"}
# Columns with free text get room; the rest fit their name.
WIDE_COLUMNS = {"name", "full_name", "topic", "text", "comment", "reason", "email"}
EXCEL_EPOCH = dt.date(1899, 12, 30)

Kind = Literal["text", "int", "float", "date", "time", "list", "bool"]
Progress = Callable[[str, int, int], None]
Row = tuple[int, tuple[Any, ...]]  # (Excel row number, cell values)

README_LINES = (
    "ediary — импорт из Excel / import from Excel",
    "",
    "RU: Один лист — один раздел; строка 1 — имена полей, не меняйте их. Одна строка — "
    "одна запись. Пустая ячейка — поле не задано. Даты — дата Excel или текст ГГГГ-ММ-ДД; "
    "время — ЧЧ:ММ. Столбец deleted = да/1/TRUE удаляет запись (достаточно external_id). "
    "student_ids — несколько id через запятую или точку с запятой. Пустые листы можно "
    "оставить. Этот лист при импорте не читается.",
    "",
    "EN: One sheet per section; row 1 holds the field names, do not change them. One row "
    "per item. An empty cell means the field is absent. Dates: an Excel date or text "
    "YYYY-MM-DD; times: HH:MM. deleted = yes/1/TRUE removes the item (external_id is "
    "enough). student_ids: several ids separated by commas or semicolons. Empty sheets may "
    "stay. This sheet is ignored on import.",
)


class WorkbookError(Exception):
    """The file cannot be read as a workbook; the message is one line for people."""


@dataclass(frozen=True)
class Column:
    name: str  # the header text; "moved_to.date" for a field of a nested object
    kind: Kind


@dataclass
class WorkbookDocument:
    document: dict[str, list[dict[str, Any]]]
    sheets: dict[str, str] = field(default_factory=dict)  # document key → sheet title
    rows: dict[str, list[int]] = field(default_factory=dict)  # key → Excel row of each item

    def locate(self, path: str) -> str:
        """``/grades/17/value`` → ``sheet "grades", row 19, column "value"``."""
        parts = [part.replace("~1", "/").replace("~0", "~") for part in path.split("/")[1:]]
        if not parts:
            return "the workbook"
        where = f'sheet "{self.sheets.get(parts[0], parts[0])}"'
        if len(parts) < 2:
            return where
        rows = self.rows.get(parts[0], [])
        if not parts[1].isdigit() or int(parts[1]) >= len(rows):
            return f"{where}, item {parts[1]}"
        where += f", row {rows[int(parts[1])]}"
        if len(parts) < 3:
            return where
        column = parts[2]
        # A nested object's field has its own column; a list element shares the list's.
        if len(parts) > 3 and not parts[3].isdigit():
            column += "." + parts[3]
        return f'{where}, column "{column}"'


def _leaf_types(annotation: Any) -> set[Any]:
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        return set().union(*(_leaf_types(arg) for arg in get_args(annotation)))
    if origin is Annotated:
        return _leaf_types(get_args(annotation)[0])
    if origin is Literal:
        return {type(arg) for arg in get_args(annotation)}
    if origin is list:
        return {list}
    return {annotation}


def _kind(leaves: set[Any]) -> Kind:
    # dt.time before dt.date and int before float: the narrower reading wins.
    order: tuple[tuple[Kind, Any], ...] = (
        ("list", list), ("time", dt.time), ("date", dt.date), ("int", int), ("float", float),
    )  # fmt: skip
    return next((kind for kind, leaf in order if leaf in leaves), "text")


def columns(section: str) -> list[Column]:
    """The sheet's columns in model order, nested objects flattened, ``deleted`` last."""
    result: list[Column] = []
    for name, info in SECTIONS[section].model_fields.items():
        if name == DELETED:
            continue
        leaves = _leaf_types(info.annotation)
        nested = [leaf for leaf in leaves if isinstance(leaf, type) and issubclass(leaf, BaseModel)]
        for model in nested:
            for sub, sub_info in model.model_fields.items():
                result.append(Column(f"{name}.{sub}", _kind(_leaf_types(sub_info.annotation))))
        if not nested:
            result.append(Column(name, _kind(leaves)))
    return [*result, Column(DELETED, "bool")]


def write_template(path: Path) -> None:
    """An empty workbook: a README sheet, then one sheet per section with its header row.

    ``WorkbookError`` when the file cannot be written (no such folder, no permission).
    """
    workbook = Workbook()
    readme = workbook.active
    readme.title = README_SHEET
    readme.column_dimensions["A"].width = 110
    for number, line in enumerate(README_LINES, start=1):
        cell = readme.cell(row=number, column=1, value=line)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    readme["A1"].font = Font(bold=True)
    for section in SECTIONS:
        _template_sheet(workbook.create_sheet(section), columns(section))
    try:
        workbook.save(path)
    except OSError as error:
        raise WorkbookError(f"cannot write {path}: {error.strerror}") from error


def _template_sheet(sheet: Any, sheet_columns: list[Column]) -> None:
    for number, column in enumerate(sheet_columns, start=1):
        cell = sheet.cell(row=1, column=number, value=column.name)
        cell.font = Font(bold=True)
        letter = get_column_letter(number)
        dimension = sheet.column_dimensions[letter]
        dimension.width = 30 if column.name in WIDE_COLUMNS else max(12, len(column.name) + 4)
        # Text format keeps ids such as "007" as typed; date/time formats show what we read.
        formats = {"text": "@", "list": "@", "date": "yyyy-mm-dd", "time": "hh:mm"}
        if column.kind in formats:
            dimension.number_format = formats[column.kind]
    sheet.freeze_panes = "A2"


def read_workbook(path: Path, progress: Progress | None = None) -> WorkbookDocument:
    """The raw sync document of a workbook; ``WorkbookError`` when it is not one."""
    result = WorkbookDocument(document={})
    try:
        handle = path.open("rb")
    except OSError as error:
        raise WorkbookError(f"cannot read {path}: {error.strerror}") from error
    with handle, warnings.catch_warnings():
        # openpyxl warns about styles and extensions it drops; that is noise for an import.
        warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
        _check_archive(handle, path.name)
        try:
            workbook = load_workbook(handle, read_only=True, data_only=True)
        except Exception as error:  # any malformed part; the reason must stay one line
            raise WorkbookError(f"not an XLSX workbook: {path.name}: {_one_line(error)}") from error
        try:
            for sheet in workbook.worksheets:
                _read_sheet(sheet, result, progress)
        finally:
            workbook.close()
    return result


def _check_archive(handle: IO[bytes], name: str) -> None:
    try:
        with zipfile.ZipFile(handle) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise WorkbookError(
            f"not an XLSX workbook: {name} is not a zip archive (an old .xls, a password-"
            "protected or a renamed file? save it as .xlsx)"
        ) from error
    if "[Content_Types].xml" not in {entry.filename for entry in entries}:
        raise WorkbookError(f"not an XLSX workbook: {name} is a zip archive of another kind")
    # Declared sizes bound what zipfile will inflate, so checking them defuses zip bombs.
    if sum(entry.file_size for entry in entries) > MAX_UNCOMPRESSED_BYTES:
        limit = MAX_UNCOMPRESSED_BYTES // 1024**2
        raise WorkbookError(f"{name} unpacks to more than {limit} MiB; split it into files")


def _one_line(error: Exception) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def _read_sheet(sheet: Any, result: WorkbookDocument, progress: Progress | None) -> None:
    title = str(sheet.title).strip()
    section = title.lower()
    if section == README_SHEET.lower():
        return
    total = max(int(sheet.max_row or 1) - 1, 0)
    # The stored dimension may be wrong (some exporters write A1); read every row there is.
    sheet.reset_dimensions()
    rows = _rows(sheet, title)
    header = next(rows, (1, ()))[1]
    if section not in SECTIONS:
        # parse_document reports an unknown section; an empty stray sheet ("Лист1") is harmless.
        if any(_present(value) for _, values in chain([(1, header)], rows) for value in values):
            result.document[title] = []
            result.sheets[title] = title
        return
    if section in result.sheets:
        raise WorkbookError(f'sheets "{result.sheets[section]}" and "{title}" are both {section}')
    result.sheets[section] = title
    items, numbers = _read_items(section, title, header, rows, total, progress)
    if items:  # a header-only sheet (the untouched template) is an absent section
        result.document[section] = items
        result.rows[section] = numbers


def _rows(sheet: Any, title: str) -> Iterator[Row]:
    """(Excel row number, values); openpyxl's own errors become one-line WorkbookErrors."""
    iterator = sheet.iter_rows(values_only=True)
    number = 0
    while True:
        try:
            values = next(iterator)
        except StopIteration:
            return
        except Exception as error:  # malformed sheet XML, bad cell types …
            raise WorkbookError(f'cannot read sheet "{title}": {_one_line(error)}') from error
        number += 1  # openpyxl yields the missing (blank) rows too, so this is Excel's number
        if number > MAX_ROWS + 1:
            raise WorkbookError(f'sheet "{title}" has more than {MAX_ROWS:,} rows; split it')
        yield number, values


def _header(section: str, values: tuple[Any, ...]) -> list[Column | None]:
    known = {column.name: column for column in columns(section)}
    names = [str(value).strip().lower() if _present(value) else "" for value in values]
    last = {name: position for position, name in enumerate(names)}
    header: list[Column | None] = []
    for position, name in enumerate(names):
        # Duplicate names: the later column wins, the earlier one is ignored.
        if not name or last[name] != position:
            header.append(None)
        else:  # unknown columns are kept as text; the models ignore unknown fields
            header.append(known.get(name, Column(name, "text")))
    return header


def _read_items(
    section: str, title: str, header_values: tuple[Any, ...], rows: Iterator[Row], total: int,
    progress: Progress | None,
) -> tuple[list[dict[str, Any]], list[int]]:  # fmt: skip
    header = _header(section, header_values)
    named = {i for i, value in enumerate(header_values) if _present(value)}
    items: list[dict[str, Any]] = []
    numbers: list[int] = []
    done = 0
    for number, values in rows:
        done = number - 1
        stray = next((i for i, v in enumerate(values) if i not in named and _present(v)), None)
        if stray is not None:
            # Refuse rather than drop data silently: the column needs a name in row 1.
            cell = f"{get_column_letter(stray + 1)}{number}"
            raise WorkbookError(f'sheet "{title}", cell {cell} has a value but no column name')
        item = _item(section, header, values)
        if item:
            items.append(item)
            numbers.append(number)
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(title, done, max(total, done))
    if progress is not None and done:
        progress(title, done, done)
    return items, numbers


def _item(section: str, header: list[Column | None], values: tuple[Any, ...]) -> dict[str, Any]:
    item: dict[str, Any] = {}
    for column, value in zip(header, values, strict=False):
        converted = None if column is None else _convert(value, column.kind)
        if column is None or converted is None:
            continue  # an empty cell is an absent field
        parent, _, child = column.name.partition(".")
        if child:
            nested = item.setdefault(parent, {})
            if isinstance(nested, dict):
                nested[child] = converted
        else:
            item[column.name] = converted
    deleted = item.pop(DELETED, False)
    if deleted is True and section != "curriculum":
        # The contract's deletion is the id and the flag; the other cells do not matter.
        return {key: item[key] for key in ("external_id",) if key in item} | {DELETED: True}
    if deleted is not False:  # True for curriculum, or a word validation will report
        item[DELETED] = deleted
    return item


def _present(value: object) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _convert(value: object, kind: Kind) -> object:
    """A cell as the JSON document would carry it; None for an empty cell."""
    if not _present(value):
        return None
    if isinstance(value, str):
        value = value.strip()
    return CONVERTERS[kind](value)


def _to_text(value: object) -> object:
    # Ids and marks typed as numbers: 12.0 → "12", a grade 5 → "5".
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(_to_int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return _to_time(value) if isinstance(value, dt.time) else value


def _to_list(value: object) -> object:
    if isinstance(value, str):
        return [part.strip() for part in re.split(r"[,;]", value) if part.strip()]
    return [_to_text(value)]


def _to_int(value: object) -> object:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _to_float(value: object) -> object:
    # A decimal comma is what Russian-locale users type: "1,5".
    return value.replace(",", ".") if isinstance(value, str) else value


def _to_date(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()  # a time of day in a date column is noise
    if isinstance(value, dt.date):
        return value.isoformat()
    # A date that lost its format shows as a serial number (45536); read it as Excel does.
    if isinstance(value, int | float) and not isinstance(value, bool) and 60 < value < 2958466:
        return (EXCEL_EPOCH + dt.timedelta(days=int(value))).isoformat()
    return value


def _to_time(value: object) -> object:
    if isinstance(value, dt.datetime):
        value = value.time()
    # A time cell that lost its format is a fraction of a day (0.354… = 08:30).
    if isinstance(value, float) and 0 <= value < 1:
        minutes = round(value * 1440)
        value = dt.time(minutes // 60 % 24, minutes % 60)
    if isinstance(value, dt.time):
        return f"{value.hour:02d}:{value.minute:02d}"
    if isinstance(value, str) and re.fullmatch(r"\d:\d\d", value):
        return "0" + value  # "8:30" → "08:30", the contract's HH:MM
    return value


def _to_bool(value: object) -> object:
    if isinstance(value, bool):
        return value
    word = _to_text(value)
    if isinstance(word, str) and word.lower() in TRUE_WORDS:
        return True
    if isinstance(word, str) and word.lower() in FALSE_WORDS:
        return False
    return value  # anything else reaches validation, which names the cell


CONVERTERS: dict[Kind, Callable[[object], object]] = {
    "text": _to_text, "list": _to_list, "int": _to_int, "float": _to_float, "date": _to_date,
    "time": _to_time, "bool": _to_bool,
}  # fmt: skip
