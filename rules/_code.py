"""Helpers shared by the Python plan rules (PAR6xx): positions, qualified names, awaited calls."""

from __future__ import annotations

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
