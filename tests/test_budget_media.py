"""Budgets whose image, audio and video workloads name a media model (issue 15): the media
estimators time them, the CLI, the Python API and the workbook agree, and the published
workbook recalculates in LibreOffice and Gnumeric, guarding the frozen media calls."""

import json
import math

import openpyxl
import pytest

from xlcpb import CPBError
from xlcpb.cli import main
from xlcpb.data.plan import parse_plan_text, read_plan
from xlcpb.estimators.budget import prepare
from xlcpb.estimators.media import estimate_image, estimate_speech, estimate_video
from xlcpb.workbook.budget.layout import workload_column
from xlcpb.workbook.publish import publish
from gnumeric import gnumeric
from libreoffice import calc

HEADER = ("name,modality,model,flops_per_unit,hardware,precision,devices,batch,monthly_volume,"
          "acceptance_rate,utilisation,share_on_demand,price_on_demand,width_px,height_px,"
          "clip_seconds,fps,steps\n")
# an image, a video and a speech workload named by model; prices given, so the sheet's
# prices cannot move the expectations
PLAN = HEADER + (
    "Banners,image,SDXL,,L4,fp16,1,2,3000000,1,0.6,1,0.80,1024,1024,,,30\n"
    "Teasers,video,Wan2.1-1.3B,,H100 SXM,,,,8000,0.5,0.7,1,3.00,832,480,5,16,\n"
    "Narration,audio,F5-TTS,,L4,,,,400000,1,0.5,1,0.80,,,,,\n")
MONTHS, HOURS = 3, 730.0


def _device_seconds_by_hand():
    """Device-seconds per unit of each workload from the estimators, by the budget's units:
    an image on one L4 at batch 2 (a batch of two takes seconds_per_unit, so each image half
    of it); a video minute = 60 / 5 five-second clips; an audio minute = one 60-s clip (the
    default clip_seconds of budget_defaults.toml)."""
    image = estimate_image("SDXL", "L4", 1024, 1024, 30, "fp16", devices=1, batch=2)
    video = estimate_video("Wan2.1-1.3B", "H100 SXM", 5, 832, 480, 16, precision="bf16")
    speech = estimate_speech("F5-TTS", "L4", 60, precision="bf16")
    assert video.steps == 50 and speech.steps == 32  # the catalog's own steps
    return [image.seconds_per_unit / 2, video.seconds_per_unit * 60 / 5,
            speech.seconds_per_unit]


def _total_by_hand():
    """Whole devices each month: ceil(volume / acceptance x device-s / 3600 / (730 h x
    utilisation)), each billed 730 h at its price (no growth, no price decline here)."""
    volumes, acceptance, utilisation = [3000000, 8000, 400000], [1, 0.5, 1], [0.6, 0.7, 0.5]
    prices = [0.80, 3.00, 0.80]
    total, fleet = 0.0, []
    for seconds, volume, accepted, use, price in zip(_device_seconds_by_hand(), volumes,
                                                     acceptance, utilisation, prices):
        devices = math.ceil(volume / accepted * seconds / 3600 / (HOURS * use))
        total += MONTHS * devices * HOURS * price
        fleet.append(devices)
    assert fleet == [16, 8, 3]  # 15.1, 7.8 and 2.96 devices' worth of work
    return total


@pytest.fixture(scope="module")
def plan_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("media") / "plan.csv"
    path.write_text(PLAN, "utf-8")
    return path


def test_the_budget_prices_media_models_as_the_estimators_do(plan_file, capsys):
    prepared = prepare(parse_plan_text(PLAN, "plan"))
    assert prepared.device_seconds_per_unit.tolist() == pytest.approx(
        _device_seconds_by_hand(), rel=1e-12)
    assert main(["budget", str(plan_file), "--months", str(MONTHS), "--hardware-decline", "0",
                 "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["total"] == pytest.approx(_total_by_hand(), rel=1e-12)
    assert [row["unit"] for row in document["workloads"]] == ["image", "video minute",
                                                               "audio minute"]
    # the budget says which efficiency and utilisation each workload is timed at
    narration = document["device_time"][2]
    assert "F5-TTS" in narration and "diffusers profile" in narration
    assert "utilisation 50%" in narration and "60-s clip" in narration


def _published(plan_file, folder):
    built, published = folder / "budget.xlsx", folder / "published.xlsx"
    assert main(["budget", str(plan_file), "--months", str(MONTHS), "--hardware-decline", "0",
                 "-o", str(built), "--format", "json"]) == 0
    report = publish(built, published)
    return built, published, report


def test_the_workbook_calls_the_media_functions_and_recalculates(plan_file, tmp_path, capsys):
    built, published, report = _published(plan_file, tmp_path)
    expected = json.loads(capsys.readouterr().out)["total"]
    calculations = openpyxl.load_workbook(built)["Calculations"]
    cells = [calculations.cell(row, 3).value for row in range(11, 14)]
    for cell, function in zip(cells, ("CPB_IMAGE_SECONDS(", "CPB_VIDEO_SECONDS(",
                                      "CPB_SPEECH_SECONDS(")):
        assert function in cell
    # publish freezes each call to the estimator's value and guards it on every input
    frozen = {item.function: item for item in report.guarded}
    seconds = _device_seconds_by_hand()
    assert frozen["CPB_IMAGE_SECONDS"].value / 2 == pytest.approx(seconds[0], rel=1e-12)
    columns = {"model", "hardware", "precision", "batch", "devices", "steps"}
    sizes = {"CPB_IMAGE_SECONDS": ("width_px", "height_px"),
             "CPB_VIDEO_SECONDS": ("width_px", "height_px", "clip_seconds", "fps"),
             "CPB_SPEECH_SECONDS": ("clip_seconds",)}
    for function, row in (("CPB_IMAGE_SECONDS", 5), ("CPB_VIDEO_SECONDS", 6),
                          ("CPB_SPEECH_SECONDS", 7)):
        guarded = {reference for reference, _ in frozen[function].inputs}
        for column in columns | set(sizes[function]):
            assert f"Workloads!${workload_column(column)}{row}" in guarded, (function, column)
    for engine in (calc([published], recalc=True)[published],
                   gnumeric([published])[published]):
        assert engine["loaded"] and engine["errors"] == [], engine["errors"][:3]
        assert engine["names"]["TotalBudget"] == pytest.approx(expected, rel=1e-6)
        assert engine["names"]["TotalBudget"] == pytest.approx(_total_by_hand(), rel=1e-6)
        assert engine["names"]["AllChecksPass"] in (1.0, True)
        shown = [row[2] for row in engine["sheets"]["Calculations"][10:13]]
        assert shown == pytest.approx(seconds, rel=1e-9)  # the device-seconds per unit


def _guard_rows(shown):
    return {row[0].split(" ")[1].strip("()"): row[1] for row in shown["sheets"]["Checks"]
            if row and isinstance(row[0], str) and row[0].endswith("still matches its inputs")}


def test_editing_a_media_input_turns_its_guard_false(plan_file, tmp_path):
    _, published, _ = _published(plan_file, tmp_path)
    edits = [f"Workloads!{workload_column('width_px')}5=512",        # the image's size
             f"Workloads!{workload_column('clip_seconds')}6=10",     # the video's duration
             f"Workloads!{workload_column('model')}7=XTTS-v2"]       # the speech model
    for edit, function in zip(edits, ("CPB_IMAGE_SECONDS", "CPB_VIDEO_SECONDS",
                                      "CPB_SPEECH_SECONDS")):
        shown = calc([published], recalc=True, assignments=[edit])[published]
        guards = _guard_rows(shown)
        assert guards[function] in (0.0, False), (edit, guards)
        assert [value for name, value in guards.items() if name != function] == [1.0, 1.0]
        assert shown["names"]["AllChecksPass"] in (0.0, False)
        banner = [cell for cell in shown["sheets"]["Outputs"][1] if cell]
        assert banner and banner[0].startswith("STALE: an input of a value frozen")


GERMAN = ("name;modality;model;flops_per_unit;hardware;precision;devices;batch;monthly_volume;"
          "acceptance_rate;utilisation;share_on_demand;price_on_demand;width_px;height_px;"
          "clip_seconds;fps;steps\n"
          "Banners;image;SDXL;;L4;fp16;1;2;3.000.000;1;0,6;1;0,80;1.024;1.024;;;30\n"
          "Teasers;video;Wan2.1-1.3B;;H100 SXM;;;;8.000;0,5;0,7;1;3,00;832;480;5;16;\n"
          "Narration;audio;F5-TTS;;L4;;;;400.000;1;0,5;1;0,80;;;;;\n")


def test_a_german_excel_plan_with_media_columns_parses(tmp_path):
    path = tmp_path / "plan.csv"
    path.write_bytes(GERMAN.encode("cp1252"))
    german = read_plan(path, "de")
    assert german == parse_plan_text(PLAN, "plan")
    assert german[0]["width_px"] == 1024 and german[1]["clip_seconds"] == 5
    assert prepare(german).device_seconds_per_unit.tolist() == pytest.approx(
        _device_seconds_by_hand(), rel=1e-12)


ROW = HEADER.rstrip("\n").count(",")


@pytest.mark.parametrize("row, words", [
    # a size a FLOPs-priced workload cannot use is refused, never ignored
    ("v,audio,,1.44e15,L4,,,,10,,,,,,,30,,", "'v': clip_seconds = 30.0: only an image, audio "
                                             "or video workload that names a media model"),
    ("v,audio,F5-TTS,,L4,,,,10,,,,,1024,,,,", "'v': width_px = 1024: audio has no width_px"),
    ("i,image,SDXL,,L4,,,,10,,,,,,,5,,", "'i': clip_seconds = 5.0: image has no clip_seconds"),
    ("c,text,Llama-3.1-8B,,L4,,,,10,,,,,,,,,20", "'c': steps = 20: only an image"),
    ("x,audio,XTTS-v2,,L4,,,,10,,,,,,,,,20", "'x': steps = 20: XTTS-v2 has no denoising "
                                             "steps"),
    ("w,video,Wan2.1-14B,1e18,H100 SXM,,,,10,,,,,,,,,", "'w': flops_per_unit = 1e\\+18: and "
                                                        "model = 'Wan2.1-14B': give one"),
])
def test_media_plan_errors_name_the_workload_column_and_value(row, words):
    assert row.count(",") == ROW
    with pytest.raises(CPBError, match=words):
        prepare(parse_plan_text(HEADER + row + "\n", "plan"))


def test_the_example_budgets_images_speech_and_video_by_model(capsys):
    """The example plan's first month, by hand from the estimators and the sheet's prices:
    its media workloads name SDXL, F5-TTS and Wan2.1-14B (xlcpb/templates/fleet_budget.toml)."""
    from xlcpb.data.sheet import load_bundled
    sheet = load_bundled()
    price = lambda chip, model: sheet.price(chip, pricing_model=model)[  # noqa: E731
        "price_per_device_hour"]
    image = estimate_image("SDXL", "L4", 1024, 1024, 30).seconds_per_unit
    speech = estimate_speech("F5-TTS", "L4", 60).seconds_per_unit
    clip = estimate_video("Wan2.1-14B", "H100 SXM", 5, 1280, 720, 16).seconds_per_unit
    # 100,000 images x ~8 s = ~230 h: one L4 at 60% of 730 h; 20,000 narration minutes,
    # one 60-s clip each, ~54 h: one L4; 500 accepted video minutes at 1 in 5 = 2,500
    # minutes of 12 five-second clips, ~30 min each: ~14,700 h = 33.5 -> 34 H100s
    devices = [math.ceil(volume * seconds / 3600 / (730 * 0.6)) for volume, seconds in
               ((100000, image), (20000, speech), (500 / 0.2 * 12, clip))]
    assert devices == [1, 1, 34]
    l4 = 0.3 * price("L4", "on-demand") + 0.7 * price("L4", "spot")
    h100 = 0.2 * 3.99 + 0.8 * price("H100 SXM", "spot")
    assert main(["budget", "--example", "--months", "1", "--format", "json"]) == 0
    rows = {row["workload"]: row for row in json.loads(capsys.readouterr().out)["workloads"]}
    for name, count, blended in (("Product images", 1, l4), ("Voice narration", 1, l4),
                                 ("Product videos", 34, h100)):
        assert rows[name]["devices, first month"] == count
        assert rows[name]["total cost"] == pytest.approx(count * 730 * blended, rel=1e-12)
    # dall-e-3 at $0.04 an image (the sheet's api_prices row): 100,000 images, $4,000
    assert rows["Product images"]["API alternative"] == pytest.approx(4000.0, rel=1e-12)
    assert rows["Product images"]["unit"] == "image"
    assert rows["Voice narration"]["unit"] == "audio minute"


def test_estimate_and_the_budget_state_their_assumptions_and_agree_on_them(capsys):
    """Issue 15: `xlcpb estimate` (100% of peak and 100% utilisation unless told) and the
    budget (a FLOPs row at the calibrated efficiency, the plan's utilisation) say what they
    assume, and given the same assumptions time and price a unit alike."""
    efficiency = 0.46  # the calibrated generic compute efficiency (serving_profiles.toml)
    assert main(["estimate", "--seconds", "60", "--sample-rate", "24000", "--total-flops",
                 "1.44e15", "--hardware", "L4", "--precision", "fp16", "--price-per-hour",
                 "0.39", "--compute-efficiency", str(efficiency), "--utilisation", "0.6"]) == 0
    assert "at 46% of peak FLOP/s and 60% utilisation" in capsys.readouterr().out
    assert main(["estimate", "--seconds", "60", "--sample-rate", "24000", "--total-flops",
                 "1.44e15", "--hardware", "L4", "--precision", "fp16", "--price-per-hour",
                 "0.39", "--compute-efficiency", str(efficiency), "--utilisation", "0.6",
                 "--format", "json"]) == 0
    estimate = json.loads(capsys.readouterr().out)
    prepared = prepare(parse_plan_text(HEADER + "v,audio,,1.44e15,L4,fp16,1,,100,1,0.6,1,"
                                                "0.39,,,,,\n", "plan"))
    seconds = 1.44e15 / (121e12 * efficiency)  # the L4's 121 TFLOP/s fp16 peak
    assert prepared.device_seconds_per_unit[0] == pytest.approx(seconds, rel=1e-12)
    assert estimate["generation_s"] == pytest.approx(seconds, rel=1e-12)
    # a unit's cost before whole devices: device-seconds x price / 3600 / utilisation
    assert estimate["cost"] == pytest.approx(seconds * 0.39 / 3600 / 0.6, rel=1e-12)
    assert prepared.assumptions == ["v: 1.44e+15 FLOPs per audio minute at 46.0% of L4's "
                                    "fp16 peak (the calibrated generic compute efficiency), "
                                    "utilisation 60%"]


def test_blank_sizes_are_the_models_own_in_the_budget_and_the_workbook(tmp_path, capsys):
    """An autoregressive speech model has no steps (its cell stays blank, and the published
    call takes it so); a video's blank clip is the model's own frames at the row's fps:
    CogVideoX-5B's 49 frames (its model card) at 12 fps, 4.08 s; its 720 x 480 and 50 steps."""
    plan = tmp_path / "plan.csv"
    plan.write_text("name,modality,model,hardware,monthly_volume,clip_seconds,fps\n"
                    "x,audio,XTTS-v2,L4,100000,20,\n"
                    "v,video,CogVideoX-5B,H100 SXM,100,,12\n", "utf-8")
    clip = 49 / 12
    seconds = [estimate_speech("XTTS-v2", "L4", 20).seconds_per_unit * 60 / 20,
               estimate_video("CogVideoX-5B", "H100 SXM", clip, 720, 480, 12,
                              50).seconds_per_unit * 60 / clip]
    prepared = prepare(read_plan(plan))
    assert prepared.device_seconds_per_unit.tolist() == pytest.approx(seconds, rel=1e-12)
    rows = prepared.workloads  # as the workbook shows them
    assert rows[0]["steps"] is None and rows[1]["clip_seconds"] == pytest.approx(clip)
    assert (rows[1]["width_px"], rows[1]["height_px"], rows[1]["steps"]) == (720, 480, 50)
    out, published = tmp_path / "b.xlsx", tmp_path / "p.xlsx"
    assert main(["budget", str(plan), "--months", "6", "-o", str(out), "--format",
                 "json"]) == 0
    total = json.loads(capsys.readouterr().out)["total"]
    publish(out, published)
    shown = calc([published], recalc=True)[published]
    assert shown["errors"] == [] and shown["names"]["AllChecksPass"] in (1.0, True)
    assert shown["names"]["TotalBudget"] == pytest.approx(total, rel=1e-9)
    assert [row[2] for row in shown["sheets"]["Calculations"][10:12]] == pytest.approx(
        seconds, rel=1e-9)
