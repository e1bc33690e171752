"""framing.scale: chunked == whole, --jobs 2 == --jobs 1, dask == local, resume after a crash."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from framing import scale
from framing.cli import main
from framing.errors import FramingError, InputError
from framing.lexicon import code
from framing.scale import code_file, map_file

MINI = str(Path(__file__).parent / "fixtures" / "mini-codebook.yaml")

# Eleven documents; (love_count, army_count) hand-counted with the mini codebook.
DOCS = [
    ("a1", "en", "From Russia with love: the army sent Il-76 planes.", 1, 2),
    ("a2", "it", "Dall'Europa nessun regalo;\nl'esercito sì.", 2, 1),
    ("a3", "ru", "Это не подарок: военные самолёты.", 0, 1),
    ("a4", "en", "A gift shop near the Salvation Army.", 0, 0),
    ("a5", "en", 'He said "true friends", then:\r\n"army, army".', 1, 2),
    ("a6", "en", "...", 0, 0),
    ("a7", "en", "Nothing here.", 0, 0),
    ("a8", "it", "Aerei militari, esercito, amore.", 1, 2),
    ("a9", "en", "Military planes and a heart-shaped gift.", 2, 1),
    ("a10", "ru", "Минобороны: братская помощь, армия.", 1, 2),
    ("a11", "en", "Love, love, love.", 3, 0),
]
EXPECTED = [(d[0], d[3], d[4]) for d in DOCS]


def frame() -> pd.DataFrame:
    return pd.DataFrame([d[:3] for d in DOCS], columns=["id", "lang", "text"])


def tricky_csv(path: Path) -> Path:
    """CSV with a BOM, CRLF and LF line ends, quoted newlines, blank lines, no final newline."""
    df = frame()
    records = ["id,lang,text\r\n"] + [
        df.iloc[i:i + 1].to_csv(header=False, index=False, lineterminator=("\r\n", "\n")[i % 2])
        for i in range(len(df))
    ]
    records.insert(3, "\n")  # a blank line between records
    records.insert(7, "   \r\n")  # a line of spaces: pandas skips it too
    text = "".join(records).rstrip("\r\n")
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    return path


def read(path: Path) -> pd.DataFrame:
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    if path.suffix == ".jsonl":
        return pd.read_json(path, lines=True, dtype=False)
    return pd.read_csv(path, sep="\t" if path.suffix == ".tsv" else ",",
                       keep_default_na=False, na_values=[""])


def counts(df: pd.DataFrame) -> list[tuple]:
    return list(df[["id", "love_count", "army_count"]].itertuples(index=False, name=None))


def run(src, out, **kw):
    kw = {"codebook": MINI, "jobs": 1, "progress": False, **kw}
    return code_file(src, out, **kw)


# -- finding records --------------------------------------------------------------------------

def test_record_ends_respect_quotes_and_skip_blank_lines(tmp_path):
    data = b'id,text\n1,"a\nb"\n\n  \n2,"say ""hi"""\r\n3,x'
    path = tmp_path / "t.csv"
    path.write_bytes(data)
    ends = np.concatenate(list(scale._record_ends(path, "csv"))).tolist()
    # header ends at 8; record 1 at 16 (its quoted newline at 12 is not an end); the blank
    # line and the line of spaces are skipped; record 2 (20-36) ends with CRLF; record 3 at EOF.
    assert ends == [8, 16, 36, 39]
    assert data[20:36] == b'2,"say ""hi"""\r\n'


def test_record_ends_across_scan_blocks(tmp_path, monkeypatch):
    monkeypatch.setattr(scale, "_BLOCK", 5)
    path = tmp_path / "t.jsonl"
    path.write_bytes(b'{"a": 1}\n\n {"a": 22}\n   \n{"a": 3}')
    assert np.concatenate(list(scale._record_ends(path, "jsonl"))).tolist() == [9, 21, 33]
    src = tricky_csv(tmp_path / "in.csv")  # chunks that close in the middle of blocks
    data = src.read_bytes()
    chunks = scale._text_chunks(src, "csv", 3, 0, 0)
    # header (after a 3-byte BOM) | a1 a2 <blank> a3 | a4 a5 <spaces> a6 | a7 a8 a9 | a10 a11
    assert [(data[c.start:c.start + 4], c.first_row, c.rows) for c in chunks] == [
        (b"a1,e", 0, 3), (b"a4,e", 3, 3), (b"a7,e", 6, 3), (b"a10,", 9, 2)]
    assert (chunks[0].head, chunks[-1].stop) == (17, len(data))
    run(src, tmp_path / "out.parquet", chunksize=3)
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "out.parquet"),
                                  code(frame(), codebook=MINI), check_dtype=False)


# -- chunked == whole -----------------------------------------------------------------------------

@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".jsonl", ".parquet"])
@pytest.mark.parametrize("chunksize", [1, 3, 100])
def test_chunked_equals_whole(tmp_path, suffix, chunksize):
    if suffix == ".csv":
        src = tricky_csv(tmp_path / "in.csv")
    elif suffix == ".tsv":
        src = tmp_path / "in.tsv"
        frame().to_csv(src, sep="\t", index=False)
    elif suffix == ".jsonl":
        src = tmp_path / "in.jsonl"
        text = frame().to_json(orient="records", lines=True, force_ascii=False)
        src.write_text(text.replace("\n", "\n\n", 2), encoding="utf-8")  # blank lines
    else:
        src = tmp_path / "in.parquet"
        pq.write_table(pa.Table.from_pandas(frame()), src, row_group_size=4)
    out = tmp_path / "out.parquet"
    summary = run(src, out, chunksize=chunksize)
    assert summary.documents == 11
    assert summary.chunks == {1: 11, 3: 4 if suffix != ".parquet" else 5, 100: 1 if suffix
                              != ".parquet" else 3}[chunksize]
    got = pd.read_parquet(out)
    assert counts(got) == EXPECTED
    whole = code(frame(), codebook=MINI)
    pd.testing.assert_frame_equal(got, whole, check_dtype=False)
    assert sorted(tmp_path.iterdir()) == sorted([src, out])  # no parts left behind


def test_without_id_column_ids_are_input_row_numbers(tmp_path):
    src = tmp_path / "in.csv"
    frame().drop(columns="id").to_csv(src, index=False)
    run(src, tmp_path / "out.csv", chunksize=4)
    got = read(tmp_path / "out.csv")
    assert got["id"].tolist() == list(range(11))
    assert got["army_count"].tolist() == [d[4] for d in DOCS]


def test_folder_of_files_is_read_in_path_order(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    df = frame()
    df.iloc[6:].to_csv(folder / "part-2.csv", index=False)
    df.iloc[:6].to_csv(folder / "part-1.csv", index=False)
    (folder / "README.txt").write_text("not a table")
    summary = run(folder, tmp_path / "out.csv", chunksize=4)
    assert (summary.documents, summary.chunks) == (11, 4)
    assert counts(read(tmp_path / "out.csv")) == [(i, lo, ar) for i, lo, ar in EXPECTED]


def test_header_only_input_writes_an_empty_table(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("id,lang,text\n")
    summary = run(src, tmp_path / "out.csv", spans=tmp_path / "spans.csv")
    assert (summary.documents, summary.chunks) == (0, 0)
    assert (tmp_path / "out.csv").read_text().startswith("id,n_tokens,love,army,love_count")
    assert (tmp_path / "spans.csv").read_text() == (
        "id,frame,pattern,start,end,match,negated\n")


# -- processes and Dask ---------------------------------------------------------------------------

def workers_only(monkeypatch) -> None:
    """Use a pool even for a tiny input, and make the parent wait for the workers instead of
    coding chunks while they start."""
    monkeypatch.setattr(scale, "_POOL_MIN_BYTES", 0)

    def up(self):
        self.join()
        for f in self.ready:
            f.result()
        return True

    monkeypatch.setattr(scale._Starter, "up", up)


def worker_pid(df: pd.DataFrame) -> pd.DataFrame:
    """A chunk function for map_file: which process handled each document."""
    return pd.DataFrame({"row": df.index, "pid": os.getpid()})


def test_chunks_go_to_the_worker_processes(tmp_path, monkeypatch):
    workers_only(monkeypatch)
    src = tricky_csv(tmp_path / "in.csv")
    summary = map_file(worker_pid, src, tmp_path / "pids.csv", chunksize=1, jobs=2,
                       progress=False)
    got = read(tmp_path / "pids.csv")
    assert summary.workers == 2 and got["row"].tolist() == list(range(11))
    assert os.getpid() not in set(got["pid"]) and got["pid"].nunique() <= 2


def test_jobs_2_equals_jobs_1_byte_for_byte(tmp_path, monkeypatch):
    workers_only(monkeypatch)
    src = tricky_csv(tmp_path / "in.csv")
    one = run(src, tmp_path / "one.csv", spans=tmp_path / "one-spans.csv", chunksize=2)
    two = run(src, tmp_path / "two.csv", spans=tmp_path / "two-spans.csv", chunksize=2,
              jobs=2)
    assert (one.workers, two.workers, two.chunks) == (1, 2, 6)
    assert (tmp_path / "one.csv").read_bytes() == (tmp_path / "two.csv").read_bytes()
    assert (tmp_path / "one-spans.csv").read_bytes() == (tmp_path / "two-spans.csv").read_bytes()
    spans = read(tmp_path / "two-spans.csv")
    # 11 counted matches per frame (EXPECTED), plus the negated "не подарок" of a3.
    assert len(spans) == 23
    assert spans.groupby("frame")["negated"].agg(["sum", "count"]).to_dict() == {
        "sum": {"army": 0, "love": 1}, "count": {"army": 11, "love": 12}}


def test_jobs_2_parquet_input(tmp_path, monkeypatch):
    workers_only(monkeypatch)
    src = tmp_path / "in.parquet"
    pq.write_table(pa.Table.from_pandas(frame()), src, row_group_size=5)
    run(src, tmp_path / "one.parquet", chunksize=2)
    run(src, tmp_path / "two.parquet", chunksize=2, jobs=2)
    pd.testing.assert_frame_equal(read(tmp_path / "one.parquet"), read(tmp_path / "two.parquet"))


def dask_only(monkeypatch) -> None:
    """Make the parent wait for the Dask client instead of coding chunks while it starts."""
    def start_and_wait(self):
        threading.Thread.start(self)
        self.join()

    monkeypatch.setattr(scale._DaskStarter, "start", start_and_wait)


def in_dask(df: pd.DataFrame) -> pd.DataFrame:
    """A chunk function for map_file: whether each document was handled by a Dask worker."""
    from distributed import get_worker

    try:
        get_worker()
        worker = True
    except ValueError:
        worker = False
    return pd.DataFrame({"row": df.index, "dask": worker})


@pytest.fixture(scope="module")
def dask_scheduler():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(processes=False, n_workers=1, threads_per_worker=2,
                                  dashboard_address=None) as cluster:
        yield cluster.scheduler_address


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_dask_engine_equals_local_engine(tmp_path, dask_scheduler, suffix, monkeypatch):
    dask_only(monkeypatch)
    src = tmp_path / f"in{suffix}"
    if suffix == ".csv":
        tricky_csv(src)
    else:
        pq.write_table(pa.Table.from_pandas(frame()), src, row_group_size=3)
    run(src, tmp_path / "local.csv", spans=tmp_path / "local-spans.csv", chunksize=3)
    summary = run(src, tmp_path / "dask.csv", spans=tmp_path / "dask-spans.csv", chunksize=3,
                  engine="dask", scheduler=dask_scheduler)
    assert (summary.engine, summary.chunks, summary.workers) == ("dask", 4, 0)
    assert (tmp_path / "local.csv").read_bytes() == (tmp_path / "dask.csv").read_bytes()
    assert (tmp_path / "local-spans.csv").read_bytes() == (
        tmp_path / "dask-spans.csv").read_bytes()


def test_dask_engine_on_its_own_local_cluster(tmp_path, monkeypatch):
    """No scheduler given: a local cluster of worker processes is started (and closed)."""
    pytest.importorskip("distributed")
    dask_only(monkeypatch)
    src = tricky_csv(tmp_path / "in.csv")
    run(src, tmp_path / "local.csv", chunksize=3)
    summary = run(src, tmp_path / "dask.csv", chunksize=3, engine="dask", jobs=2)
    assert (summary.engine, summary.chunks, summary.workers) == ("dask", 4, 2)
    assert (tmp_path / "local.csv").read_bytes() == (tmp_path / "dask.csv").read_bytes()


def test_dask_workers_run_the_chunks_unless_the_parent_got_there_first(
        tmp_path, dask_scheduler, monkeypatch):
    src = tricky_csv(tmp_path / "in.csv")
    kw = {"chunksize": 2, "engine": "dask", "scheduler": dask_scheduler, "progress": False}
    map_file(in_dask, src, tmp_path / "any.csv", **kw)  # some chunks may be coded here
    assert read(tmp_path / "any.csv")["row"].tolist() == list(range(11))
    dask_only(monkeypatch)
    map_file(in_dask, src, tmp_path / "dask.csv", **kw)
    assert read(tmp_path / "dask.csv")["dask"].tolist() == [True] * 11


def text_length(df: pd.DataFrame) -> pd.DataFrame:
    """A chunk function for map_file: characters per text, keyed by the input row number."""
    return pd.DataFrame({"row": df.index, "chars": df["text"].fillna("").str.len()})


def test_map_file_generic_function(tmp_path, dask_scheduler, monkeypatch):
    dask_only(monkeypatch)
    src = tricky_csv(tmp_path / "in.csv")
    expected = [50, 41, 33, 36, 44, 3, 13, 32, 40, 35, 17]  # counted by hand
    for engine, jobs, out in (("local", 2, "local.csv"), ("dask", 1, "dask.csv")):
        summary = map_file(text_length, src, tmp_path / out, columns=["text"], chunksize=4,
                           jobs=jobs, engine=engine, progress=False,
                           scheduler=dask_scheduler if engine == "dask" else None)
        assert summary.chunks == 3
        got = read(tmp_path / out)
        assert got["row"].tolist() == list(range(11))
        assert got["chars"].tolist() == expected


# -- resume ---------------------------------------------------------------------------------------

class Crash(RuntimeError):
    pass


def crash_after(monkeypatch, n: int) -> None:
    """Make the (in-process) job raise when it reaches chunk ``n``, as a crash would."""
    original = scale._Job.run

    def run_or_crash(self, chunk, df=None):
        if chunk.index == n:
            raise Crash(f"simulated crash at chunk {n}")
        return original(self, chunk, df)

    monkeypatch.setattr(scale._Job, "run", run_or_crash)


def test_resume_after_a_crash_gives_the_uninterrupted_output(tmp_path, monkeypatch):
    src = tricky_csv(tmp_path / "in.csv")
    run(src, tmp_path / "whole.parquet", spans=tmp_path / "whole-spans.csv", chunksize=2)
    out, spans = tmp_path / "out.parquet", tmp_path / "spans.csv"
    parts = tmp_path / ".out.parquet.parts"
    with monkeypatch.context() as m:
        crash_after(m, 3)
        with pytest.raises(Crash):
            run(src, out, spans=spans, chunksize=2)
    assert not out.exists() and not spans.exists()  # never a half-written output
    assert sorted(p.name for p in parts.iterdir()) == [
        "manifest.json", "part-000000.arrow", "part-000001.arrow", "part-000002.arrow",
        "spans-000000.arrow", "spans-000001.arrow", "spans-000002.arrow",
    ]
    manifest = json.loads((parts / "manifest.json").read_text())
    assert (manifest["chunks"], manifest["settings"]["chunksize"]) == (6, 2)

    with pytest.raises(FramingError, match="an interrupted run left .*use --resume"):
        run(src, out, spans=spans, chunksize=2)
    with pytest.raises(FramingError, match="chunksize: 2 then, 3 now"):
        run(src, out, spans=spans, chunksize=3, resume=True)

    summary = run(src, out, spans=spans, chunksize=2, resume=True, jobs=2)
    assert (summary.resumed_chunks, summary.chunks, summary.documents) == (3, 6, 11)
    assert not parts.exists()
    pd.testing.assert_frame_equal(read(out), read(tmp_path / "whole.parquet"))
    assert spans.read_bytes() == (tmp_path / "whole-spans.csv").read_bytes()


def test_resume_refuses_a_changed_input(tmp_path, monkeypatch):
    src = tricky_csv(tmp_path / "in.csv")
    with monkeypatch.context() as m:
        crash_after(m, 1)
        with pytest.raises(Crash):
            run(src, tmp_path / "out.csv", chunksize=5)
    with open(src, "a", encoding="utf-8") as fh:
        fh.write("\r\na12,en,army\r\n")
    with pytest.raises(FramingError, match="the input files changed"):
        run(src, tmp_path / "out.csv", chunksize=5, resume=True)
    summary = run(src, tmp_path / "out.csv", chunksize=5, force=True)
    assert (summary.documents, summary.resumed_chunks) == (12, 0)


def test_bad_data_stops_cleanly_and_names_the_place(tmp_path, monkeypatch):
    workers_only(monkeypatch)  # the error crosses from a worker process
    df = frame()
    df.loc[7, "text"] = None
    src = tmp_path / "in.csv"
    df.to_csv(src, index=False)
    where = (r"(?s)in.csv, documents 6-8: .*in.csv, field text of row 7 \(id 'a8'\): "
             "text is missing")
    with pytest.raises(InputError, match=where) as caught:
        run(src, tmp_path / "out.csv", chunksize=3, jobs=2)
    assert [(p.source, p.field) for p in caught.value.problems] == [
        (str(src), "text of row 7 (id 'a8')")]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]


# -- command line ---------------------------------------------------------------------------------

def test_cli_jobs_resume_and_usage(tmp_path, monkeypatch):
    src = tricky_csv(tmp_path / "in.csv")
    out = tmp_path / "out.csv"
    with monkeypatch.context() as m:
        crash_after(m, 2)
        with pytest.raises(Crash):
            run(src, out, chunksize=4)
    cli = CliRunner()
    result = cli.invoke(main, ["code", str(src), "-o", str(out), "-c", MINI, "--chunksize",
                               "4", "--jobs", "2"])
    assert result.exit_code == 1 and "use --resume (resume=True)" in result.output
    result = cli.invoke(main, ["code", str(src), "-o", str(out), "-c", MINI, "--chunksize",
                               "4", "--jobs", "2", "--resume"])
    assert result.exit_code == 0, result.output
    assert "coded 11 documents with mini 0.1" in result.output
    assert "2 of 3 chunks resumed" in result.output
    assert counts(read(out)) == EXPECTED
    result = cli.invoke(main, ["code", str(src), "-o", str(out), "--scheduler", "tcp://x:1"])
    assert result.exit_code == 2 and "--scheduler needs --engine dask" in result.output


def test_input_problems_are_named_before_any_work(tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    frame().to_csv(folder / "a.csv", index=False)
    frame().to_json(folder / "b.jsonl", orient="records", lines=True)
    with pytest.raises(FramingError, match=r"mixes formats \['csv', 'jsonl'\]"):
        run(folder, tmp_path / "out.csv")
    with pytest.raises(FramingError, match=r"a.csv: no column 'body' .*pass --text-col"):
        run(folder / "a.csv", tmp_path / "out.csv", text_col="body")
    with pytest.raises(FramingError, match="has no lexicon for language 'de'"):
        run(folder / "a.csv", tmp_path / "out.csv", lang="de")
    with pytest.raises(FramingError, match="fn returned int, not a DataFrame"):
        map_file(len, folder / "a.csv", tmp_path / "out.csv", jobs=1, progress=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mixed"]


# -- a fitted classifier over a file --------------------------------------------------------------

@pytest.fixture(scope="module")
def tiny_model():
    classify = pytest.importorskip("framing.classify")
    texts = ["Russia sent doctors and ventilators", "EU left Italy alone",
             "Doctors arrived with ventilators", "Italy abandoned by the EU",
             "More ventilators and doctors", "The EU abandoned Italy"] * 2
    y = pd.DataFrame({"aid": [1, 0] * 6, "eu_failure": [0, 1] * 6})
    return classify.FrameClassifier(inner_cv=3).fit(texts, y)


def test_predict_file_equals_predict(tmp_path, tiny_model, dask_scheduler, monkeypatch):
    workers_only(monkeypatch)
    dask_only(monkeypatch)
    texts = ["ventilators and doctors", "the EU abandoned us", "doctors, doctors",
             "Italy alone", "nothing at all"]
    src = tmp_path / "in.jsonl"
    pd.DataFrame({"id": list("abcde"), "text": texts}).to_json(src, orient="records",
                                                              lines=True)
    expected = tiny_model.predict(texts)
    proba = tiny_model.predict_proba(texts).round(4)
    outs = []
    for name, kw in (("one", {"jobs": 1}), ("two", {"jobs": 2}),
                     ("dask", {"engine": "dask", "scheduler": dask_scheduler})):
        out = tmp_path / f"{name}.parquet"
        scale.predict_file(tiny_model, src, out, proba=True, chunksize=1, progress=False, **kw)
        outs.append(pd.read_parquet(out))
    for got in outs:
        assert got.columns.tolist() == ["id", "aid", "eu_failure", "aid_proba",
                                        "eu_failure_proba"]
        assert got["id"].tolist() == list("abcde")
        assert got[["aid", "eu_failure"]].to_numpy().tolist() == expected.tolist()
        assert got[["aid_proba", "eu_failure_proba"]].to_numpy().tolist() == proba.tolist()
    assert expected[:2].tolist() == [[1, 0], [0, 1]]  # as in FrameClassifier's example


def test_cli_ctrl_c_says_how_to_resume(tmp_path, monkeypatch):
    import framing.cli.coding as coding

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(coding, "code_file", interrupted)
    src = tricky_csv(tmp_path / "in.csv")
    result = CliRunner().invoke(main, ["code", str(src), "-o", str(tmp_path / "o.csv")])
    assert result.exit_code == 1
    assert result.output == ("Error: interrupted: the finished chunks are kept; run the same "
                             "command with --resume to continue\n")
