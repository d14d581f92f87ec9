"""Every Excel function fed hostile cells and ranges: an Excel error or a finite number, always."""

import math

import pytest
import xlwings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from xlwings.server import custom_functions_meta

import xlcpb.udfs as udfs
from excel_calls import excel

ERROR_TYPES = {"Value", "Num", "NotAvailable", "Div0", "Null", "Ref", "Name"}
ERROR_CELLS = [{"type": "Error", "basicValue": code, "errorType": kind} for code, kind in
               (("#N/A", "NotAvailable"), ("#VALUE!", "Value"), ("#DIV/0!", "Div0"),
                ("#REF!", "Ref"))]

cells = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**20, 10**20), st.none(),
    st.booleans(), st.sampled_from(ERROR_CELLS),
    st.sampled_from(["1,000", "$2.50", "65e12", "1,5", "", " ", "=1+1", "@SUM(A1)", "T4",
                     "H100 SXM", "A100", "fp8", "memory_bytes", "aws", "on-demand", "-0",
                     "%", "1e999", "NaN", "inf", "+1", "TRUE"]),
    st.text(max_size=12),
)


@st.composite
def argument(draw):
    if draw(st.booleans()):
        return [[draw(cells)]]
    rows, columns = draw(st.integers(1, 4)), draw(st.integers(1, 3))
    return [[draw(cells) for _ in range(columns)] for _ in range(rows)]


FUNCTIONS = {f["id"].lower(): len(f["parameters"])
             for f in custom_functions_meta(udfs)["functions"]}


def check(result):
    assert isinstance(result, list)
    for row in result:
        for value in row:
            if isinstance(value, dict):
                assert value["type"] == "Error" and value["errorType"] in ERROR_TYPES
            elif isinstance(value, float):
                assert math.isfinite(value)
            else:
                # text results come only from CPB_HW's text fields and CPB_VERSION
                assert isinstance(value, (str, int)), value
                assert not (isinstance(value, str) and value.startswith(("Traceback", "=")))


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_hostile_inputs_give_excel_errors_or_numbers(name, data):
    args = [data.draw(argument()) for _ in range(FUNCTIONS[name])]
    try:
        result = excel(udfs, name, *args)
    except xlwings.XlwingsError as error:
        assert str(error).startswith("#") and "Traceback" not in str(error)
        return
    check(result)
