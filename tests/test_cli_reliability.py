"""``framing reliability``: the printed report, output files, and clean errors."""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

from framing.cli import main
from framing.reliability import bootstrap_alpha, reliability_report, to_reliability_data

# Krippendorff (2011), section C: 4 observers x 12 units, "." missing; published alphas
# nominal .743, ordinal .815, interval .849, ratio .797.
SECTION_C = ["1 2 3 3 2 1 4 1 2 . . .", "1 2 3 3 2 2 4 1 2 5 . 3",
             ". 3 3 3 2 3 4 2 2 5 1 .", "1 2 3 3 2 4 4 1 2 5 1 ."]
# Krippendorff (2011), section A: two observers, binary; alpha .095.
SECTION_A = ["0 1 0 0 0 0 0 0 1 0", "1 1 1 0 0 1 0 0 0 0"]


@pytest.fixture
def annotations(tmp_path):
    rows = ["unit_id,coder,variable,value"]
    for variable, data in (("stance", SECTION_C), ("gratitude", SECTION_A)):
        for coder, line in zip("ABCD", data, strict=False):
            rows += [f"u{u:02d},{coder},{variable},{v}"
                     for u, v in enumerate(line.split(), 1) if v != "."]
    path = tmp_path / "annotations.csv"
    path.write_text("\n".join(rows) + "\n")
    return path


def _run(*args):
    return CliRunner().invoke(main, ["reliability", *map(str, args)])


def test_prints_the_report_with_intervals(annotations):
    result = _run(annotations, "--level", "stance=ordinal", "--bootstrap", 500, "--seed", 3)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == ("Krippendorff's alpha; 95% intervals from 500 bootstrap resamples "
                        "(pairs, seed 3)")
    assert lines[1].split() == ["variable", "level", "coders", "units", "alpha", "CI",
                                "P(<.667)", "agreement", "prevalence", "verdict"]
    grat, stance = lines[2].split(), lines[3].split()
    assert grat[:5] == ["gratitude", "nominal", "2", "10", "0.095"]
    assert grat[-4:] == ["0.600", "1:", "0.300", "discard"]
    assert stance[:5] == ["stance", "ordinal", "4", "11", "0.815"]
    assert stance[-1] == "reliable"
    table = pd.read_csv(annotations, dtype=str)
    ci = bootstrap_alpha(to_reliability_data(table, "stance"), "ordinal", n_resamples=500,
                         seed=3)
    assert f"[{ci.low:.3f}, {ci.high:.3f}]" in lines[3]


def test_output_table_and_overwrite_protection(annotations, tmp_path):
    out = tmp_path / "report.csv"
    args = (annotations, "--level", "stance=interval", "--bootstrap", 200, "-o", out)
    assert _run(*args).exit_code == 0
    expected = reliability_report(pd.read_csv(annotations, dtype=str),
                                  levels={"stance": "interval"}, n_resamples=200)
    written = pd.read_csv(out, keep_default_na=False, dtype={"prevalence_value": str})
    pd.testing.assert_frame_equal(written, expected, check_dtype=False)
    assert written.set_index("variable").loc["stance", "alpha"] == 0.8491
    again = _run(*args)
    assert again.exit_code == 2 and "exists; refusing to overwrite" in again.output
    assert _run(*args, "--force").exit_code == 0


def test_filters_and_no_bootstrap(annotations):
    result = _run(annotations, "--variable", "stance", "--coder", "B", "--coder", "D",
                  "--bootstrap", 0)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["variable", "level", "coders", "units", "alpha", "agreement",
                                "prevalence", "verdict"]
    # observers B and D of section C: 10 pairable units, one disagreement (unit 6: 2 vs 4);
    # margins 4, 7, 4, 3, 2 of n = 20: alpha = 1 - 19 * 2 / (400 - 94)
    assert round(1 - 19 * 2 / 306, 3) == 0.876
    assert lines[1].split()[:5] == ["stance", "nominal", "2", "10", "0.876"]
    assert len(lines) == 2


def test_disagreements_file(annotations, tmp_path):
    out = tmp_path / "todo.csv"
    assert _run(annotations, "--variable", "gratitude", "--bootstrap", 0,
                "--disagreements", out).exit_code == 0
    todo = pd.read_csv(out, dtype=str)
    assert todo.to_dict("list") == {"variable": ["gratitude"] * 4,
                                    "unit_id": ["u01", "u03", "u06", "u09"],
                                    "A": ["0", "0", "0", "1"], "B": ["1", "1", "1", "0"]}


def test_codebook_gives_the_levels(annotations, tmp_path):
    codebook = tmp_path / "mini.yaml"
    codebook.write_text(
        "name: mini\nversion: '1'\nlanguages: [en]\n"
        "variables:\n  - {id: stance, kind: ordinal, values: ['1', '2', '3', '4', '5']}\n"
        "frames:\n"
        "  - {id: gratitude, label: Gratitude, definition: Thanks., lexicon: {en: [thanks]}}\n"
        "  - {id: aid_skepticism, label: Doubt, definition: Doubt., lexicon: {en: [useless]}}\n"
    )
    result = _run(annotations, "--codebook", codebook, "--bootstrap", 0)
    assert result.exit_code == 0, result.output
    rows = [line.split() for line in result.stdout.splitlines()[1:]]
    assert [r[0] for r in rows] == ["gratitude", "aid_skepticism", "stance"]
    assert rows[1][-1] == "data" and rows[2][:5] == ["stance", "ordinal", "4", "11", "0.815"]


def test_errors_are_clean(annotations, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("unit_id,coder,variable,value\nu1,A,gratitude,\n")
    result = _run(bad)
    assert result.exit_code == 2
    assert f"{bad}, line 2, field value: empty value" in result.output
    assert "Traceback" not in result.output
    result = _run(annotations, "--level", "stance")
    assert result.exit_code == 2 and "is not VARIABLE=LEVEL" in result.output
    result = _run(annotations, "--level", "stance=cardinal")
    assert result.exit_code == 2 and "unknown level 'cardinal'" in result.output
    result = _run(annotations, "--variable", "tone")
    assert result.exit_code == 2 and "unknown variable(s) ['tone']" in result.output
