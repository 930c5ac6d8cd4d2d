"""The import contract of riskcore (README "How it is built"): no cycle anywhere, imports only downward.

The graph is grimp's reading of every import statement of the package, those inside functions
included, so a cycle hidden by a local import is still a cycle. The checks are functions of a
graph, so the tests at the bottom can add a forbidden import to a copy and see it refused.
"""

from __future__ import annotations

import grimp
import pytest

PACKAGE = "riskcore"
# Top to bottom. A module may import its own unit (a context package or a top-level module) and
# the units of lower layers; units sharing a layer are independent of each other.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("ui",),
    ("__main__",),
    ("cli",),
    ("bench",),
    ("demo",),
    ("reporting",),
    ("dunning",),
    ("credit",),
    ("receivables", "ingest"),
    ("access",),
    ("storage",),
    ("messages",),
    ("config",),
    ("errors",),
    ("i18n",),
)
LAYER_OF = {unit: depth for depth, units in enumerate(LAYERS) for unit in units}


def unit(module: str) -> str:
    """The context package or top-level module `riskcore.<unit>...` belongs to (`riskcore` for the root)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else PACKAGE


def build() -> grimp.ImportGraph:
    return grimp.build_graph(PACKAGE, include_external_packages=False, cache_dir=None)


def cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Every group of modules that import each other in a ring (strongly connected, more than one module)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(root: str) -> None:  # Tarjan's algorithm, iterative so deep chains do not recurse
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def upward_imports(graph: grimp.ImportGraph) -> list[str]:
    """Every import of a unit from a higher layer, or between two units of one layer, as readable lines."""
    bad = []
    for importer in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            a, b = unit(importer), unit(imported)
            if a == b or b == PACKAGE:
                continue
            if a not in LAYER_OF or b not in LAYER_OF:
                bad.append(f"{importer} -> {imported}: {a if a not in LAYER_OF else b} has no layer in LAYERS")
            elif LAYER_OF[b] <= LAYER_OF[a]:
                bad.append(f"{importer} -> {imported}: {a} may not import {b}")
    return bad


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return build()


def test_every_unit_of_riskcore_has_a_layer(graph):
    units = {unit(m) for m in graph.modules} - {PACKAGE}
    assert units - set(LAYER_OF) == set()


def test_riskcore_has_no_import_cycle(graph):
    assert cycles(graph) == []


def test_imports_go_only_downward(graph):
    assert upward_imports(graph) == []


def test_an_added_cycle_is_caught():
    broken = build()  # a graph of its own, so the shared one stays as read
    # storage.store imports storage.schema today; the reverse import closes a ring of two
    broken.add_import(importer="riskcore.storage.schema", imported="riskcore.storage.store")
    assert ["riskcore.storage.schema", "riskcore.storage.store"] in cycles(broken)


def test_an_upward_import_is_caught():
    broken = build()  # a graph of its own, so the shared one stays as read
    broken.add_import(importer="riskcore.receivables.kpi", imported="riskcore.credit.limits")
    broken.add_import(importer="riskcore.storage.store", imported="riskcore.ui.context")
    broken.add_import(importer="riskcore.ingest.parse", imported="riskcore.receivables.kpi")  # siblings
    assert upward_imports(broken) == [
        "riskcore.ingest.parse -> riskcore.receivables.kpi: ingest may not import receivables",
        "riskcore.receivables.kpi -> riskcore.credit.limits: receivables may not import credit",
        "riskcore.storage.store -> riskcore.ui.context: storage may not import ui",
    ]
