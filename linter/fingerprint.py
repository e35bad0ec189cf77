"""Stable identities of findings, for SARIF ``partialFingerprints`` and baselines.

A fingerprint is computed from what a finding is about, never from where it sits: the rule code,
the session id and the name of the file holding it (or, for a plan or code file, its path), the
agent, and the call ids it names.
Findings without calls (plans, code) use their message with numbers taken out, so that a line
moving up or down does not change them.
"""

from __future__ import annotations

import hashlib
import os
import re
from typing import Any

_NUMBERS = re.compile(r"\d+")


def fingerprint(d: Any) -> str:
    if d.call_ids:
        # the file name (not its directory: checkouts differ) tells copies of one session apart
        subject = f"{d.session_id}|{os.path.basename(d.path)}|{d.agent_id}|{','.join(sorted(d.call_ids))}"
    else:
        subject = f"{d.path}|{_NUMBERS.sub('#', d.message)}"
    return hashlib.sha256(f"{d.code}|{subject}".encode("utf-8", "replace")).hexdigest()[:32]
