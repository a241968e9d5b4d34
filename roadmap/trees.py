"""Walking trees: the one set of helpers for every topic tree in Waymark.

No Django here. A tree is any node with children, however they are reached:
the structure's frozen `TopicNode` (`.children`), the markdown parser's
`TreeNode` (`.children`), or flat rows with a parent id, grouped first with
`children_of`. Every walk is depth first, in the reading order, and none
recurses, so no tree is too deep for it.
"""

from collections.abc import Callable, Hashable, Iterable, Iterator
from operator import attrgetter
from typing import Any

Node = Any
Children = Callable[[Node], Iterable[Node]]

CHILDREN: Children = attrgetter("children")


def depth_first(roots: Iterable[Node], children: Children = CHILDREN) -> Iterator[tuple[Node, int]]:
    """(node, depth) for every node under and including `roots`, in reading order; roots are depth 0."""
    stack = [(root, 0) for root in reversed(list(roots))]
    while stack:
        node, depth = stack.pop()
        yield node, depth
        stack.extend((child, depth + 1) for child in reversed(list(children(node))))


def walk(node: Node, children: Children = CHILDREN) -> Iterator[Node]:
    """The node and every node under it, depth first (the reading order)."""
    for found, _depth in depth_first([node], children):
        yield found


def descendants(node: Node, children: Children = CHILDREN) -> Iterator[Node]:
    """Every node under `node` (not itself), in reading order."""
    found = walk(node, children)
    next(found)
    yield from found


def leaves(node: Node, children: Children = CHILDREN) -> Iterator[Node]:
    """The nodes without children under `node`, in reading order; `node` itself when it has none."""
    for found in walk(node, children):
        if not any(True for _ in children(found)):
            yield found


def ancestors(node: Node, parent: Callable[[Node], Node | None]) -> Iterator[Node]:
    """The parent of `node`, its parent, and so on up to the root."""
    above = parent(node)
    while above is not None:
        yield above
        above = parent(above)


def children_of(
    rows: Iterable[Node],
    *,
    key: Callable[[Node], Hashable] = attrgetter("pk"),
    parent_key: Callable[[Node], Hashable | None] = attrgetter("parent_id"),
) -> tuple[list[Node], Children]:
    """Flat rows with a parent key as a tree: (roots, children function), siblings in the order given.

    A row whose parent is not among `rows` counts as a root, so a part of a tree
    still reads as a tree.
    """
    rows = list(rows)
    keys = {key(row) for row in rows}
    below: dict[Hashable | None, list[Node]] = {}
    for row in rows:
        above = parent_key(row)
        below.setdefault(above if above in keys else None, []).append(row)
    return below.get(None, []), lambda row: below.get(key(row), [])
