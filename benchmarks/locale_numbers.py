"""Numbers in the locale's form: lstmshape's CLDR table against Babel at run time, side by side.

    python benchmarks/locale_numbers.py [--runs 21]

Why lstmshape ships a table written from Babel (tools/cldr_table.py -> lstmshape/i18n/cldr.py)
rather than calling Babel in every run (docs/languages.md). Three programs, each in its own
process (timing.py: interleaved, after a warm-up run), each loading lstmshape's package and its
language machinery first (what every run of the tool has loaded before it says a number), then
saying a French count and a size once, as one explain run does:

- the floor: lstmshape's package and ``speaking("fr")``, no number said;
- lstmshape's table: ``lstmshape.i18n.numbers`` (``22 272``, ``87,0 Kio``);
- Babel at run time: ``babel.numbers.format_decimal`` and ``babel.units.format_unit``, the same
  two forms (Babel loads and unpickles its locale data on first use).

Targets: the table costs at most 5 % above the floor; Babel costs at least 10 % more than the
table. Needs the test extra (Babel is pinned there, never a dependency): pip install -e ".[test]".
"""

from __future__ import annotations

import argparse
import sys

from timing import check_ratios, median_seconds, print_table, run_interleaved

PRELUDE = """
import lstmshape
from lstmshape.i18n import speaking
"""
FLOOR = (
    PRELUDE
    + """
with speaking("fr"):
    said = ()
"""
)
TABLE = (
    PRELUDE
    + """
from lstmshape.i18n.numbers import number, size
with speaking("fr"):
    said = (number(22272), size(89088))
"""
)
BABEL = (
    PRELUDE
    + """
from babel.numbers import format_decimal
from babel.units import format_unit
with speaking("fr"):
    said = (format_decimal(22272, locale="fr"), format_unit(87.0, "digital-kilobyte", locale="fr"))
"""
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    commands = {
        "lstmshape, no number (floor)": [sys.executable, "-c", FLOOR],
        "lstmshape's CLDR table": [sys.executable, "-c", TABLE],
        "Babel at run time": [sys.executable, "-c", BABEL],
    }
    samples = run_interleaved(commands, args.runs)
    print_table(samples, args.runs)
    floor = median_seconds(samples["lstmshape, no number (floor)"])
    for name in ("lstmshape's CLDR table", "Babel at run time"):
        above = (median_seconds(samples[name]) - floor) * 1000
        print(f"  {name}: {above:.1f} ms above the floor")
    print("targets")
    targets = [
        ("lstmshape's CLDR table", "lstmshape, no number (floor)", "<=", 1.05),
        ("Babel at run time", "lstmshape's CLDR table", ">=", 1.10),
    ]
    return 1 if check_ratios(samples, targets) else 0


if __name__ == "__main__":
    sys.exit(main())
