"""Workbooks that are not what they claim, too large, or slow: refused in one line, with
progress reported."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from bot.exchange import workbook as workbook_module
from bot.exchange.workbook import (
    WorkbookError,
    read_workbook,
    write_template,
)
from tests.test_workbook import Rows, grade_rows, make_workbook


def assert_one_line_error(path: Path, start: str) -> None:
    with pytest.raises(WorkbookError) as raised:
        read_workbook(path)
    message = str(raised.value)
    assert message.startswith(start), message
    assert "\n" not in message


def test_a_text_file_renamed_to_xlsx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "grades.xlsx"
    path.write_text("external_id,value\ng1,5\n")

    assert_one_line_error(path, "not an XLSX workbook: grades.xlsx is not a zip archive")


def test_other_zip_archives_and_broken_workbooks_are_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.xlsx"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("content.xml", "<office/>")
    assert_one_line_error(other, "not an XLSX workbook: other.xlsx is a zip archive")

    template = tmp_path / "template.xlsx"
    write_template(template)
    bad_number = b'<row r="2"><c r="A2" t="n"><v>many</v></c></row></sheetData>'
    for part, damage, start in (
        ("xl/workbook.xml", lambda _: b"<not really xml", "not an XLSX workbook: broken.xlsx: "),
        (
            "xl/worksheets/sheet2.xml",
            lambda xml: xml.replace(b"</sheetData>", bad_number),
            'cannot read sheet "periods": ',
        ),
    ):
        broken = tmp_path / "broken.xlsx"
        with zipfile.ZipFile(template) as source, zipfile.ZipFile(broken, "w") as target:
            for entry in source.infolist():
                data = source.read(entry)
                target.writestr(entry, damage(data) if entry.filename == part else data)
        assert_one_line_error(broken, start)


def test_a_missing_file_is_a_workbook_error(tmp_path: Path) -> None:
    assert_one_line_error(tmp_path / "missing.xlsx", "cannot read ")
    with pytest.raises(WorkbookError, match=r"^cannot write .*template\.xlsx: No such file"):
        write_template(tmp_path / "no" / "template.xlsx")


def test_a_wrong_stored_dimension_does_not_hide_rows(tmp_path: Path) -> None:
    good = make_workbook(tmp_path / "good.xlsx", {"grades": grade_rows(3)})
    lying = tmp_path / "lying.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(lying, "w") as target:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == "xl/worksheets/sheet1.xml":
                assert b'<dimension ref="A1:E4"' in data
                data = data.replace(b'<dimension ref="A1:E4"', b'<dimension ref="A1"')
            target.writestr(entry, data)

    assert len(read_workbook(lying).document["grades"]) == 3


def test_size_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = make_workbook(tmp_path / "big.xlsx", {"grades": grade_rows(5)})

    monkeypatch.setattr(workbook_module, "MAX_ROWS", 4)
    assert_one_line_error(path, 'sheet "grades" has more than 4 rows')

    monkeypatch.setattr(workbook_module, "MAX_ROWS", 5)
    assert len(read_workbook(path).document["grades"]) == 5

    monkeypatch.setattr(workbook_module, "MAX_UNCOMPRESSED_BYTES", 1000)
    assert_one_line_error(path, "big.xlsx unpacks to more than")


def test_progress_reports_every_thousand_rows_and_the_final_total(tmp_path: Path) -> None:
    sheets: dict[str, Rows] = {"subjects": [["external_id"]], "grades": grade_rows(2500)}
    path = make_workbook(tmp_path / "many.xlsx", sheets)
    calls: list[tuple[str, int, int]] = []

    read = read_workbook(path, lambda sheet, done, total: calls.append((sheet, done, total)))

    assert len(read.document["grades"]) == 2500
    assert calls == [("grades", 1000, 2500), ("grades", 2000, 2500), ("grades", 2500, 2500)]
