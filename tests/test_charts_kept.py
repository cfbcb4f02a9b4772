"""Charts kept by what they draw: read back only when every input is the same, and then the same bytes."""

import json

import pandas as pd
import pytest

from ieo.report import charts
from ieo.report.charts import charts_kept_in


def bars(values, **options):
    return charts.bar_chart("bars", "标题", ["北京", "上海"], values, "count", **options)


def test_a_chart_drawn_in_the_folder_is_read_back_from_it(tmp_path):
    drawn = bars([1.0, 2.0])
    with charts_kept_in(tmp_path):
        first = bars([1.0, 2.0])
        [kept] = tmp_path.glob("*.json")
        planted = json.loads(kept.read_text(encoding="utf-8")) | {"alt": "read from the folder"}
        kept.write_text(json.dumps(planted), encoding="utf-8")
        second = bars([1.0, 2.0])
    assert first == drawn
    assert second.alt == "read from the folder" and second.data_uri == drawn.data_uri


def test_any_other_argument_draws_another_chart(tmp_path):
    frame = pd.DataFrame({2018: [1.0, 2.0], 2019: [3.0, 4.0]}, index=["北京", "上海"])
    changed = frame.copy()
    changed.loc["上海", 2019] = 4.5
    with charts_kept_in(tmp_path):
        bars([1.0, 2.0])
        bars([1.0, 2.5])
        bars([1.0, 2.0], horizontal=False)
        charts.grouped_bars("grouped", "标题", frame, "count")
        redrawn = charts.grouped_bars("grouped", "标题", changed, "count")
    assert len(list(tmp_path.glob("*.json"))) == 5
    assert redrawn == charts.grouped_bars("grouped", "标题", changed, "count")


def test_an_argument_that_cannot_be_keyed_is_refused():
    with pytest.raises(TypeError, match="cannot be keyed"):
        charts._canonical(object())
