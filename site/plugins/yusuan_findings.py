"""The audit's findings browsed as `yusuan check` shows them: the findings table's page, asked for with no filter on
severity, lists errors and warnings only (the request is answered as if `severity__not=info` were given, and the
page says so in its filter row). Info (differences within rounding, variant spellings) is listed with a filter on
severity (`?severity=info`, the site's own links) or with `?_info=1`; the JSON and CSV of the table are complete.
Owned by the audit (issue 20); the site's pages (yusuan_pages.py) link to the table with their own filters."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl

PATH = "/yusuan/findings"
EVERYTHING = "_info"


def shown_only(query: list[tuple[str, str]]) -> bool:
    """Whether a request for the findings page has no say about severity (then errors and warnings are listed)."""
    return not any(k == "severity" or k.startswith("severity__") or k == EVERYTHING or k.startswith("_where")
                   for k, _ in query)


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def findings_default(scope, receive, send):
            if scope["type"] == "http" and scope.get("path") == PATH:
                query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
                if shown_only(query):
                    query_string = urlencode(query + [("severity__not", "info")]).encode("latin-1")
                    scope = dict(scope, query_string=query_string)
            return await app(scope, receive, send)

        return findings_default

    return wrap
