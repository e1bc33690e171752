"""The long annotation table (``unit_id, coder, variable, value``): reading, reshaping, gold.

One row per judgement; a missing judgement is an absent row. Values are strings: frames
``"0"``/``"1"``, ``tone_to_donor`` ``"-1"``/``"0"``/``"1"``, set-valued variables such as
``donor`` as labels joined by ``+`` (``"russia+china"``, read in any order). An optional
integer ``round`` column records recoding rounds; only the latest round of each
unit/coder/variable counts (an empty round sorts before every numbered one).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Literal

import numpy as np
import pandas as pd

from framing._io import table_format
from framing.errors import FramingError, InputError, Problem
from framing.reliability._measures import SET_SEPARATOR, Level, alpha

COLUMNS: tuple[str, ...] = ("unit_id", "coder", "variable", "value")
_KEYS = ["unit_id", "coder", "variable"]

Annotations = pd.DataFrame | str | os.PathLike


def read_annotations(path: str | os.PathLike) -> pd.DataFrame:
    """Read and check an annotation table (CSV or TSV, every cell read as a string).

    Raises
    ------
    InputError
        Naming the file, line and field of every problem: a missing column, an empty cell,
        a round that is not an integer, the same unit/coder/variable/round twice.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "ann.csv"
    >>> _ = path.write_text("unit_id,coder,variable,value\\na1,ann,gratitude,1\\n")
    >>> read_annotations(path).to_dict("records")
    [{'unit_id': 'a1', 'coder': 'ann', 'variable': 'gratitude', 'value': '1'}]
    """
    fmt = table_format(path)
    if fmt not in ("csv", "tsv"):
        raise InputError(Problem(str(path), "annotations must be a CSV or TSV file"))
    try:
        df = pd.read_csv(path, sep="," if fmt == "csv" else "\t", dtype=str,
                         keep_default_na=False)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as err:
        raise InputError(Problem(str(path), f"cannot read it: {err}")) from None
    df.attrs["source"] = str(path)
    return prepare(df, latest=False)


def _problem(source: str, from_file: bool, row: int, message: str,
             field: str | None) -> Problem:
    if from_file:
        return Problem(source, message, line=row + 2, field=field)
    return Problem(source, f"row {row}: {message}", field=field)


def _canonical_sets(values: pd.Series) -> pd.Series:
    multi = values.str.contains(SET_SEPARATOR, regex=False)
    if not multi.any():
        return values
    mapping = {v: SET_SEPARATOR.join(sorted(p.strip() for p in v.split(SET_SEPARATOR)))
               for v in values[multi].unique()}
    return values.where(~multi, values[multi].map(mapping))


def prepare(annotations: Annotations, latest: bool = True) -> pd.DataFrame:
    """Check an annotation table (a DataFrame or a path) and normalise it.

    Cells become stripped strings, set-valued codes are written with their labels sorted,
    and (``latest=True``) only the latest round of each unit/coder/variable is kept.
    """
    if not isinstance(annotations, pd.DataFrame):
        return prepare(read_annotations(annotations), latest)
    source = annotations.attrs.get("source", "annotations")
    from_file = "source" in annotations.attrs
    missing = [c for c in COLUMNS if c not in annotations.columns]
    if missing:
        raise InputError(Problem(source, f"missing column(s) {missing}; an annotation table "
                                         f"has the columns {list(COLUMNS)}"))
    # Rows read from a file keep their index (line - 2) even when the table was filtered.
    df = (annotations.copy() if from_file and annotations.index.is_unique
          else annotations.reset_index(drop=True))
    problems = []
    for col in COLUMNS:
        df[col] = df[col].astype("string").fillna("").str.strip().astype(object)
        for row in df.index[df[col] == ""]:
            problems.append(_problem(source, from_file, int(row), "empty value", col))
    df["value"] = _canonical_sets(df["value"])
    keys = list(_KEYS)
    if "round" in df.columns:
        text = df["round"].astype("string").fillna("").str.strip()
        number = pd.to_numeric(text.where(text != ""), errors="coerce")
        bad = (text != "") & (number.isna() | (number % 1 != 0))
        for row in df.index[bad]:
            problems.append(_problem(source, from_file, int(row), "round must be an integer",
                                     "round"))
        df["round"] = number
        keys.append("round")
    dup = df.duplicated(keys, keep=False)
    for _, group in df[dup].groupby(keys, dropna=False, sort=True):
        rows = [int(r) for r in group.index]
        where = [r + 2 for r in rows] if from_file else rows
        problems.append(_problem(
            source, from_file, rows[-1],
            f"unit {group['unit_id'].iat[0]!r}, coder {group['coder'].iat[0]!r}, variable "
            f"{group['variable'].iat[0]!r} is coded twice"
            f" ({'lines' if from_file else 'rows'} {', '.join(map(str, where))})",
            "unit_id"))
    if problems:
        raise InputError(problems, f"{source}: {len(problems)} problem"
                                   f"{'s' if len(problems) > 1 else ''} in the annotations")
    if latest and "round" in df.columns:
        df = (df.sort_values("round", na_position="first", kind="stable")
              .drop_duplicates(_KEYS, keep="last").sort_index())
    df.attrs["source"] = source
    return df


def _wide(df: pd.DataFrame, variable: str, coders: Sequence[str] | None,
          strict: bool) -> pd.DataFrame:
    source = df.attrs.get("source", "annotations")
    sub = df[df["variable"] == variable]
    if sub.empty and strict:
        raise InputError(Problem(source, f"no annotation of the variable {variable!r}; the "
                                         f"variables are {sorted(df['variable'].unique())}",
                                 field="variable"))
    order = sorted(sub["coder"].unique())
    if coders is not None:
        unknown = [c for c in coders if c not in set(order)]
        if unknown and strict:
            raise InputError(Problem(source, f"coder(s) {unknown} did not code {variable!r}; "
                                             f"its coders are {order}", field="coder"))
        order = [c for c in coders if c not in unknown]
        sub = sub[sub["coder"].isin(order)]
    unit_codes, units = pd.factorize(sub["unit_id"], sort=True)
    rows = sub["coder"].map({c: i for i, c in enumerate(order)}).to_numpy(dtype=np.int64)
    wide = np.full((len(order), len(units)), np.nan, dtype=object)
    wide[rows, unit_codes] = sub["value"].to_numpy(dtype=object)
    return pd.DataFrame(wide, index=pd.Index(order, name="coder"),
                        columns=pd.Index(units, name="unit_id", dtype=object), dtype=object)


def to_reliability_data(annotations: Annotations, variable: str,
                        coders: Sequence[str] | None = None) -> pd.DataFrame:
    """One variable of an annotation table as reliability data: coders x units, NaN missing.

    Rows are the coders (sorted, or in the order of ``coders``), columns the units (sorted).

    Examples
    --------
    >>> table = pd.DataFrame({"unit_id": ["a1", "a1", "a2"], "coder": ["ann", "bob", "ann"],
    ...                       "variable": "gratitude", "value": ["1", "0", "1"]})
    >>> to_reliability_data(table, "gratitude")
    unit_id a1   a2
    coder
    ann      1    1
    bob      0  NaN
    """
    return _wide(prepare(annotations), variable, coders, strict=True)


def alpha_from_annotations(annotations: Annotations, variable: str,
                           level: Level | Callable = "nominal",
                           coders: Sequence[str] | None = None) -> float:
    """Krippendorff's alpha of one variable of the long annotation table.

    Parameters
    ----------
    annotations : DataFrame or path
        Columns ``unit_id, coder, variable, value`` (and optionally ``round``).
    variable : str
        E.g. a frame id, ``"tone_to_donor"`` (use ``level="ordinal"``) or ``"donor"``
        (``level="masi"``).
    level : str or callable
        As for :func:`alpha`.
    coders : sequence of str, optional
        Only these coders (e.g. ``["lexicon", "gold"]``); all by default.

    Examples
    --------
    >>> table = pd.DataFrame({"unit_id": list("aabbcc"), "coder": ["x", "y"] * 3,
    ...                       "variable": "donor",
    ...                       "value": ["russia", "russia", "china+russia", "russia+china",
    ...                                 "cuba", "china"]})
    >>> round(alpha_from_annotations(table, "donor", level="masi"), 4)
    0.5455
    """
    return alpha(to_reliability_data(annotations, variable, coders), level)


def disagreements(annotations: Annotations, variables: Sequence[str] | None = None,
                  coders: Sequence[str] | None = None) -> pd.DataFrame:
    """The units on which coders differ, with every coder's value, for adjudication.

    Returns one row per variable and unit that has two or more distinct values, sorted by
    variable and unit: columns ``variable``, ``unit_id`` and one column per coder (empty
    where the coder did not code the unit).

    Examples
    --------
    >>> table = pd.DataFrame({"unit_id": list("aabb"), "coder": ["x", "y"] * 2,
    ...                       "variable": "gratitude", "value": ["1", "1", "0", "1"]})
    >>> disagreements(table)
        variable unit_id  x  y
    0  gratitude       b  0  1
    """
    df = prepare(annotations)
    if variables is not None:
        df = df[df["variable"].isin(variables)]
    if coders is not None:
        df = df[df["coder"].isin(coders)]
    distinct = df.groupby(["variable", "unit_id"])["value"].transform("nunique")
    wide = (df[distinct > 1]
            .pivot(index=["variable", "unit_id"], columns="coder", values="value")
            .reindex(columns=sorted(df["coder"].unique()))
            .fillna(""))
    wide.columns.name = None
    return wide.reset_index()


def adjudicate(
    annotations: Annotations,
    adjudicator: str,
    *,
    coders: Sequence[str] | None = None,
    rule: Literal["unanimous", "majority"] = "unanimous",
    gold: str = "gold",
) -> pd.DataFrame:
    """The gold table: the coders' value where they agree, the adjudicator's where they do not.

    For each unit and variable, the value is, in this order: the adjudicator's, if they coded
    it (``source="adjudicator"``); the value every coder gave (``"agreement"``, or
    ``"single"`` when only one coder coded it); with ``rule="majority"``, a value given by
    more than half of the coders (``"majority"``).

    Returns
    -------
    DataFrame
        ``unit_id, coder, variable, value, source``, with ``coder`` set to ``gold``: it has the
        layout of the annotation table, so ``pd.concat([annotations, gold])`` makes gold one
        more coder (see :func:`add_machine_coder`).

    Raises
    ------
    InputError
        Listing every unit and variable still in dispute (see :func:`disagreements`).

    Examples
    --------
    >>> table = pd.DataFrame({"unit_id": ["a", "a", "b", "b", "b"],
    ...                       "coder": ["x", "y", "x", "y", "lead"], "variable": "gratitude",
    ...                       "value": ["1", "1", "0", "1", "0"]})
    >>> adjudicate(table, "lead")[["unit_id", "value", "source"]]
      unit_id value       source
    0       a     1    agreement
    1       b     0  adjudicator
    """
    if rule not in ("unanimous", "majority"):
        raise FramingError(f"unknown rule {rule!r}; use 'unanimous' or 'majority'")
    df = prepare(annotations)
    if coders is None:
        coders = sorted(set(df["coder"]) - {adjudicator, gold})
    rest = df[df["coder"].isin(coders)]
    counts = rest.groupby(["variable", "unit_id", "value"]).size().rename("k").reset_index()
    best = (counts.sort_values(["variable", "unit_id", "k", "value"],
                               ascending=[True, True, False, True])
            .drop_duplicates(["variable", "unit_id"]))
    stats = counts.groupby(["variable", "unit_id"])["k"].agg(n="sum", distinct="size")
    best = best.merge(stats, left_on=["variable", "unit_id"], right_index=True)
    best["source"] = np.select(
        [(best["distinct"] == 1) & (best["n"] > 1), best["distinct"] == 1,
         (best["k"] * 2 > best["n"]) & (rule == "majority")],
        ["agreement", "single", "majority"], default="")
    adj = df.loc[df["coder"] == adjudicator, ["variable", "unit_id", "value"]]
    adj = adj.assign(source="adjudicator")
    merged = pd.concat([adj, best[["variable", "unit_id", "value", "source"]]])
    merged = merged.drop_duplicates(["variable", "unit_id"], keep="first")
    open_ = merged[merged["source"] == ""]
    if not open_.empty:
        source = df.attrs.get("source", "annotations")
        listed = rest.merge(open_[["variable", "unit_id"]])
        problems = [
            Problem(source, f"unit {unit!r}: coders disagree ("
                    + ", ".join(f"{c}={v}" for c, v in zip(g["coder"], g["value"], strict=True))
                    + f") and {adjudicator!r} has not coded it", field=var)
            for (var, unit), g in listed.sort_values("coder").groupby(["variable", "unit_id"])
        ]
        raise InputError(problems, f"{len(problems)} unit(s) still in dispute; see "
                                   "disagreements()")
    merged = merged.sort_values(["variable", "unit_id"]).reset_index(drop=True)
    merged["coder"] = gold
    return merged[[*COLUMNS, "source"]]


def add_machine_coder(
    annotations: Annotations,
    coded: pd.DataFrame,
    *,
    coder: str = "lexicon",
    id_col: str = "id",
    frames: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Append a machine coder's 0/1 frame codes to the annotation table as one more coder.

    Parameters
    ----------
    annotations : DataFrame or path
        The annotation table (human coders, and perhaps ``gold`` from :func:`adjudicate`).
    coded : DataFrame
        One row per document with an id column and a 0/1 column per frame (what
        ``framing.code()`` or a classifier returns). Only documents whose id is a unit of
        the annotation table are added.
    coder : str
        The name of the machine coder; it must not be a coder of the table already.
    id_col : str
        The id column of ``coded``; ids are compared with ``unit_id`` as strings.
    frames : sequence of str, optional
        The frame columns to add; by default every column of ``coded`` that is also a
        variable of the annotation table.

    Returns
    -------
    DataFrame
        The annotation table (as read) with the machine's rows appended, so that
        ``alpha_from_annotations(table, frame, coders=[coder, "gold"])`` sets the machine
        against gold.

    Examples
    --------
    >>> table = pd.DataFrame({"unit_id": ["1", "2", "1", "2"], "coder": ["gold"] * 4,
    ...                       "variable": ["gratitude"] * 2 + ["crisis_severity"] * 2,
    ...                       "value": ["1", "0", "1", "1"]})
    >>> coded = pd.DataFrame({"id": [1, 2, 3], "gratitude": [1, 1, 0],
    ...                       "crisis_severity": [1, 1, 1], "crisis_severity_count": [2, 1, 4]})
    >>> add_machine_coder(table, coded).tail(4).to_dict("list")["value"]
    ['1', '1', '1', '1']
    """
    df = prepare(annotations, latest=False)
    source = df.attrs.get("source", "annotations")
    if coder in set(df["coder"]):
        raise InputError(Problem(source, f"{coder!r} is already a coder of the annotations; "
                                         "choose another name", field="coder"))
    if id_col not in coded.columns:
        raise InputError(Problem("coded", f"no id column {id_col!r}; its columns are "
                                          f"{list(coded.columns)}", field=id_col))
    if frames is None:
        frames = sorted(set(df["variable"]) & set(map(str, coded.columns)) - {id_col})
        if not frames:
            raise InputError(Problem("coded", "no column is named after a variable of the "
                                              "annotations; pass frames="))
    absent = [f for f in frames if f not in coded.columns]
    if absent:
        raise InputError(Problem("coded", f"no column(s) {absent}", field=absent[0]))
    ids = coded[id_col].astype(str)
    repeated = ids[ids.duplicated()]
    if not repeated.empty:
        raise InputError(Problem("coded", f"id {repeated.iat[0]!r} appears twice", field=id_col))
    keep = ids.isin(set(df["unit_id"])).to_numpy()
    if not keep.any():
        raise InputError(Problem("coded", f"none of its ids is a unit_id of {source}",
                                 field=id_col))
    rows = []
    for frame in frames:
        values = pd.to_numeric(coded[frame], errors="coerce")[keep]
        bad = ~values.isin([0, 1])
        if bad.any():
            raise InputError(Problem(
                "coded", f"document {ids[keep][bad].iat[0]!r}: {coded[frame][keep][bad].iat[0]!r}"
                " is not 0 or 1", field=frame))
        rows.append(pd.DataFrame({"unit_id": ids[keep].to_numpy(), "coder": coder,
                                  "variable": frame, "value": values.astype(int).astype(str)
                                  .to_numpy()}))
    added = pd.concat(rows, ignore_index=True).sort_values(["variable", "unit_id"],
                                                           kind="stable")
    out = pd.concat([df, added], ignore_index=True)
    out.attrs.clear()
    return out
