"""The project's own data tables under graphs/, read with the csv module for the
independent check scripts: the alias table and the date corrections, keyed by lower-case id."""

import csv
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def table(name):
    """Rows of a project table under graphs/ (comment lines skipped), header row dropped."""
    with open(os.path.join(HERE, "..", "graphs", name), encoding="utf-8", newline="") as f:
        rows = list(csv.reader(line for line in f if not line.startswith("#") and line.strip()))
    return rows[1:]


ALIASES = {a.strip().lower(): t.strip() for a, t in table("aliases.csv")}
CORRECTIONS = {r[0].strip().lower(): r[1].strip() for r in table("date-corrections.csv")}
