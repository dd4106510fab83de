"""The lean view ``ediary status`` reads the outbox through is the model's table."""

from __future__ import annotations

from sqlalchemy import Integer, String

from db.base import UTCDateTime, table_of
from db.models import OutboxMessage, OutboxStatus
from db.repositories import outbox_figures
from db.repositories.outbox_figures import OUTBOX


def test_every_column_of_the_view_is_the_models_column_with_its_type() -> None:
    model = table_of(OutboxMessage)
    assert OUTBOX.name == model.name
    for column in OUTBOX.c:
        typed_as = model.c[column.name].type
        if isinstance(typed_as, UTCDateTime):
            assert isinstance(column.type, UTCDateTime), column.name
        elif isinstance(typed_as, String):  # the status: a VARCHAR with a CHECK
            assert isinstance(column.type, String), column.name
        else:
            assert isinstance(typed_as, Integer), column.name
            assert isinstance(column.type, Integer), column.name


def test_the_statuses_counted_are_the_models() -> None:
    figures = outbox_figures
    counted = {figures.PENDING, figures.CLAIMED, figures.SENT, figures.DEAD}
    assert counted <= {status.value for status in OutboxStatus}
