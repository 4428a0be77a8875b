"""core/frames.records is frame.to_dict("records"), value for value and type for type."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from pipeline.core.frames import records


def same(a, b) -> bool:
    return type(a) is type(b) and (a is b or a == b or (a != a and b != b))


def test_records_are_what_to_dict_gives_for_every_kind_of_column():
    frame = pd.DataFrame({
        "int": [1, 2, 3], "int_na": [1, None, 3], "text": ["x", None, "z"], "float": [1.5, np.nan, 2.0],
        "when": pd.to_datetime(["2026-01-01", None, "2026-02-03"]), "yes": [True, False, True],
        "Int64": pd.array([1, None, 3], dtype="Int64"), "mixed": [dt.date(2026, 1, 1), None, "t"],
        "string": pd.array(["a", None, "c"], dtype="string"), "boolean": pd.array([True, None, False], dtype="boolean"),
        "numpy_in_object": pd.Series([np.int64(4), np.float64(2.5), "x"], dtype=object, index=[5, 3, 9]),
    }, index=[5, 3, 9])
    expected, got = frame.to_dict("records"), records(frame)
    assert len(got) == len(expected) == 3
    for want, have in zip(expected, got):
        assert list(have) == list(want)
        assert all(same(want[k], have[k]) for k in want), [(k, want[k], have[k]) for k in want if not same(want[k], have[k])]
    assert records(frame.iloc[0:0]) == []
