"""Reading numbers that visitors and forms send as text."""

MAX_DIGITS = 9  # a bound on what a client can make us convert; far above any real page or version


def whole_number(raw: str) -> int | None:
    """`raw` as a whole number (0 or more) when it is nothing but ASCII digits, at most nine;
    None for anything else ("", "-1", "1.5", "١", a very long number)."""
    if raw.isascii() and raw.isdigit() and len(raw) <= MAX_DIGITS:
        return int(raw)
    return None
