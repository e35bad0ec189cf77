"""GitHub Actions workflow commands (``--output-format github``): one annotation per finding.

Every echoed string is escaped as the runner requires (``%``, CR and LF in the message; also
``:`` and ``,`` in properties), so transcript text can never end the command early or start a
new one.
"""

from __future__ import annotations

from linter.engine import RunResult
from linter.textutil import safe

_LEVELS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(result: RunResult) -> str:
    lines = []
    for d in result.diagnostics:
        props = [f"file={escape_property(d.path)}"]
        if d.line is not None:
            props.append(f"line={d.line}")
        props.append(f"title={escape_property(f'{d.code} {d.name}')}")
        # safe() would turn a newline into a visible "\n"; escape the raw text for the runner instead
        message = escape_data(safe(d.message.replace("\r", " ").replace("\n", " ")))
        lines.append(f"::{_LEVELS.get(d.severity, 'warning')} {','.join(props)}::{message}")
    for e in result.errors:
        props = [f"file={escape_property(e.path)}"] + ([f"line={e.line}"] if e.line else [])
        props.append("title=parlint input problem")
        lines.append(f"::{'error' if e.level == 'error' else 'warning'} {','.join(props)}::"
                     f"{escape_data(safe(e.message))}")
    return "".join(line + "\n" for line in lines)
