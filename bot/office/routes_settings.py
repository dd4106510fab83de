"""The school's settings (administrators only): the form and saving it. Thin:
:mod:`bot.office.settings_form` builds the fields and checks each value."""

from __future__ import annotations

from aiohttp import web

from bot.office.settings_form import changed_values, save_settings, setting_fields
from bot.office.web import Page, office_page, see_other
from bot.presentation.office_forms import setting_problem, settings_texts


def _form(page: Page, entered: dict[str, str] | None, errors: dict[str, str]) -> web.Response:
    fields = setting_fields(page.staff, entered)
    return page.render(
        "settings.html",
        {
            "texts": settings_texts(page._),
            "fields": [
                {
                    "key": field.key,
                    "value": field.value,
                    "default": field.default,
                    "allowed": page._(field.allowed),
                    "meaning": page._(field.meaning),
                    "is_flag": field.is_flag,
                    "error": setting_problem(errors[field.key], page._)
                    if field.key in errors
                    else None,
                }
                for field in fields
            ],
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@office_page(admin_only=True)
async def settings_page(page: Page) -> web.StreamResponse:
    texts = settings_texts(page._)
    if page.request.query.get("saved") == "1":
        page.notices.append(texts["saved"])
    elif page.request.query.get("saved") == "0":
        page.notices.append(texts["unchanged"])
    return _form(page, None, {})


@office_page(admin_only=True)
async def save_page(page: Page) -> web.StreamResponse:
    assert page.form is not None
    # A field the form did not send stays as it is (a browser always sends them all).
    entered = {
        field.key: page.field(field.key)
        for field in setting_fields(page.staff)
        if field.key in page.form
    }
    changes, errors = changed_values(page.staff, entered)
    if errors:
        return _form(page, entered, errors)
    changed = await save_settings(page.uow, page.services.clock, page.staff, changes)
    return see_other(f"/office/settings?saved={1 if changed else 0}")


def add_settings_routes(app: web.Application) -> None:
    app.router.add_get("/office/settings", settings_page)
    app.router.add_post("/office/settings", save_page)
