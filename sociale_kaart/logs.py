"""Structured log lines: one `key=value` line per event, easy to grep (`grep status=503`).

A record's own fields come from `extra={...}`; the standard attributes of a LogRecord are left
out, except time, level, logger and message. Only plain values (text, numbers) are written:
objects such as the `request` Django attaches to its own records are skipped, since their text
would carry the query string. Values with spaces, quotes or `=` are quoted, and
newlines (tracebacks) are escaped so every event stays on one line.
"""

import logging
from datetime import UTC, datetime

# Attributes every LogRecord has; anything else on a record was passed through `extra`.
_STANDARD_ATTRIBUTES = frozenset(
    logging.LogRecord("", 0, "", 0, "", None, None).__dict__.keys()
    | {"message", "asctime", "taskName"}
)

_PLAIN_TYPES = (str, int, float, bool, type(None))


def format_value(value: object) -> str:
    text = str(value)
    if text and not any(char in text for char in ' "=\n\r\t\\'):
        return text
    escaped = (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
    )
    return f'"{escaped}"'


class KeyValueFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        fields = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if (
                key not in _STANDARD_ATTRIBUTES
                and not key.startswith("_")
                and isinstance(value, _PLAIN_TYPES)
            ):
                fields[key] = value
        if record.exc_info:
            fields["exc"] = self.formatException(record.exc_info)
        return " ".join(f"{key}={format_value(value)}" for key, value in fields.items())
