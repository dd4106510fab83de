"""The HTTP access log, with the secret parts of paths masked: a calendar feed's token is its
only credential, an office sign-in link's token signs someone in, and logs travel further
than the server (to log stores, to support)."""

from __future__ import annotations

import re

from aiohttp.abc import AbstractAccessLogger
from aiohttp.web import BaseRequest, StreamResponse

# Paths whose last segment is a bearer secret: calendar feeds, the signed links in letters
# (acknowledging final grades, unsubscribing, confirming, letter settings) and office
# sign-in links.
SECRET_PATHS = re.compile(
    r"^(/calendar/|/mail/ack/|/mail/unsubscribe/|/mail/confirm/|/mail/settings/"
    r"|/office/sign-in/)[^/?#]+?(\.ics)?(?=$|[?#])"
)


# A sign-in link named in a query too (the console's language switch returns to the page).
SIGN_IN_IN_QUERY = re.compile(r"(sign-in(?:/|%2F|%2f))[A-Za-z0-9_-]+")


def mask_secrets(path: str) -> str:
    """``/calendar/SECRET.ics`` → ``/calendar/***.ics``, ``/mail/ack/SECRET`` →
    ``/mail/ack/***``; other paths unchanged."""
    path = SECRET_PATHS.sub(lambda m: f"{m.group(1)}***{m.group(2) or ''}", path)
    return SIGN_IN_IN_QUERY.sub(lambda m: f"{m.group(1)}***", path)


class SecretMaskingAccessLogger(AbstractAccessLogger):
    """One line per request, like aiohttp's default format, without the secrets."""

    def log(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
        self.logger.info(
            '%s "%s %s HTTP/%d.%d" %d %s %.3fs',
            request.remote, request.method, mask_secrets(request.path_qs),
            request.version.major, request.version.minor,
            response.status, response.body_length, time,
        )  # fmt: skip
