"""How every benchmark reports: named figures with their target, as plain text or JSON.

A figure is one number a reader compares with a target (``dispatch efficiency 0.981 >= 0.97``).
Keeping the format in one place lets ``docs/benchmarks.md`` quote every script the same way and
lets a machine read ``--json`` without knowing which script printed it. Statistics are computed
here too, from the raw samples, so no script rounds before summarising.
"""

from __future__ import annotations

import json
import math
import os
import platform
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Literal

Direction = Literal["<=", ">="]


@dataclass(frozen=True)
class Figure:
    """One measured value; ``target`` None means it is reported for information only."""

    name: str
    value: float
    unit: str
    target: float | None = None
    direction: Direction = "<="
    note: str = ""

    @property
    def met(self) -> bool | None:
        if self.target is None:
            return None
        if self.direction == "<=":
            return self.value <= self.target
        return self.value >= self.target


@dataclass(frozen=True)
class Summary:
    """The spread of a set of samples, in the unit they were taken in."""

    count: int
    median: float
    mean: float
    p99: float
    max: float
    min: float

    def line(self, unit: str, scale: float = 1.0, digits: int = 1) -> str:
        def show(value: float) -> str:
            return f"{value * scale:.{digits}f}"

        return (
            f"median {show(self.median)} {unit}, p99 {show(self.p99)}, max {show(self.max)}, "
            f"min {show(self.min)} (n={self.count})"
        )


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100), linear between closest ranks (numpy's default)."""
    if not values:
        raise ValueError("no samples")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100.0
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summarise(values: Sequence[float]) -> Summary:
    if not values:
        raise ValueError("no samples to summarise")
    return Summary(
        count=len(values),
        median=statistics.median(values),
        mean=statistics.fmean(values),
        p99=percentile(values, 99),
        max=max(values),
        min=min(values),
    )


def _now() -> str:
    return datetime.now().astimezone().isoformat("T", "seconds")


def machine() -> dict[str, Any]:
    """Where the figures were taken: they mean little without it."""
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "load_before": round(load[0], 2),
    }


@dataclass
class Report:
    """What one run of one script found: its figures, plus free-form details for the curious."""

    benchmark: str
    description: str
    figures: list[Figure] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)  # extra human-readable lines
    figures_in_text: bool = True  # False when ``lines`` already show them as a table
    started: str = field(default_factory=_now)
    host: dict[str, Any] = field(default_factory=machine)

    def add(self, figure: Figure) -> Figure:
        self.figures.append(figure)
        return figure

    def say(self, line: str) -> None:
        self.lines.append(line)

    def as_json(self) -> str:
        data = {
            "benchmark": self.benchmark,
            "description": self.description,
            "started": self.started,
            "host": self.host,
            "figures": [{**asdict(f), "met": f.met} for f in self.figures],
            "details": self.details,
        }
        return json.dumps(data, indent=2, ensure_ascii=False)

    def as_text(self) -> str:
        out = [
            f"{self.benchmark}: {self.description}",
            f"  {self.started} on {self.host['cpus']} CPUs, Python {self.host['python']}, "
            f"load average {self.host['load_before']} before, "
            f"{self.host.get('load_after', '?')} after",
        ]
        out += [f"  {line}".rstrip() for line in self.lines]
        if self.figures and self.figures_in_text:
            width = max(len(f.name) for f in self.figures)
            out.append("")
            for f in self.figures:
                verdict = ""
                if f.target is not None:
                    verdict = f"  target {f.direction} {f.target:g} {f.unit}: "
                    verdict += "met" if f.met else "NOT MET"
                note = f"  ({f.note})" if f.note else ""
                out.append(f"  {f.name:<{width}}  {f.value:10.3f} {f.unit}{verdict}{note}")
        return "\n".join(out)

    def emit(self, as_json: bool) -> None:
        if hasattr(os, "getloadavg"):
            self.host["load_after"] = round(os.getloadavg()[0], 2)
        print(self.as_json() if as_json else self.as_text(), flush=True)
