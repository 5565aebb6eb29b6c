"""Small-cell suppression: no published figure and no difference of published figures tells
a count below THRESHOLD, so that no person can be singled out.

A table is a set of cells tied by equations: a total is the sum of its parts (`Group`). A cell
computed from fewer than THRESHOLD events is hidden and shown as "< 5" (primary suppression).
Then every group is audited: knowing the shown cells and the range of each hidden one (0 to 4
for "< 5", THRESHOLD or more for a cell hidden only to protect another, anything for a figure
the report does not publish), can the equation pin a hidden cell down to one value? If so, the
smallest shown part (else the total) is hidden too (secondary suppression), until no group
reveals anything. Cells shared by several groups (a département is a part of the région and the
total of its EPCI) make the audit run until nothing changes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

THRESHOLD = 5
SHOWN, PRIMARY, SECONDARY, UNPUBLISHED = "affiche", "moins_de_5", "secret", "non_publie"


@dataclass(eq=False)
class Cell:
    """A count. `state` says whether and why it is hidden."""

    value: int
    state: str = SHOWN

    def bounds(self) -> tuple[float, float]:
        """What a reader of the report knows of the value."""
        if self.state == SHOWN:
            return self.value, self.value
        if self.state == PRIMARY:
            return 0, THRESHOLD - 1
        if self.state == SECONDARY:
            return THRESHOLD, math.inf
        return 0, math.inf

    @property
    def hidden(self) -> bool:
        return self.state != SHOWN

    def text(self) -> str:
        """The cell as printed: the number, "< 5" or "s" (hidden to protect another cell)."""
        return {SHOWN: str(self.value), PRIMARY: f"< {THRESHOLD}", SECONDARY: "s"}.get(self.state, "")


@dataclass(eq=False)
class Group:
    """total = sum(parts)."""

    total: Cell
    parts: list[Cell] = field(default_factory=list)


def revealed(group: Group) -> list[Cell]:
    """The hidden cells of the group whose value its equation pins down."""
    cells = [group.total, *group.parts]
    bounds = [cell.bounds() for cell in cells]
    found = []
    for index, cell in enumerate(cells):
        if not cell.hidden or cell.state == UNPUBLISHED:
            continue
        low, high = bounds[index]
        parts = [b for i, b in enumerate(bounds[1:], 1) if i != index]
        parts_low, parts_high = sum(b[0] for b in parts), sum(b[1] for b in parts)
        if index == 0:  # total = sum of the parts
            low, high = max(low, parts_low), min(high, parts_high)
        else:  # part = total - the other parts
            total_low, total_high = bounds[0]
            low, high = max(low, total_low - parts_high), min(high, total_high - parts_low)
        if low == high:
            found.append(cell)
    return found


def protect(groups: Iterable[Group]) -> None:
    """Hides what must be hidden in every cell of `groups`, in place."""
    groups = list(groups)
    for group in groups:
        for cell in (group.total, *group.parts):
            if cell.state == SHOWN and cell.value < THRESHOLD:
                cell.state = PRIMARY
    changed = True
    while changed:
        changed = False
        for group in groups:
            if not revealed(group):
                continue
            shown = [c for c in group.parts if not c.hidden]
            if shown:
                min(shown, key=lambda c: c.value).state = SECONDARY
            elif not group.total.hidden:
                group.total.state = SECONDARY
            else:
                continue
            changed = True
