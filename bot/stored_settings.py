"""A JSON settings document read and written through a pydantic model (pure: no I/O).

Schools and accounts keep their options in a JSON column. Reading parses the document once
into a frozen model: a stored value that does not validate costs only its own key (it falls
back to that key's default, with one warning per process), so a typo in one option can
never stop a push the regulations require. Keys the model does not know are ignored when
reading and kept when writing, so a newer or older version's options are never lost.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)
# Told about one bad part of a nested value: its key, the value, what it must be, and the
# default used instead (None: the defaults of everything in that part).
Report = Callable[[str, object, str, object], None]
REPORT = "report"  # the validation context's entry a nested value reports through

# (owner, key, value) already warned about: a bad value is read on every push, and the log
# should say it once, not thousands of times.
_warned: set[tuple[str, str, str]] = set()


class SettingInvalid(ValueError):
    """A value that is not allowed for a key, or a key that does not exist; ``str()`` is
    one line naming the key and what it must be."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"{key}: {problem}")
        self.key = key


@dataclass(frozen=True)
class SettingInfo:
    """One key as an administrator reads it: JSON default, allowed values, meaning."""

    key: str
    default: Any
    allowed: str
    meaning: str


def shown(value: object) -> str:
    """A value as JSON (as it is stored and typed on the command line), cut at 200."""
    text = json.dumps(value, ensure_ascii=False, default=repr)
    return text if len(text) <= 200 else text[:199] + "…"


def allowed_values(model: type[BaseModel], key: str) -> str:
    extra = model.model_fields[key].json_schema_extra
    allowed = extra.get("allowed") if isinstance(extra, dict) else None
    if not isinstance(allowed, str):
        raise TypeError(f"{model.__name__}.{key} says nothing of its allowed values")
    return allowed


def describe(model: type[BaseModel]) -> list[SettingInfo]:
    """Every key of the model in declaration order, as the README and the CLI show it."""
    defaults = model().model_dump(mode="json")
    return [
        SettingInfo(key, defaults[key], allowed_values(model, key), field.description or "")
        for key, field in model.model_fields.items()
    ]


def warn_once(owner: str, key: str, value: object, must_be: str, default: object) -> None:
    marker = (owner, key, shown(value))
    if marker in _warned:
        return
    _warned.add(marker)
    # None: a whole part (the document, an object of choices) goes back to its defaults.
    instead = "the defaults" if default is None else f"the default {shown(default)}"
    log.warning(
        "settings of %s: %s is %s, not %s; using %s", owner, key, shown(value), must_be, instead
    )


def parse_stored(model: type[M], raw: object, owner: str) -> M:
    """The document as the model, each bad value replaced by its key's default."""
    if raw is None:
        return model()
    if not isinstance(raw, Mapping):
        warn_once(owner, "the document", raw, "a JSON object", None)
        return model()

    def report(key: str, value: object, must_be: str, default: object) -> None:
        warn_once(owner, key, value, must_be, default)

    known = {key: value for key, value in raw.items() if key in model.model_fields}
    context = {REPORT: report}
    try:
        return model.model_validate(known, context=context)
    except ValidationError:
        pass  # the slow path, only for a document with a bad value: key by key
    defaults = model().model_dump(mode="json")
    good: dict[str, Any] = {}
    for key, value in known.items():
        try:
            model.model_validate({key: value}, context=context)
        except ValidationError:
            warn_once(owner, key, value, allowed_values(model, key), defaults[key])
        else:
            good[key] = value
    return model.model_validate(good, context=context)


def validated_value(model: type[BaseModel], key: str, value: object) -> Any:
    """``value`` for ``key`` as it is stored (JSON), or SettingInvalid."""
    if key not in model.model_fields:
        known = ", ".join(model.model_fields)
        raise SettingInvalid(key, f"no such setting; the settings are {known}")
    try:
        parsed = model.model_validate({key: value})
    except ValidationError as error:
        raise SettingInvalid(key, "must be " + allowed_values(model, key)) from error
    return parsed.model_dump(mode="json", include={key})[key]


def with_changes(
    model: type[BaseModel], raw: object, changes: Mapping[str, object]
) -> dict[str, Any]:
    """A new document (JSON columns are only saved when reassigned): the stored one, unknown
    keys included, with ``changes`` validated — all of them, or SettingInvalid and none."""
    values = {key: validated_value(model, key, value) for key, value in changes.items()}
    stored = dict(raw) if isinstance(raw, Mapping) else {}
    return {**stored, **values}
