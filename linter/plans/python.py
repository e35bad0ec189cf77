"""Python orchestration code as a plan: a libcst tree with scope, position and name metadata.

Rules read the tree through ``CodePlan.wrapper`` (a ``MetadataWrapper``): ``ScopeProvider`` tells
which names a statement binds and which it reads, ``PositionProvider`` gives lines,
``QualifiedNameProvider`` resolves ``asyncio.gather`` however it was imported.
"""

from __future__ import annotations

import ast
import re

import libcst as cst
from libcst.metadata import MetadataWrapper

from linter.model import ParseProblem
from linter.plans.model import CodePlan, Suppression

_SUPPRESS = re.compile(r"#\s*parlint:\s*ignore\[(?P<codes>[A-Z0-9, ]+)\]")


def parse_code(text: str, path: str, errors: list[ParseProblem], origin_line: int | None = None) -> CodePlan | None:
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        line, message = exc.raw_line, exc.message
        try:  # Python's own parser points at the line a reader expects
            ast.parse(text)
        except SyntaxError as syntax:
            line, message = syntax.lineno or line, syntax.msg or message
        except (ValueError, RecursionError):
            pass
        errors.append(ParseProblem(path, line if origin_line is None else origin_line, f"Python syntax error: {message}"))
        return None
    except RecursionError:
        errors.append(ParseProblem(path, origin_line, "Python code nested too deeply to parse"))
        return None
    suppressions = []
    for lineno, raw in enumerate(text.splitlines(), 1):
        match = _SUPPRESS.search(raw)
        if match:
            codes = tuple(c.strip() for c in match.group("codes").split(",") if c.strip())
            suppressions.append(Suppression(lineno, codes))
    return CodePlan(path=path, source=text, module=module, wrapper=MetadataWrapper(module, unsafe_skip_copy=True),
                    suppressions=suppressions, origin_line=origin_line)
