"""The collector pause (off inside, back as it was after, even when the stage fails), and text split into the
lines io.StringIO would read."""

import csv
import gc
import io
import random

import pytest

from ieo import bulk
from ieo.bulk import collector_paused


def test_the_collector_is_paused_inside_and_restored_after_a_failure():
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        assert not gc.isenabled()
        raise RuntimeError("the stage failed")
    assert gc.isenabled()


def test_a_collector_the_caller_paused_stays_paused():
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


LINE_BREAKS = ["\n", "\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]


def stringio_lines(text):
    return list(io.StringIO(text, newline=""))


@pytest.mark.parametrize("block", [1, 2, 3, 7, bulk.BLOCK_CHARACTERS])
def test_text_is_split_into_the_lines_stringio_reads(block, monkeypatch):
    """Every line break the csv module may meet, alone, doubled, at a block's edge and at the end of the text."""
    monkeypatch.setattr(bulk, "BLOCK_CHARACTERS", block)
    rng = random.Random(block)
    texts = ["", "a", "\n", "\r\n\r\n", "a\r\nb\rc\nd", "x\x0by\nz\u2028w\r\n", 'a,"b\r\nc",d\re\n\nf']
    texts += ["".join(rng.choice(LINE_BREAKS + ["a", "bc", ",", '"', "中"]) for _ in range(40)) for _ in range(300)]
    for text in texts:
        assert list(bulk.text_lines(text)) == stringio_lines(text), repr(text)


def test_a_csv_reads_the_same_rows_from_its_lines():
    text = 'id,name\r\n1,"two\r\nlines"\r\n2,"a\x0bb"\n3,"c\rd"\n'
    assert list(csv.reader(bulk.text_lines(text))) == list(csv.reader(io.StringIO(text, newline="")))
    assert list(csv.reader(bulk.text_lines(text)))[1] == ["1", "two\r\nlines"]

