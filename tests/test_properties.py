"""Invariants of the Cost-Per-Byte Principle, checked with hypothesis."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import xlcpb

flops = st.floats(min_value=1.0, max_value=1e24)
speed = st.floats(min_value=1e9, max_value=1e19)
size = st.floats(min_value=1.0, max_value=1e15)
rate = st.floats(min_value=1e-9, max_value=1e3)
factor = st.floats(min_value=1e-3, max_value=1e3)


@given(t_byte=st.floats(min_value=1e-15, max_value=1.0), i=rate, s=size, k=factor)
def test_cost_is_linear_in_size(t_byte, i, s, k):
    assert xlcpb.cost(t_byte, i, k * s) == pytest.approx(k * xlcpb.cost(t_byte, i, s),
                                                         rel=1e-12)


@given(f_total=flops, p=speed, i=rate, s=size)
def test_eq4_equals_eq1_after_eq2_and_eq3(f_total, p, i, s):
    eq1 = xlcpb.cost(xlcpb.time_per_byte(xlcpb.flops_per_byte(f_total, s), p), i, s)
    assert eq1 == pytest.approx(xlcpb.cost_from_flops(f_total, p, i), rel=1e-12)


@given(price=st.floats(min_value=0, max_value=1e4), devices=st.integers(1, 4096))
def test_cost_per_second_is_price_times_devices_over_3600(price, devices):
    assert xlcpb.cost_per_second(price, devices) == pytest.approx(price * devices / 3600,
                                                                 rel=1e-15, abs=0)


@settings(max_examples=50)
@given(f_total=arrays(np.float64, st.integers(1, 40), elements=flops),
       data=st.data())
def test_array_call_equals_scalar_calls(f_total, data):
    n = f_total.shape[0]
    s = data.draw(arrays(np.float64, n, elements=size))
    p = data.draw(arrays(np.float64, n, elements=speed))
    i = data.draw(arrays(np.float64, n, elements=rate))
    vector = xlcpb.cost(xlcpb.time_per_byte(xlcpb.flops_per_byte(f_total, s), p), i, s)
    scalars = [xlcpb.cost(xlcpb.time_per_byte(xlcpb.flops_per_byte(a, b), c), d, b)
               for a, b, c, d in zip(f_total, s, p, i)]
    np.testing.assert_array_equal(vector, scalars)


@given(st.text())
def test_utf8_bytes_matches_python_encoding(text):
    assert xlcpb.utf8_bytes(text) == len(text.encode("utf-8"))


@given(seconds=st.floats(0.01, 1e5), rate_hz=st.integers(8000, 192000),
       bits=st.sampled_from([8, 16, 24, 32]), channels=st.integers(1, 8))
def test_audio_bytes_is_samples_times_sample_size(seconds, rate_hz, bits, channels):
    assert xlcpb.audio_bytes(seconds, rate_hz, bits, channels) == pytest.approx(
        xlcpb.samples(seconds, rate_hz) * channels * bits / 8, rel=1e-12)


# -- the budget's named formulas and Excel's ROUND ------------------------------------------
money = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False)


@given(values=st.lists(st.floats(min_value=0, max_value=1e6), min_size=1, max_size=20),
       scenario=st.floats(min_value=0.1, max_value=3),
       swing=st.floats(min_value=0, max_value=0.9),
       cap=st.floats(min_value=0.01, max_value=1e7))
def test_scenario_adjusted_is_the_product_below_its_ceiling(values, scenario, swing, cap):
    from xlcpb.engine.budget import scenario_adjusted, sensitivity_multipliers

    lower, higher = sensitivity_multipliers(swing)
    low = np.atleast_1d(scenario_adjusted(values, scenario, lower, maximum=cap))
    high = np.atleast_1d(scenario_adjusted(values, scenario, higher, maximum=cap))
    assert np.all(low <= high) and np.all(high <= cap)
    for value, adjusted in zip(values, high):
        assert adjusted == pytest.approx(min(value * scenario * (1 + swing), cap), rel=1e-12)


@given(rows=st.lists(st.tuples(st.sampled_from(["2024-09", "2024-10", "2024-11"]), money),
                     max_size=50))
def test_totals_by_keeps_every_amount_once(rows):
    import math

    from xlcpb.engine.budget import totals_by

    totals = totals_by([key for key, _ in rows], [amount for _, amount in rows])
    assert set(totals) == {key for key, _ in rows}
    for key, total in totals.items():
        assert total == math.fsum(amount for k, amount in rows if k == key)


@given(value=st.floats(min_value=-1e12, max_value=1e12), digits=st.integers(-6, 8))
def test_round_is_within_half_a_step_and_symmetric(value, digits):
    from xlcpb.engine.rounding import round_half_away_from_zero

    rounded = round_half_away_from_zero(value, digits)
    assert round_half_away_from_zero(-value, digits) == -rounded
    assert abs(rounded - value) <= 0.5 * 10.0 ** -digits * (1 + 1e-9) + abs(value) * 1e-15
