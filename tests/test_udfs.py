"""The CPB_* Excel functions, driven through xlwings' own Office.js call path."""

import inspect

import numpy as np
import pytest
import xlwings
from xlwings.server import custom_functions_meta

import xlcpb
import xlcpb.udfs as udfs
from xlcpb.estimators.case_studies import case_studies
from excel_calls import NA, NA_ERROR, NUM_ERROR, VALUE_ERROR, excel, scalar

# The contract: names and argument order (optional arguments last).
CONTRACT = {
    "CPB_FLOPS_PER_BYTE": ["total_flops", "size_bytes"],
    "CPB_TBYTE": ["flops_per_byte", "hardware", "precision"],
    "CPB_COST": ["t_byte_s", "cost_per_s", "size_bytes"],
    "CPB_COST_PER_SECOND": ["price_per_hour", "devices"],
    "CPB_TIME": ["t_byte_s", "size_bytes"],
    "CPB_BYTES_TEXT": ["tokens", "bytes_per_token"],
    "CPB_BYTES_IMAGE": ["width_px", "height_px", "channels", "bits_per_channel", "images"],
    "CPB_BYTES_AUDIO": ["seconds", "sample_rate_hz", "bits_per_sample", "channels"],
    "CPB_BYTES_VIDEO": ["seconds", "fps", "width_px", "height_px", "channels",
                        "bits_per_channel"],
    "CPB_FLOPS_PER_TOKEN": ["params", "n_layer", "n_ctx", "d_model"],
    "CPB_HW": ["hardware", "field"],
    "CPB_PRICE": ["hardware", "provider", "pricing_model", "region"],
    "CPB_VERSION": [],
}
OPTIONAL = {"precision", "devices", "bytes_per_token", "channels", "bits_per_channel",
            "bits_per_sample", "images", "n_layer", "n_ctx", "d_model", "provider",
            "pricing_model", "region"}


def test_meta_lists_every_function_with_argument_help():
    meta = {f["name"]: f for f in custom_functions_meta(udfs)["functions"]}
    for name, arguments in CONTRACT.items():
        function = meta[name]
        assert function["description"] and len(function["description"]) < 160
        assert [p["name"] for p in function["parameters"]] == arguments
        for parameter in function["parameters"]:
            assert not parameter["description"].startswith("Positional argument"), name
            assert parameter.get("optional", False) == (parameter["name"] in OPTIONAL), \
                (name, parameter["name"])
    exported = {name.upper() for name in udfs.__all__}
    assert exported == set(meta)


def test_text_case_study_only_with_cpb_calls():
    S = scalar(udfs, "cpb_bytes_text", 1000, None)
    f_total = scalar(udfs, "cpb_total_flops", scalar(udfs, "cpb_flops_per_token", 1.5e9), 1000)
    f_byte = scalar(udfs, "cpb_flops_per_byte", f_total, S)
    t_byte = scalar(udfs, "cpb_tbyte", f_byte, 65e12, None)
    rate = scalar(udfs, "cpb_cost_per_second", 0.50, None)
    t = scalar(udfs, "cpb_time", t_byte, S)
    cost = scalar(udfs, "cpb_cost", t_byte, rate, S)
    paper = case_studies()[0].estimate
    assert (S, f_byte, t_byte, t, rate, cost) == (
        paper.size_bytes, paper.flops_per_byte, paper.t_byte_s, paper.generation_s,
        paper.cost_per_s, paper.cost)
    assert f"{cost:.3g}" == "6.41e-06" and f"{t:.4g}" == "0.04615"


def test_text_case_with_hardware_name_uses_the_sheet():
    # the sheet's T4 fp16 figure is the paper's 65 TFLOP/s
    assert scalar(udfs, "cpb_tbyte", 7.5e8, "Tesla T4", None) == 7.5e8 / 65e12


def test_audio_case_study_only_with_cpb_calls():
    S = scalar(udfs, "cpb_bytes_audio", 60, 24000, None, None)
    samples = scalar(udfs, "cpb_samples", 60, 24000)
    f_byte = scalar(udfs, "cpb_flops_per_byte", scalar(udfs, "cpb_total_flops", 1e9, samples), S)
    t_byte = scalar(udfs, "cpb_tbyte", f_byte, 125e12, None)
    cost = scalar(udfs, "cpb_cost", t_byte, scalar(udfs, "cpb_cost_per_second", 2.5, 1), S)
    assert (S, f_byte, t_byte) == (2_880_000, 5e8, 4e-6)
    assert scalar(udfs, "cpb_time", t_byte, S) == pytest.approx(11.52, rel=1e-12)
    assert cost == pytest.approx(0.008, rel=1e-12)


def test_video_case_study_only_with_cpb_calls():
    S = scalar(udfs, "cpb_bytes_video", 60, 30, 256, 256, None, None)
    f_total = scalar(udfs, "cpb_total_flops", 1e15, scalar(udfs, "cpb_frames", 60, 30))
    f_byte = scalar(udfs, "cpb_flops_per_byte", f_total, S)
    t_byte = scalar(udfs, "cpb_tbyte", f_byte, scalar(udfs, "cpb_hardware_flops", 125e12, 10),
                    None)
    cost = scalar(udfs, "cpb_cost", t_byte, scalar(udfs, "cpb_cost_per_second", 2.5, 10), S)
    assert S == 353_894_400  # not the paper's 354,418,688
    assert scalar(udfs, "cpb_time", t_byte, S) == pytest.approx(1440, rel=1e-12)
    assert cost == pytest.approx(10.0, rel=1e-12)
    assert scalar(udfs, "cpb_cost_from_flops", f_total, 1.25e15, 25 / 3600) == \
        pytest.approx(cost, rel=1e-12)


def test_python_cli_and_excel_function_agree(capsys):
    import json

    from xlcpb.cli import main
    main(["estimate", "--tokens", "1000", "--params", "1.5e9", "--flops-per-s", "65e12",
          "--price-per-hour", "0.5", "--format", "json"])
    cli = json.loads(capsys.readouterr().out)["cost"]
    python = xlcpb.estimate_content("text", tokens=1000, params=1.5e9,
                                    flops_per_s_per_device=65e12,
                                    price_per_device_hour=0.5).cost
    excel_cost = scalar(udfs, "cpb_cost", 7.5e8 / 65e12, 0.5 / 3600, 4000)
    assert cli == python == pytest.approx(excel_cost, rel=1e-15)


def test_range_in_array_out_broadcasting():
    column = excel(udfs, "cpb_bytes_text", [[1000], [2000], [3000]], [[4]])
    assert column == [[4000.0], [8000.0], [12000.0]]
    table = excel(udfs, "cpb_cost_per_second", [[0.5], [2.5]], [[1, 8]])
    np.testing.assert_allclose(table, [[0.5 / 3600, 4 / 3600], [2.5 / 3600, 20 / 3600]],
                               rtol=1e-15)
    rows = 100_000
    tokens = [[float(i + 1)] for i in range(rows)]
    result = excel(udfs, "cpb_bytes_text", tokens, [[4]])
    assert len(result) == rows and result[-1] == [rows * 4.0]


def test_cell_kinds_have_defined_behaviour():
    cells = [[1000], ["1,000,000"], ["$2,500.50"], [True], [None], [NA], ["lots"], ["1,5"], [-5],
             [float("nan")], ["1,000"]]
    result = [row[0] for row in excel(udfs, "cpb_bytes_text", cells, [[None]])]
    assert result[:3] == [4000.0, 4000000.0, 10002.0]
    assert result[3] == VALUE_ERROR      # boolean
    assert result[4] == VALUE_ERROR      # empty cell in a required argument
    assert result[5] == NA_ERROR         # an input error propagates unchanged
    assert result[6] == VALUE_ERROR      # text that is not a number
    assert result[7] == VALUE_ERROR      # ambiguous decimal comma
    assert result[8] == NUM_ERROR        # negative tokens: out of range
    assert result[9] == NUM_ERROR        # NaN is refused by the engine
    assert result[10] == VALUE_ERROR     # 1000 in English, 1 in German: ambiguous


def test_empty_optional_takes_default_and_empty_required_is_an_error():
    assert scalar(udfs, "cpb_bytes_image", 10, 10, None, None) == 300.0
    assert excel(udfs, "cpb_bytes_image", [[None, 1]], 10, None, None) == [[VALUE_ERROR, 30.0]]
    with pytest.raises(xlwings.XlwingsError, match="#VALUE! width_px is empty"):
        excel(udfs, "cpb_bytes_image", None, 10, None, None)


def test_single_cell_errors_raise_with_the_message():
    with pytest.raises(xlwings.XlwingsError, match=r"#NUM! flops_per_s = 65.0: .*65e12"):
        excel(udfs, "cpb_tbyte", 7.5e8, 65, None)
    with pytest.raises(xlwings.XlwingsError, match="#N/A hardware = 'A100' is not a full hardware name; it fits 4"):
        excel(udfs, "cpb_tbyte", 7.5e8, "A100", None)
    with pytest.raises(xlwings.XlwingsError, match="ranges of different shapes"):
        excel(udfs, "cpb_cost", [[1], [2], [3]], [[1], [2]], 1)
    with pytest.raises(xlwings.XlwingsError, match="precision must be a single cell"):
        excel(udfs, "cpb_tbyte", 7.5e8, "T4", [["fp16", "bf16"]])


def test_ambiguous_text_number_says_how_to_settle_it_in_excel_not_on_the_command_line():
    # "2,40" in a cell formatted as text: 2.4 in Germany, refused rather than guessed
    with pytest.raises(xlwings.XlwingsError, match=r"#VALUE! price_per_hour = '2,40': "
                                                   r"ambiguous.*Enter it as a number") as raised:
        excel(udfs, "cpb_cost_per_second", "2,40", None)
    assert "--locale" not in str(raised.value)


def test_one_bad_row_in_a_big_range_is_isolated():
    sizes = [[4000.0]] * 1000
    sizes[617] = [0.0]
    result = excel(udfs, "cpb_flops_per_byte", 3e12, sizes)
    errors = [i for i, row in enumerate(result) if isinstance(row[0], dict)]
    assert errors == [617] and result[617][0] == NUM_ERROR
    assert result[0][0] == 7.5e8


def test_sheet_functions():
    assert scalar(udfs, "cpb_hw", "H100 SXM", "memory_bandwidth_bytes_per_s") == 3.35e12
    assert scalar(udfs, "cpb_hw", "h100-sxm5-80gb", "notes").startswith("Datasheet")
    table = excel(udfs, "cpb_hw", [["T4"], ["L4"]], [["memory_bytes", "fp8"]])
    assert table == [[16e9, NA_ERROR], [24e9, 242.5e12]]  # T4 has no fp8: #N/A
    assert scalar(udfs, "cpb_price", "H100 SXM", None, None, None) == 2.4024  # the sheet's lowest H100 SXM on-demand: Vast.ai median, 2026-10-19
    # datareceipts hyperscalers.json (2026-11-09): p4d.24xlarge usd_per_gpu_hour 2.7447
    assert scalar(udfs, "cpb_price", "A100 SXM4 40GB", "aws", "on-demand", "us-east-1") == \
        pytest.approx(2.7447)
    with pytest.raises(xlwings.XlwingsError, match="#N/A .*no price with"):
        excel(udfs, "cpb_price", "T4", "azure", None, None)  # T4: no Azure row
    version = scalar(udfs, "cpb_version")
    assert version.startswith(f"xlcpb {xlcpb.__version__}; sheet bundled-")


def test_classic_runtime_shows_unmistakable_text(monkeypatch):
    monkeypatch.setenv("XLWINGS_ON_SERVER", "false")
    text = udfs.cpb_tbyte(7.5e8, 65)
    assert text.startswith("#NUM! flops_per_s = 65") and "65e12" in text
    column = udfs.cpb_bytes_text([[10], ["x"]])
    assert column[0] == [40.0] and column[1][0].startswith("#VALUE! tokens = 'x'")


def test_no_arithmetic_in_the_udf_layer():
    """Adapters translate and validate: no arithmetic operator on numbers in udfs.py."""
    import ast

    arithmetic = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow)
    tree = ast.parse(inspect.getsource(udfs))
    found = [ast.unparse(node) for node in ast.walk(tree)
             if isinstance(node, ast.BinOp) and isinstance(node.op, arithmetic)
             and not any(isinstance(side, (ast.JoinedStr, ast.Constant)) and
                         isinstance(getattr(side, "value", ""), str)
                         for side in (node.left, node.right))]
    assert found == []


def test_excel_results_never_hold_nan_or_python_text():
    values = [[1.0], [1e308], [0.0]]
    result = excel(udfs, "cpb_bytes_image", values, [[1e308]], None, None)
    assert result[1][0] == NUM_ERROR and result[2][0] == NUM_ERROR
    assert all(not (isinstance(v, float) and np.isnan(v)) for row in result for v in row)


def test_price_info_tells_where_the_chosen_price_comes_from():
    import datetime as dt

    from xlcpb.data.sheet import load_bundled
    row = load_bundled().price("H100 SXM")  # the row CPB_PRICE picks: the lowest on-demand
    assert scalar(udfs, "cpb_price", "H100 SXM") == row["price_per_device_hour"]
    assert scalar(udfs, "cpb_price_info", "H100 SXM", "effective_date") == row["effective_date"]
    assert scalar(udfs, "cpb_price_info", "H100 SXM", "source_url") == row["source_url"]
    observed = dt.date.fromisoformat(row["effective_date"])
    assert scalar(udfs, "cpb_price_info", "H100 SXM", "age_days") == \
        (dt.date.today() - observed).days
    with pytest.raises(xlwings.XlwingsError, match="field = 'colour'"):
        scalar(udfs, "cpb_price_info", "H100 SXM", "colour")


def test_a_new_sheet_version_is_never_answered_from_an_earlier_one(tmp_path, monkeypatch):
    """Single-cell LLM estimates are kept per input (recalculation repeats them); a new
    version of the user's sheet must still change the answer at once."""
    from xlcpb.data.sheet import load_bundled
    from xlcpb.data.store import SheetStore
    monkeypatch.setenv("XLCPB_HOME", str(tmp_path))
    before = scalar(udfs, "cpb_llm_tpot", "Llama-3.1-8B", "H100 SXM")
    assert scalar(udfs, "cpb_llm_tpot", "Llama-3.1-8B", "H100 SXM") == before
    h100 = dict(load_bundled().hardware("H100 SXM"))
    h100.pop("origin")
    h100["memory_bandwidth_bytes_per_s"] /= 2  # a user's slower H100: decode is memory-bound
    SheetStore(tmp_path).write({"hardware": [h100]}, "slower H100",
                               bundled=load_bundled().tables)
    after = scalar(udfs, "cpb_llm_tpot", "Llama-3.1-8B", "H100 SXM")
    assert after > 1.5 * before  # batch-1 decode reads the weights: about twice as long
