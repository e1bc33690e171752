"""Result files: sorted, rounded, byte-identical; templates filled only from generated numbers."""

from __future__ import annotations

import json

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from framing.errors import FramingError  # noqa: E402
from framing.report import (  # noqa: E402
    build_report,
    clear_outputs,
    execute_notebook,
    fill_template,
    merge_numbers,
    save_figure,
    save_numbers,
    save_table,
    write_manifest,
)


def test_tables_are_sorted_rounded_and_identical(tmp_path):
    df = pd.DataFrame({"frame": ["b", "a"], "alpha": [0.123456789, 2 / 3]})
    p1 = save_table(df, "t", root=tmp_path / "one")
    p2 = save_table(df.iloc[::-1], "t", root=tmp_path / "two")
    assert p1.read_bytes() == p2.read_bytes() == b"frame,alpha\na,0.6667\nb,0.1235\n"
    with pytest.raises(FramingError, match="table name 'Bad Name'"):
        save_table(df, "Bad Name", root=tmp_path)


def test_figures_are_reproducible(tmp_path):
    def draw():
        fig, ax = plt.subplots()
        ax.plot([0, 1], [1, 0])
        return fig

    a = save_figure(draw(), "f", root=tmp_path / "a")
    b = save_figure(draw(), "f", root=tmp_path / "b")
    assert [p.name for p in a] == ["f.png", "f.svg"]
    assert all(x.read_bytes() == y.read_bytes() for x, y in zip(a, b, strict=True))


def test_manifest_and_template(tmp_path):
    save_table(pd.DataFrame({"x": [1]}), "one", root=tmp_path)
    manifest = write_manifest(tmp_path)
    line = manifest.read_text().strip()
    assert line.endswith("  tables/one.csv") and len(line.split()[0]) == 64
    save_numbers({"n": 300, "alpha": 0.81}, "one", root=tmp_path)
    save_numbers({"n": 301, "alpha": 0.81}, "one", root=tmp_path)  # a rerun replaces it
    save_numbers({"k": "n/a"}, "two", root=tmp_path)
    merge_numbers(tmp_path)
    assert json.loads((tmp_path / "numbers.json").read_text()) == {
        "alpha": 0.81, "k": "n/a", "n": 301}
    save_numbers({"n": 5}, "three", root=tmp_path)
    with pytest.raises(FramingError, match=r"three\.json: \['n'\] already given"):
        merge_numbers(tmp_path)
    template = tmp_path / "t.md"
    (tmp_path / "numbers" / "three.json").unlink()
    merge_numbers(tmp_path)
    template.write_text("We coded {{n}} articles (alpha {{ alpha }}).\n")
    out = fill_template(template, tmp_path / "out.md", tmp_path / "numbers.json")
    assert out.read_text() == "We coded 301 articles (alpha 0.81).\n"
    template.write_text("{{n}} and {{missing}}\n")
    with pytest.raises(FramingError, match=r"no value for \['missing'\]"):
        fill_template(template, tmp_path / "out2.md", tmp_path / "numbers.json")
    assert not (tmp_path / "out2.md").exists()


def test_clear_outputs_removes_only_the_section(tmp_path):
    save_table(pd.DataFrame({"x": [1]}), "euvs_a", root=tmp_path)
    save_table(pd.DataFrame({"x": [1]}), "frames_b", root=tmp_path)
    gone = clear_outputs("euvs_", root=tmp_path)
    assert [p.name for p in gone] == ["euvs_a.csv"]
    assert [p.name for p in (tmp_path / "tables").iterdir()] == ["frames_b.csv"]


def test_executed_notebooks_are_byte_identical_across_runs(tmp_path):
    source = tmp_path / "nb.py"
    source.write_text("# %% [markdown]\n# A title\n\n# %%\nprint(6 * 7)\n", encoding="utf-8")
    first = execute_notebook(source, tmp_path / "a.ipynb").output.read_bytes()
    second = execute_notebook(source, tmp_path / "b.ipynb").output.read_bytes()
    assert first == second
    cells = json.loads(first)["cells"]
    assert [c["id"] for c in cells] == ["cell-0", "cell-1"]
    assert cells[1]["outputs"][0]["text"] == ["42\n"]
    # the report joins notebooks whose cell ids repeat: it must not draw new ones at random
    pages = [build_report([tmp_path / "a.ipynb", tmp_path / "b.ipynb"],
                          tmp_path / f"report{k}.html").read_bytes() for k in (1, 2)]
    assert pages[0] == pages[1] and b'id="cell-id=b-1"' in pages[0]
