"""One number policy: the same text gives the same number, or the same refusal, typed on the
command line, into an Excel cell, into a budget plan, or found in an imported price list."""

import pytest
import xlwings
from hypothesis import given
from hypothesis import strategies as st

from xlcpb import udfs
from xlcpb.cli import build_parser, main
from xlcpb.cli.options import resolve_numbers
from xlcpb.data.number_text import parse_number
from xlcpb.data.plan import parse_plan_text
from xlcpb.data.sheet import load_bundled
from xlcpb.errors import CPBError
from xlcpb.importers.run import read_file
from excel_calls import scalar

REFUSED = None
# text: {locale: the value a person means, worked out by hand; REFUSED where two readings
# exist (1,500 is 1500 in English and 1.5 in German) or none does}
CASES = {
    "1,5": {None: REFUSED, "en": REFUSED, "de": 1.5, "fr": 1.5},
    "1.5": {None: 1.5, "en": 1.5, "de": REFUSED, "fr": REFUSED},
    "2.000.000": {None: REFUSED, "en": REFUSED, "de": 2_000_000.0, "fr": 2_000_000.0},
    "2,000,000": {None: 2_000_000.0, "en": 2_000_000.0, "de": REFUSED, "fr": REFUSED},
    "1,500": {None: REFUSED, "en": 1500.0, "de": 1.5, "fr": 1.5},
    "1.500": {None: REFUSED, "en": 1.5, "de": 1500.0, "fr": 1500.0},
    "$1,200.50": {None: 1200.5, "en": 1200.5, "de": REFUSED, "fr": REFUSED},
    "1.234,56 €": {None: REFUSED, "en": REFUSED, "de": 1234.56, "fr": 1234.56},
    "1 234,56": {None: REFUSED, "en": REFUSED, "de": 1234.56, "fr": 1234.56},
    "5%": {None: 0.05, "en": 0.05, "de": 0.05, "fr": 0.05},
    "0.50": {None: 0.5, "en": 0.5, "de": REFUSED, "fr": REFUSED},
    "65e3": {None: 65e3, "en": 65e3, "de": 65e3, "fr": 65e3},
    "6.5e2": {None: 650.0, "en": 650.0, "de": REFUSED, "fr": REFUSED},
    "6,5e2": {None: REFUSED, "en": REFUSED, "de": 650.0, "fr": 650.0},
    "cheap": {None: REFUSED, "en": REFUSED, "de": REFUSED, "fr": REFUSED},
    "1e400": {None: REFUSED, "en": REFUSED, "de": REFUSED, "fr": REFUSED},
}
PAIRS = [(text, locale) for text, by_locale in CASES.items() for locale in by_locale]


def from_cli(text, locale):
    parser = build_parser("estimate")
    args = parser.parse_args(["estimate", "--tokens", "1", "--price-per-hour", text]
                            + (["--locale", locale] if locale else []))
    resolve_numbers(parser, args)
    return args.price_per_hour


def from_plan(text, locale):
    plan = parse_plan_text("name,modality,hardware,flops_per_unit,monthly_volume\n"
                           f'chat,text,T4,1e9,"{text}"\n', "plan", locale=locale)
    return plan[0]["monthly_volume"]


def from_import(text, locale, tmp_path):
    path = tmp_path / "prices.csv"
    # large amounts as a monthly price of an 8-GPU server, so that each is a plausible price
    monthly = (CASES[text][locale] or 0) > 100
    path.write_text("provider,gpu,gpus,unit,price\n"
                    f'acme,H100 SXM,{8 if monthly else 1},{"month" if monthly else "hour"},'
                    f'"{text}"\n', encoding="utf-8")
    report = read_file(path, "generic", load_bundled(), {"locale": locale,
                                                         "currency": "USD"})
    (row,) = report.accepted["prices"]
    return row["price_per_device_hour"] * (730 * 8 if monthly else 1)


def from_excel(text):
    """CPB_COST_PER_SECOND(text) x 3600: the price Excel read (one device)."""
    return scalar(udfs, "cpb_cost_per_second", text) * 3600


@pytest.mark.parametrize("text,locale", PAIRS)
def test_cli_plan_and_import_agree(text, locale, tmp_path):
    expected = CASES[text][locale]
    for read in (lambda: from_cli(text, locale), lambda: from_plan(text, locale),
                 lambda: from_import(text, locale, tmp_path)):
        if expected is REFUSED:
            with pytest.raises(CPBError):
                read()
        else:
            assert read() == pytest.approx(expected, rel=1e-15)


@pytest.mark.parametrize("text", list(CASES))
def test_excel_agrees_with_the_neutral_policy(text):
    expected = CASES[text][None]  # Excel does not tell xlwings its locale: neutral rules
    if expected is REFUSED:
        with pytest.raises(xlwings.XlwingsError, match="#VALUE!"):
            from_excel(text)
    else:
        assert from_excel(text) == pytest.approx(expected, rel=1e-12)


def test_the_cli_error_names_the_option_and_the_fix(capsys):
    assert main(["estimate", "--tokens", "1000", "--params", "15e8", "--flops-per-s", "65e12",
                 "--price-per-hour", "1,5"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert "--price-per-hour = '1,5': ambiguous" in error and "--locale" in error
    assert main(["estimate", "--tokens", "1000", "--params", "1,5e9", "--flops-per-s", "65e12",
                 "--price-per-hour", "1,5", "--locale", "de", "--format", "json"]) == 0


@given(st.floats(min_value=0, max_value=1e15, allow_nan=False),
       st.sampled_from([None, "en", "de", "fr"]))
def test_a_number_written_by_python_reads_back_in_every_locale(value, locale):
    text = repr(value)
    if locale in ("de", "fr") and "." in text:
        text = text.replace(".", ",")  # how a German or French user writes the same number
    if locale is not None:  # with the locale given, every such text reads back exactly
        assert parse_number(text, locale) == value
        return
    try:
        assert parse_number(text, locale) == value
    except CPBError as error:  # neutral: 1.234 is also German 1234, so refused, never misread
        assert "ambiguous" in str(error)


@given(st.integers(min_value=1000, max_value=10**12), st.sampled_from(["en", "de"]))
def test_thousands_separators_never_change_the_value(value, locale):
    grouped = f"{value:,}" if locale == "en" else f"{value:,}".replace(",", ".")
    assert parse_number(grouped, locale) == value


def test_a_plan_written_the_german_way_gives_the_same_budget(tmp_path, monkeypatch, capsys):
    """The example plan, every number rewritten as a German Excel shows it (2.000.000, 0,05,
    3,99), budgets to exactly what the original gives - with --locale de - and is refused,
    naming the cells, without it."""
    import csv
    import io
    monkeypatch.setenv("XLCPB_HOME", str(tmp_path / "home"))
    plan = tmp_path / "plan.csv"
    assert main(["budget", "--example", "--plan-out", str(plan)]) == 0
    capsys.readouterr()
    rows = list(csv.reader(io.StringIO(plan.read_text(encoding="utf-8"))))

    def german(cell):
        try:
            value = float(cell)
        except ValueError:
            return cell
        if value.is_integer():
            return f"{int(value):,}".replace(",", ".")
        return repr(value).replace(".", ",")
    german_plan = tmp_path / "plan_de.csv"
    with open(german_plan, "w", newline="", encoding="utf-8") as stream:
        csv.writer(stream).writerows([rows[0]] + [[german(c) for c in r] for r in rows[1:]])
    assert "2.000.000" in german_plan.read_text(encoding="utf-8")
    assert main(["budget", str(plan), "--format", "json"]) == 0
    english = capsys.readouterr().out
    assert main(["budget", str(german_plan), "--locale", "de", "--format", "json"]) == 0
    assert capsys.readouterr().out == english
    assert main(["budget", str(german_plan), "--format", "json"]) == 2
    assert "'2.000.000' ambiguous" in capsys.readouterr().err
