"""Real third-party data sets, read from ``FRAMING_DATA_HOME`` (default ``~/framing_data``).

Nothing here is shipped with the package: the loaders check that the data is where they
expect it and complete, and say where to get it when it is not.

Layout under the data home::

    semeval2023_task3_st2/{en,it,ru,fr,ge,po}/train-articles/article*.txt
    semeval2023_task3_st2/{en,it,ru,fr,ge,po}/train-labels.txt
    semeval2023_task3_st2/frames.txt
    euvsdisinfo/posts.csv
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from framing._io import atomic_path, check_writable
from framing.corpus import read_corpus
from framing.errors import FramingError

__all__ = [
    "SoftpowerAid", "load_softpower_aid", "corpus_home",
    "data_home", "load_semeval2023", "semeval_frames", "semeval_labels", "load_euvsdisinfo",
    "fetch_euvsdisinfo",
    "SEMEVAL_ARTICLES", "EUVSDISINFO_SHA256", "EUVSDISINFO_URL",
]

#: Training articles per language folder of SemEval-2023 Task 3 subtask 2; the loader checks
#: these counts instead of hashing the organisers' files (``ge`` is German, ``po`` Polish).
SEMEVAL_ARTICLES = {"en": 433, "it": 227, "ru": 143, "fr": 158, "ge": 132, "po": 145}
_ISO_TO_FOLDER = {"de": "ge", "pl": "po"}
_SEMEVAL_DIR = "semeval2023_task3_st2"
_SEMEVAL_SOURCE = (
    "SemEval-2023 Task 3 (Piskorski et al. 2023) is distributed by its organisers to "
    "registered users for research only: see https://propaganda.math.unipd.it/"
    "semeval2023task3/ and put the unpacked training data at {where}"
)
#: sha256 of the EUvsDisinfo export scraped on 2021-02-18 (10,892 cases).
EUVSDISINFO_SHA256 = "f75b1f66012eeceed6b9d1e7d7c7381375892b40a9d335f2c925d7200eb8a175"
#: Where :func:`fetch_euvsdisinfo` downloads it from (the public scrape by cknabs).
EUVSDISINFO_URL = "https://raw.githubusercontent.com/cknabs/EUvsDisinfo/master/data/posts.csv"


def data_home(root: str | os.PathLike | None = None) -> Path:
    """The data folder: ``root``, else ``$FRAMING_DATA_HOME``, else ``~/framing_data``.

    Examples
    --------
    >>> data_home("/data/framing").as_posix()
    '/data/framing'
    """
    if root is not None:
        return Path(root)
    env = os.environ.get("FRAMING_DATA_HOME")
    return Path(env) if env else Path.home() / "framing_data"


def _semeval_root(root: str | os.PathLike | None) -> Path:
    return data_home(root) / _SEMEVAL_DIR


def load_semeval2023(lang: str, root: str | os.PathLike | None = None) -> pd.DataFrame:
    """The SemEval-2023 Task 3 subtask 2 training articles of one language.

    Parameters
    ----------
    lang : str
        ISO 639-1 (``en it ru fr de pl``) or the task's folder name (``ge``, ``po``).
    root : path, optional
        The data home (see :func:`data_home`).

    Returns
    -------
    DataFrame
        Columns ``id`` (the article number), ``text`` (the body), ``title`` (first line),
        ``lang`` (ISO 639-1), ``frames`` (list of frame names, in the labels file's order),
        then the derived columns of :func:`~framing.corpus.read_corpus`. Rows in article
        order. :func:`semeval_labels` gives the 0/1 matrix.

    Raises
    ------
    FramingError
        When the folder is absent (saying where to get it) or holds the wrong number of
        articles.
    """
    folder = _ISO_TO_FOLDER.get(lang, lang)
    if folder not in SEMEVAL_ARTICLES:
        raise FramingError(
            f"no SemEval-2023 language {lang!r}; use one of en, it, ru, fr, de (ge), pl (po)")
    path = _semeval_root(root) / folder
    if not (path / "train-articles").is_dir() or not (path / "train-labels.txt").is_file():
        raise FramingError(
            f"SemEval-2023 data for {lang!r} not found at {path}. "
            + _SEMEVAL_SOURCE.format(where=_semeval_root(root))
            + " (or set FRAMING_DATA_HOME)."
        )
    frame = read_corpus(path, "semeval", near_duplicates=None)
    expected = SEMEVAL_ARTICLES[folder]
    if len(frame) != expected:
        raise FramingError(
            f"{path} holds {len(frame)} readable articles, expected {expected}: the copy is "
            "incomplete or not the official training release"
        )
    return frame


def semeval_frames(root: str | os.PathLike | None = None) -> list[str]:
    """The 14 frame names in the order of the task's ``frames.txt``."""
    path = _semeval_root(root) / "frames.txt"
    if not path.is_file():
        raise FramingError(
            f"{path} not found. " + _SEMEVAL_SOURCE.format(where=_semeval_root(root)))
    frames = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    return [name for name in frames if name]


def semeval_labels(
    frame: pd.DataFrame,
    frames: list[str] | None = None,
    root: str | os.PathLike | None = None,
) -> pd.DataFrame:
    """The 0/1 label matrix ``Y`` of a :func:`load_semeval2023` frame.

    One row per article (same index as ``frame``), one ``int8`` column per frame, in the
    order of ``frames`` (default: the task's ``frames.txt``, see :func:`semeval_frames`);
    ready for a multi-label scikit-learn estimator.

    Examples
    --------
    >>> df = pd.DataFrame({"frames": [["Political", "Economic"], []]})
    >>> semeval_labels(df, frames=["Economic", "Morality", "Political"])
       Economic  Morality  Political
    0         1         0          1
    1         0         0          0
    """
    names = semeval_frames(root) if frames is None else list(frames)
    unknown = sorted({f for labels in frame["frames"] if labels for f in labels} - set(names))
    if unknown:
        raise FramingError(f"labels not among the frames: {', '.join(unknown)}")
    rows = [[int(name in set(labels or ())) for name in names] for labels in frame["frames"]]
    return pd.DataFrame(rows, columns=names, index=frame.index, dtype="int8")


def load_euvsdisinfo(root: str | os.PathLike | None = None) -> pd.DataFrame:
    """The EUvsDisinfo database of pro-Kremlin disinformation cases (10,892, 2015-2021).

    The file's sha256 is checked against :data:`EUVSDISINFO_SHA256`.

    Returns
    -------
    DataFrame
        ``id`` (case URL), ``text`` (the one-line English summary of the claim),
        ``lang`` (``en``), ``date``, list columns ``countries``, ``keywords``,
        ``languages`` (of the original item), ``outlets``, then the derived columns of
        :func:`~framing.corpus.read_corpus`.
    """
    path = data_home(root) / "euvsdisinfo" / "posts.csv"
    if not path.is_file():
        raise FramingError(
            f"EUvsDisinfo data not found at {path}. Run framing.datasets.fetch_euvsdisinfo() "
            "or save data/posts.csv of the public GitHub repository cknabs/EUvsDisinfo there "
            "(or set FRAMING_DATA_HOME)."
        )
    digest = _sha256(path)
    if digest != EUVSDISINFO_SHA256:
        raise FramingError(
            f"{path} has sha256 {digest}, expected {EUVSDISINFO_SHA256} (the 2021-02-18 "
            "scrape): the file is damaged or a different version"
        )
    return read_corpus(path, "euvsdisinfo")


def fetch_euvsdisinfo(
    root: str | os.PathLike | None = None, *, url: str = EUVSDISINFO_URL, force: bool = False
) -> Path:
    """Download the EUvsDisinfo export into the data home, checking its sha256.

    The file is written atomically, and only if its checksum matches.
    """
    import urllib.request

    if not url.startswith("https://"):
        raise FramingError(f"refusing to download over a non-https URL: {url}")
    path = check_writable(data_home(root) / "euvsdisinfo" / "posts.csv", force)
    with urllib.request.urlopen(url, timeout=60) as response:
        data = response.read()
    digest = hashlib.sha256(data).hexdigest()
    if digest != EUVSDISINFO_SHA256:
        raise FramingError(
            f"{url} served a file with sha256 {digest}, expected {EUVSDISINFO_SHA256}; "
            "nothing was written"
        )
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return path


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def corpus_home(root: str | os.PathLike | None = None) -> Path:
    """The bundled corpora: ``root``, else ``$FRAMING_CORPUS_DIR``, else ``corpus/`` of the
    source tree this package was installed from."""
    if root is not None:
        return Path(root)
    if os.environ.get("FRAMING_CORPUS_DIR"):
        return Path(os.environ["FRAMING_CORPUS_DIR"])
    return Path(__file__).resolve().parent.parent / "corpus"


@dataclass(frozen=True)
class SoftpowerAid:
    """The bundled corpus: articles, both coders' annotations, and the adjudicated gold.

    Attributes
    ----------
    articles : DataFrame
        One row per article (``id, text, title, lang, date, outlet, outlet_type, country,
        donor`` (list), ``recipient, event`` and the derived columns of
        :func:`~framing.corpus.read_corpus`).
    annotations : DataFrame
        The long table ``unit_id, coder, variable, value, round`` (coders ``A`` and ``B``).
    gold : DataFrame
        ``unit_id, variable, value, source``: the adjudicated value of every unit and variable.
    """

    articles: pd.DataFrame
    annotations: pd.DataFrame
    gold: pd.DataFrame

    def gold_frames(self, frames: list[str] | tuple[str, ...]) -> pd.DataFrame:
        """Gold 0/1 frame codes as a wide table: ``id`` then one int column per frame."""
        wide = (self.gold[self.gold["variable"].isin(frames)]
                .pivot(index="unit_id", columns="variable", values="value")
                .reindex(columns=list(frames)).astype("int64"))
        wide = wide.reindex(self.articles["id"])
        wide.index.name = "id"
        return wide.reset_index()


def load_softpower_aid(root: str | os.PathLike | None = None) -> SoftpowerAid:
    """Load the bundled ``softpower-aid`` corpus, validated by the corpus reader.

    Raises
    ------
    FramingError
        When the corpus folder is missing (it ships with the source repository, not the
        wheel: pass ``root`` or set ``FRAMING_CORPUS_DIR``), or when its annotations or gold
        do not cover every article.
    """
    folder = corpus_home(root) / "softpower-aid"
    files = {name: folder / name for name in ("articles.jsonl", "annotations.csv", "gold.csv")}
    absent = [str(p) for p in files.values() if not p.is_file()]
    if absent:
        raise FramingError(
            f"the bundled corpus is not at {folder} (missing {absent}); it ships with the "
            "framing-analysis source repository: pass root= or set FRAMING_CORPUS_DIR"
        )
    articles = read_corpus(files["articles.jsonl"], near_duplicates=None, languages=None)
    annotations = pd.read_csv(files["annotations.csv"], dtype=str, keep_default_na=False)
    gold = pd.read_csv(files["gold.csv"], dtype=str, keep_default_na=False)
    ids = set(articles["id"])
    for name, table in (("annotations.csv", annotations), ("gold.csv", gold)):
        units = set(table["unit_id"])
        if units != ids:
            raise FramingError(
                f"{files[name]}: units do not match the articles "
                f"({len(ids - units)} articles uncoded, {len(units - ids)} unknown units)"
            )
    return SoftpowerAid(articles, annotations, gold)
