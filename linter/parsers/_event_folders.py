"""Where an OpenHands V1 conversation folder keeps its events: ``<conversation>/events/
event-00000-<uuid>.json``, one event per file, beside ``base_state.json``.

Kept apart from the parser (``_openhands_sdk``) so that walking a directory can tell the first
event file (which stands for the whole conversation) from the others without importing it.
"""

from __future__ import annotations

import functools
import os
import re

EVENT_FILE = re.compile(r"^event-(\d{5,})-[0-9a-fA-F-]{8,}\.json$")
BASE_STATE = "base_state.json"


def events_folder(path: str) -> str | None:
    """The ``events`` folder ``path`` is an event file of, else None."""
    if not EVENT_FILE.match(os.path.basename(path)):
        return None
    if os.path.basename(os.path.dirname(os.path.abspath(path))) != "events":
        return None
    return os.path.dirname(path) or "."


@functools.lru_cache(maxsize=256)
def event_files(folder: str) -> tuple[str, ...]:
    """The event files of a folder, in the order they were written (by index)."""
    try:
        names = os.listdir(folder)
    except OSError:
        return ()
    indexed = sorted((int(m.group(1)), name) for name in names if (m := EVENT_FILE.match(name)))
    return tuple(name for _, name in indexed)


def primary_of(path: str) -> str:
    """The event file that stands for ``path``'s conversation (the first of its folder); ``path``
    itself when it is no event file of a folder."""
    folder = events_folder(path)
    files = event_files(os.path.abspath(folder)) if folder is not None else ()
    return os.path.join(folder, files[0]) if folder is not None and files else path


def is_companion(path: str) -> bool:
    """An event file other than the first of its folder, or the folder's ``base_state.json``:
    read together with the first event file."""
    name = os.path.basename(path)
    if name == BASE_STATE:
        return os.path.isdir(os.path.join(os.path.dirname(path), "events"))
    return os.path.basename(primary_of(path)) != name
