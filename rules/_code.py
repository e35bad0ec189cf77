"""Helpers shared by the Python plan rules (PAR6xx): positions, qualified names, awaited calls."""

from __future__ import annotations

import re
from typing import Iterator

from rules._lazy import cst

from linter.plans.model import CodePlan



class Meta:
    """Resolved metadata of one module (computed once per rule run)."""

    def __init__(self, code: CodePlan) -> None:
        from libcst.metadata import ParentNodeProvider, PositionProvider, QualifiedNameProvider, ScopeProvider

        self.code = code
        self.data = code.wrapper.resolve_many((PositionProvider, QualifiedNameProvider, ScopeProvider,
                                               ParentNodeProvider))
        self._providers = {"position": PositionProvider, "qualified": QualifiedNameProvider, "scope": ScopeProvider,
                           "parent": ParentNodeProvider}
        self.module = code.wrapper.module

    def line(self, node: cst.CSTNode) -> int:
        return _value(self.data[self._providers['position']][node]).start.line

    def span(self, node: cst.CSTNode) -> tuple[tuple[int, int], tuple[int, int]]:
        pos = _value(self.data[self._providers['position']][node])
        return (pos.start.line, pos.start.column), (pos.end.line, pos.end.column)

    def qualified(self, node: cst.CSTNode) -> set[str]:
        value = self.data[self._providers['qualified']].get(node, set())
        if callable(value) and not isinstance(value, (set, frozenset)):
            value = value()  # libcst computes some metadata lazily
        return {q.name for q in value}

    def scope(self, node: cst.CSTNode):  # type: ignore[no-untyped-def]
        return _value(self.data[self._providers['scope']].get(node))

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return _value(self.data[self._providers['parent']].get(node))

    def code_for(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)

    def walk(self, kind: type[cst.CSTNode]) -> Iterator[cst.CSTNode]:
        for node in self.data[self._providers['position']]:
            if isinstance(node, kind):
                yield node


def _value(value):  # type: ignore[no-untyped-def]
    return value() if type(value).__name__ == "LazyValue" else value


def dotted(node: cst.BaseExpression) -> str:
    """``a.b.c`` for a Name/Attribute chain, else ''."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted(node.value)
        return f"{base}.{node.attr.value}" if base else ""
    return ""


def names_in(node: cst.CSTNode) -> set[str]:
    """Names a node reads (attribute names after a dot are not names)."""
    found: set[str] = set()

    class Collect(cst.CSTVisitor):
        def visit_Name(self, n: cst.Name) -> None:
            found.add(n.value)

        def visit_Attribute(self, n: cst.Attribute) -> bool:
            n.value.visit(self)
            return False

    node.visit(Collect())
    return found


def in_async_function(meta: Meta, node: cst.CSTNode) -> bool:
    current = meta.parent(node)
    while current is not None:
        if isinstance(current, cst.FunctionDef):
            return current.asynchronous is not None
        if isinstance(current, cst.Lambda):
            return False
        current = meta.parent(current)
    return False


def enclosing_function(meta: Meta, node: cst.CSTNode) -> cst.FunctionDef | None:
    current = meta.parent(node)
    while current is not None:
        if isinstance(current, cst.FunctionDef):
            return current
        current = meta.parent(current)
    return None


def bound_values(meta: Meta, name: cst.Name) -> list[cst.CSTNode] | None:
    """What a name is bound to, by scope analysis: the assigned values (``x = ...``, ``x: T = ...``,
    ``with ... as x``) and functions defined under the name. None when any binding is something else
    (a parameter, an import, a loop target) or the name is not bound here at all. Classes defined under
    the name are returned as their ``ClassDef``."""
    scope = meta.scope(name)
    if scope is None:
        return None
    assignments = list(scope[name.value])
    if not assignments:
        return None
    out: list[cst.CSTNode] = []
    for assignment in assignments:
        target = getattr(assignment, "node", None)
        if isinstance(target, (cst.FunctionDef, cst.ClassDef)):
            out.append(target)
            continue
        if not isinstance(target, cst.Name):
            return None
        parent = meta.parent(target)
        grand = meta.parent(parent) if parent is not None else None
        if isinstance(parent, cst.AssignTarget) and isinstance(grand, cst.Assign):
            out.append(grand.value)
        elif isinstance(parent, cst.AnnAssign) and parent.value is not None:
            out.append(parent.value)
        elif isinstance(parent, cst.AsName) and isinstance(grand, cst.WithItem):
            out.append(grand.item)
        else:
            return None
    return out


def name_words(name: str) -> list[str]:
    """The lower-case words of a dotted or snake/camel case name: ``self._llmSemaphore`` gives
    ``['self', 'llm', 'semaphore']``."""
    return [w.lower() for w in re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+", name)]


def bound_to(meta: Meta, receiver: cst.BaseExpression) -> list[cst.CSTNode] | None:
    """What an object was bound to: a name's assigned values, or the values assigned to
    ``self.<attr>`` anywhere in the enclosing class."""
    if isinstance(receiver, cst.Name):
        return bound_values(meta, receiver)
    if isinstance(receiver, cst.Attribute) and isinstance(receiver.value, cst.Name) and \
            receiver.value.value == "self":
        current = meta.parent(receiver)
        while current is not None and not isinstance(current, cst.ClassDef):
            current = meta.parent(current)
        if current is None:
            return None
        wanted = dotted(receiver)
        values: list[cst.CSTNode] = []

        class Assigned(cst.CSTVisitor):
            def visit_Assign(self, node: cst.Assign) -> None:
                if any(dotted(t.target) == wanted for t in node.targets):
                    values.append(node.value)

            def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
                if dotted(node.target) == wanted and node.value is not None:
                    values.append(node.value)

        current.visit(Assigned())
        return values or None
    return None
