"""The collector pause: off inside, back as it was after, even when the stage fails."""

import gc

import pytest

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
