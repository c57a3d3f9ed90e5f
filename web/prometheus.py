"""The Prometheus text exposition format (version 0.0.4), written by hand: no I/O, no dependency.

A scrape of ``/metrics`` needs a dozen gauges and one histogram computed from the database at
that moment; the client library's registries, collectors and process metrics would be more code
than this. What must be right is the escaping: a label value (an IMEI, a state) and a help text
go out with ``\\``, ``"`` and line ends escaped, so a strange value can never break the lines
after it or forge a sample.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


@dataclass(frozen=True)
class Sample:
    """One line: ``name{labels} value``; ``suffix`` is added to the family's name (``_bucket``)."""

    value: float
    labels: tuple[tuple[str, str], ...] = ()
    suffix: str = ""


@dataclass(frozen=True)
class Family:
    """A metric with its help, its type and its samples."""

    name: str
    kind: str  # gauge, counter, histogram, untyped
    help: str
    samples: tuple[Sample, ...]


def escape_label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def escape_help(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def format_value(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if float(value).is_integer() and abs(value) < 2**53:
        return str(int(value))
    return repr(float(value))


def _labels(labels: Sequence[tuple[str, str]]) -> str:
    if not labels:
        return ""
    return "{" + ",".join(f'{key}="{escape_label(value)}"' for key, value in labels) + "}"


def render(families: Iterable[Family]) -> str:
    lines: list[str] = []
    for family in families:
        lines.append(f"# HELP {family.name} {escape_help(family.help)}")
        lines.append(f"# TYPE {family.name} {family.kind}")
        for sample in family.samples:
            name = family.name + sample.suffix
            lines.append(f"{name}{_labels(sample.labels)} {format_value(sample.value)}")
    return "\n".join(lines) + "\n"


def bucket_label(bound: float) -> str:
    """``le`` as the client libraries write it: ``0.5``, ``1.0``, ``+Inf``."""
    return "+Inf" if math.isinf(bound) else repr(float(bound))


def histogram(values: Iterable[float], bounds: Sequence[float]) -> tuple[Sample, ...]:
    """Cumulative ``_bucket`` samples for ``bounds`` (then ``+Inf``), ``_sum`` and ``_count``."""
    observed = sorted(values)
    samples = []
    for bound in (*bounds, math.inf):
        count = sum(1 for value in observed if value <= bound)
        samples.append(Sample(count, (("le", bucket_label(bound)),), "_bucket"))
    samples.append(Sample(math.fsum(observed), (), "_sum"))
    samples.append(Sample(len(observed), (), "_count"))
    return tuple(samples)
