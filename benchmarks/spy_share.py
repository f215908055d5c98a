"""Share of the samples in each function, from a py-spy raw profile (`py-spy record -f raw`).

    python benchmarks/spy_share.py SPY.txt ANCHOR [TOP]

Counts only the stacks that pass through a function whose name contains ANCHOR (e.g.
`compare_pairs`), and prints for the TOP functions (default 40) the share of those samples in
which the function is on the stack (inclusive) and at its top (its own code; a compiled
kernel's time shows as its Python caller's own).
"""
from __future__ import annotations

import re
import sys
from collections import Counter


def main() -> None:
    path, anchor = sys.argv[1], sys.argv[2]
    top = int(sys.argv[3]) if len(sys.argv) > 3 else 40
    inclusive: Counter = Counter()
    own: Counter = Counter()
    total = 0
    for line in open(path, encoding="utf-8"):
        stack, _, count = line.rstrip("\n").rpartition(" ")
        # "func (path/to/file.py:line)" -> "func (file.py)": one row per function, not per line
        frames = [re.sub(r" \((?:.*/)?([^/]+?)(?::\d+)?\)$", r" (\1)", f) for f in stack.split(";")]
        if not any(anchor in f for f in frames):
            continue
        n = int(count)
        total += n
        for f in set(frames):
            inclusive[f] += n
        own[frames[-1]] += n
    print(f"{total} samples through {anchor}")
    for f, c in inclusive.most_common(top):
        print(f"{100 * c / total:6.1f}% {100 * own[f] / total:6.1f}%  {f}")


if __name__ == "__main__":
    main()
