"""Private: builders for the pandera checks the schemas share, with plain-words errors.

A cross-column check's error text is `"field: reason"`; `_parse.failures_to_problems` splits
it to report the failure on `field`.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pandera.pandas as pa

ID = r"[^;\s]+"
IDS = rf"{ID}(;{ID})*"


def row_check(field: str, reason: str, test: Callable[[pd.DataFrame], pd.Series]) -> pa.Check:
    """A check across columns of one record; `field` is the column a failure is reported on."""
    return pa.Check(test, error=f"{field}: {reason}")


def isin(values: tuple[str, ...]) -> pa.Check:
    """The value is one of `values`."""
    return pa.Check.isin(values, error="must be one of " + ", ".join(values))


def matches(pattern: str, reason: str) -> pa.Check:
    """The whole text matches `pattern`."""
    return pa.Check.str_matches(f"^(?:{pattern})$", error=reason)


def between(low: float, high: float, what: str = "a number") -> pa.Check:
    """low <= value <= high (both ends included)."""
    return pa.Check.in_range(low, high, error=f"must be {what} from {low} to {high}")


def ordered(low: str, high: str, relation: str = "be before") -> pa.Check:
    """record[low] <= record[high] where both are set (equal is fine: intervals are inclusive)."""
    return row_check(
        high,
        f"must not {relation} {low}",
        lambda df: df[low].isna() | df[high].isna() | (df[low] <= df[high]),
    )


def both_or_neither(first: str, second: str) -> pa.Check:
    """Both columns set, or both empty (reported on `second`)."""
    return row_check(
        second, f"{first} and {second} must both be set or both empty",
        lambda df: df[first].isna() == df[second].isna(),
    )


def required_if(column: str, condition: str, why: str) -> pa.Check:
    """`column` must be set when `condition` is."""
    return row_check(
        column, f"required when {why}", lambda df: df[condition].isna() | df[column].notna()
    )


IDS_CHECK = matches(IDS, "must be ids separated by ';' (no spaces, no empty items)")
ID_CHECK = matches(ID, "must not contain spaces or ';'")
URL_CHECK = matches(r"https?://\S+", "must be an http(s) address with no spaces")
LAT = between(-90, 90, "a latitude")
LON = between(-180, 180, "a longitude")
GEO_PREC = between(1, 7, "a whole number")
DATE_PREC = between(1, 5, "a whole number")
NON_NEGATIVE = pa.Check.ge(0, error="must not be negative")
POSITIVE = pa.Check.gt(0, error="must be more than 0")
