"""The engine's equations, content sizes and FLOPs models, and its refusals."""

import math

import numpy as np
import pytest

import xlcpb
from xlcpb import CPBError


def test_paper_equations_text_case_by_hand():
    # Paper section 6.1, every step recomputed by hand here (not from the code).
    f_byte = xlcpb.flops_per_byte(3e9 * 1000, 1000 * 4)
    assert f_byte == 7.5e8
    t_byte = xlcpb.time_per_byte(f_byte, 65e12)
    assert t_byte == pytest.approx(7.5e8 / 65e12, rel=1e-15)
    rate = xlcpb.cost_per_second(0.50)
    assert rate == pytest.approx(0.5 / 3600, rel=1e-15)
    assert xlcpb.generation_time(t_byte, 4000) == pytest.approx(3e12 / 65e12, rel=1e-15)
    assert xlcpb.cost(t_byte, rate, 4000) == pytest.approx(3e12 / 65e12 * 0.5 / 3600, rel=1e-15)


def test_eq4_equals_eq1_for_video_case():
    total, speed, rate = 1.8e18, 10 * 125e12, 10 * 2.5 / 3600
    size = 1800 * 256 * 256 * 3
    eq1 = xlcpb.cost(xlcpb.time_per_byte(xlcpb.flops_per_byte(total, size), speed), rate, size)
    assert eq1 == pytest.approx(xlcpb.cost_from_flops(total, speed, rate), rel=1e-12)
    assert eq1 == pytest.approx(10.0, rel=1e-12)


def test_cluster_speed_and_cost_per_second_scale_with_devices():
    assert xlcpb.hardware_flops_per_s(125e12, 10) == 1.25e15
    assert xlcpb.cost_per_second(2.5, 10) == pytest.approx(25 / 3600)


@pytest.mark.parametrize("call, expected", [
    (lambda: xlcpb.text_bytes(1000), 4000.0),
    (lambda: xlcpb.text_bytes(10, 3.5), 35.0),
    (lambda: xlcpb.image_bytes(640, 480), 640 * 480 * 3.0),
    (lambda: xlcpb.image_bytes(10, 10, 4, 16, images=2), 2 * 100 * 4 * 2.0),
    (lambda: xlcpb.audio_bytes(60, 24_000), 2_880_000.0),
    (lambda: xlcpb.audio_bytes(1, 44_100, 24, 2), 44_100 * 2 * 3.0),
    (lambda: xlcpb.video_bytes(60, 30, 256, 256), 353_894_400.0),
    (lambda: xlcpb.video_bytes(1, 24, 1920, 1080, 3, 10), 24 * 1920 * 1080 * 30 / 8),
    (lambda: xlcpb.samples(60, 24_000), 1_440_000.0),
    (lambda: xlcpb.frames(60, 30), 1800.0),
])
def test_content_sizes(call, expected):
    assert call() == expected


def test_utf8_bytes_counts_bytes_not_characters():
    assert xlcpb.utf8_bytes("abc") == 3
    assert xlcpb.utf8_bytes("€") == 3
    assert xlcpb.utf8_bytes("🙂") == 4
    assert list(xlcpb.utf8_bytes(["a", "é"])) == [1, 2]
    with pytest.raises(CPBError, match="expected text"):
        xlcpb.utf8_bytes(["a", 5])


def test_flops_per_token_kaplan_attention_term():
    assert xlcpb.flops_per_token(1.5e9) == 3e9
    assert xlcpb.flops_per_token(1.5e9, 48, 1024, 1600) == 3e9 + 2 * 48 * 1024 * 1600
    assert xlcpb.total_flops(1e9, 1_440_000) == 1.44e15
    assert xlcpb.flops_per_unit(1.8e18, 1800) == 1e15


def test_scalar_in_scalar_out_array_in_array_out():
    assert isinstance(xlcpb.cost_per_second(0.5), float)
    out = xlcpb.cost_per_second(np.array([0.5, 2.5]), np.array([1, 10]))
    assert isinstance(out, np.ndarray) and out.shape == (2,)
    grid = xlcpb.time_per_byte(np.array([[7.5e8], [5e8]]), np.array([65e12, 125e12]))
    assert grid.shape == (2, 2)


@pytest.mark.parametrize("call, argument, words", [
    (lambda: xlcpb.time_per_byte(7.5e8, 0), "flops_per_s", "greater than zero"),
    (lambda: xlcpb.time_per_byte(7.5e8, -1e12), "flops_per_s", "greater than zero"),
    (lambda: xlcpb.time_per_byte(7.5e8, float("nan")), "flops_per_s", "finite"),
    (lambda: xlcpb.time_per_byte(7.5e8, math.inf), "flops_per_s", "finite"),
    (lambda: xlcpb.time_per_byte(7.5e8, 65), "flops_per_s", "TFLOP/s"),
    (lambda: xlcpb.flops_per_byte(3e12, 0), "size_bytes", "greater than zero"),
    (lambda: xlcpb.cost(1e-5, 1e-4, 0), "size_bytes", "greater than zero"),
    (lambda: xlcpb.cost_per_second("0.50"), "price_per_hour", "text"),
    (lambda: xlcpb.cost_per_second(None), "price_per_hour", "nothing"),
    (lambda: xlcpb.cost_per_second(0.5, 2.5), "devices", "whole number"),
    (lambda: xlcpb.cost_per_second(-0.5), "price_per_hour", "negative"),
    (lambda: xlcpb.image_bytes(10, 10, 2.5), "channels", "whole number"),
    (lambda: xlcpb.text_bytes([1, 2, -3]), "tokens (item 3 of 3)", "greater than zero"),
    (lambda: xlcpb.flops_per_token(["a"]), "params", "numbers only"),
])
def test_bad_inputs_name_argument_value_and_fix(call, argument, words):
    with pytest.raises(CPBError) as caught:
        call()
    message = str(caught.value)
    assert message.startswith(argument + " = ")
    assert words in message
    assert caught.value.fix  # always says what to do


def test_unit_slip_message_says_what_was_meant():
    with pytest.raises(CPBError, match=r"65e12"):
        xlcpb.time_per_byte(7.5e8, 65)


def test_overflow_is_refused_not_returned_as_infinity():
    with pytest.raises(CPBError, match="too large to represent"):
        xlcpb.image_bytes(1e308, 1e308)
    with pytest.raises(CPBError, match=r"result \(item 2 of 2\)"):
        xlcpb.text_bytes([1.0, 1e308], 1e10)


def test_shares_and_efficiencies_above_one_are_refused():
    from xlcpb.engine import budget, llm
    with pytest.raises(CPBError, match="acceptance_rate .* exceeds 1"):
        budget.generated_units([[1.0]], [1.5])
    with pytest.raises(CPBError, match="decline_per_year .* is 100% or more"):
        budget.decline_factor([1.0], 3)
    assert budget.decline_factor([0.0], 2).tolist() == [[1.0, 1.0]]  # no decline is fine
    with pytest.raises(CPBError, match="compute_efficiency = 1.2: exceeds 1"):
        llm.roofline_seconds(1, 1, 1, 1, 1.2, 0.5)
