"""Every chip the bundled sheet prices can be used in `xlcpb estimate`, `xlcpb llm` and a
budget plan (issue 17): no chip may have a price but no peaks."""

import json

import pytest

from xlcpb.cli import main
from xlcpb.data.sheet import load_bundled, precisions

PRICED = sorted({row["hardware_id"] for row in load_bundled().tables["prices"]})
PREFERENCE = ("bf16", "fp16", "fp8", "fp32")   # the first precision a chip publishes a peak for


def _precision(chip):
    row = load_bundled().hardware(chip)
    has = [p for p in PREFERENCE if row[precisions()[p]["column"]] is not None]
    assert has, f"{chip} is priced but has no FLOP/s peak"
    return has[0]


def test_the_sheet_prices_many_chips():
    assert len(PRICED) >= 15


@pytest.mark.parametrize("chip", PRICED)
def test_priced_chip_in_estimate_and_llm(chip, capsys):
    precision = _precision(chip)
    assert main(["estimate", "--tokens", "1000", "--params", "1.5e9", "--hardware", chip,
                 "--precision", precision, "--format", "json"]) == 0
    estimate = json.loads(capsys.readouterr().out)
    assert estimate["cost"] > 0
    assert main(["llm", "gpt2-xl", chip, "--precision", precision, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)


def test_every_priced_chip_in_one_budget_plan(tmp_path, capsys):
    header = ("name,modality,model,flops_per_unit,hardware,precision,devices,batch,"
              "input_tokens,output_tokens,monthly_volume")
    lines = [header] + [f"{chip} text,text,gpt2-xl,,{chip},{_precision(chip)},1,8,500,200,1000"
                        for chip in PRICED] + [
        f"{chip} audio,audio,,1.44e15,{chip},{_precision(chip)},1,1,,,100" for chip in PRICED]
    plan = tmp_path / "plan.csv"
    plan.write_text("\n".join(lines) + "\n", "utf-8")
    assert main(["budget", str(plan), "--months", "3", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert len(document["workloads"]) == 2 * len(PRICED) and document["total"] > 0


def test_a10g_tensor_estimate_names_what_is_missing():
    from xlcpb import CPBError
    with pytest.raises(CPBError, match="A10G has no published fp16 peak. Use a precision it "
                                       "has: fp32"):
        load_bundled().flops_per_s("A10G", "fp16")
