"""The public JSON API's common parts: its error envelope, its paging and its input checks.

Every error answers `{"error": ..., "fields": {name: [{"message": ..., "code": ...}]}}`; lists
are paged in the Open Referral HSDS envelope. Bad input answers 400, never a 500.
"""

from functools import wraps

from django.conf import settings
from django.core.exceptions import TooManyFieldsSent
from django.core.paginator import Paginator
from django.http import JsonResponse

from sociale_kaart.parsing import whole_number


def json_error(error: str, fields: dict | None = None, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": error, "fields": fields or {}}, status=status)


def field_error(message: str, code: str = "invalid") -> list[dict]:
    return [{"message": message, "code": code}]


def json_query(view):
    """Answer a query string that Django refuses to parse (more parameters than
    DATA_UPLOAD_MAX_NUMBER_FIELDS) with the API's JSON 400, not the HTML 400 page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            request.GET  # noqa: B018 - parsed on first access
        except TooManyFieldsSent:
            limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
            return json_error(
                "Te veel parameters",
                {"__all__": field_error(f"Geef hoogstens {limit} parameters.", "too_many")},
            )
        return view(request, *args, **kwargs)

    return wrapper


def positive_int(request, name: str, default: int, maximum: int | None = None):
    """The parameter as a whole number from 1 (up to `maximum`), or an error message."""
    raw = request.GET.get(name, "")
    if raw == "":
        return default, None
    number = whole_number(raw)
    if number is None or number < 1:
        return None, "Geef een heel getal vanaf 1."
    if maximum is not None and number > maximum:
        return None, f"Geef een heel getal van 1 tot en met {maximum}."
    return number, None


def paging_params(request, default_per_page: int, max_per_page: int):
    """`page` and `per_page` of a paged list, and the field errors of either (empty when
    both are right)."""
    errors = {}
    page_number, page_error = positive_int(request, "page", 1)
    per_page, per_page_error = positive_int(request, "per_page", default_per_page, max_per_page)
    if page_error:
        errors["page"] = field_error(page_error)
    if per_page_error:
        errors["per_page"] = field_error(per_page_error)
    return page_number, per_page, errors


def page_out_of_range(paginator) -> list[dict]:
    """The field error of a `page` past the last one."""
    return field_error(f"Er zijn {paginator.num_pages} pagina's.", "out_of_range")


def page_of(items, page_number: int, per_page: int):
    """(paginator, page) of `items`; (paginator, error response) when `page_number` is past
    the last page."""
    paginator = Paginator(items, per_page)
    if page_number > paginator.num_pages:
        return paginator, json_error("Pagina bestaat niet", {"page": page_out_of_range(paginator)})
    return paginator, paginator.page(page_number)


def page_envelope(paginator, page, contents: list) -> dict:
    """One page of a list in the HSDS envelope."""
    return {
        "total_items": paginator.count,
        "total_pages": paginator.num_pages,
        "page_number": page.number,
        "size": len(contents),
        "first_page": not page.has_previous(),
        "last_page": not page.has_next(),
        "empty": paginator.count == 0,
        "contents": contents,
    }
