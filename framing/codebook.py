"""Codebooks: frames, their coding rules and their multilingual lexicons, as validated data.

A codebook is a YAML file (format: ``docs/codebook-format.md``). :func:`load_codebook` reads a
packaged codebook by name or any file by path into frozen dataclasses that check themselves on
construction; every error names the file, the frame and the pattern.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass, field, fields
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import yaml

from framing.errors import CodebookError

__all__ = [
    "Codebook",
    "Frame",
    "Negation",
    "Pattern",
    "Variable",
    "available_codebooks",
    "load_codebook",
    "normalize",
]

_ID = re.compile(r"[a-z][a-z0-9_]*\Z")
_NAME = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
_LANG = re.compile(r"[a-z]{2}\Z")
# What the coder folds before matching, so patterns are folded the same way.
_FOLD = str.maketrans({"ё": "е", "’": "'", "‘": "'", "ʼ": "'", "`": "'", "‐": "-", "‑": "-"})
_PATTERN_TOKEN = re.compile(r"\w+\*?|[^\w\s]")
_PUNCT = ("'", "-", "|")
_STARTS_WORD = re.compile(r"\w")

PatternKind = Literal["word", "stem", "phrase", "regex"]
VariableKind = Literal["nominal", "ordinal", "multi"]


def normalize(text: str) -> str:
    """Fold ``text`` the way the lexicon coder does: lower case, ``ё`` as ``е``, one apostrophe.

    Examples
    --------
    >>> normalize("Dall’Европа ЁЛКА")
    "dall'европа елка"
    """
    return text.lower().translate(_FOLD)


@dataclass(frozen=True)
class Pattern:
    """One lexicon entry, parsed.

    ``tokens`` are the pattern's words and the apostrophes/hyphens written in it, in order; a
    word ending in ``*`` is a stem. ``kind`` is ``word``, ``stem``, ``phrase`` or ``regex``.

    Examples
    --------
    >>> Pattern.parse("Abandon* Italy").tokens
    ('abandon*', 'italy')
    >>> Pattern.parse("dall'europa").kind
    'phrase'
    """

    text: str
    kind: PatternKind
    tokens: tuple[str, ...] = ()
    regex: re.Pattern[str] | None = field(default=None, compare=False, repr=False)

    @classmethod
    def parse(cls, text: str) -> Pattern:
        """Parse a pattern as written in a codebook; raise ``ValueError`` saying what is wrong."""
        if not isinstance(text, str):
            raise ValueError(f"a pattern must be a string, not {type(text).__name__}")
        if not text.strip():
            raise ValueError("empty pattern")
        if text.startswith("re:"):
            source = text[3:]
            try:
                compiled = re.compile(source)
            except re.error as exc:
                raise ValueError(f"invalid regular expression ({exc})") from None
            if compiled.match(""):
                raise ValueError("the regular expression matches the empty string")
            return cls(text, "regex", (), compiled)
        folded = normalize(text.strip())
        if re.search(r"\*\w|(?<!\w)\*|\*\*", folded):
            raise ValueError("'*' may only end a word (a stem), as in 'solidar*'")
        tokens = []
        for m in _PATTERN_TOKEN.finditer(folded):
            piece = m.group()
            tokens.append(piece if piece in _PUNCT or _STARTS_WORD.match(piece) else "|")
        if all(t in _PUNCT for t in tokens):
            raise ValueError("a pattern needs at least one word")
        words = [t for t in tokens if t not in _PUNCT]
        if any(len(w.rstrip("*")) < 2 and w.endswith("*") for w in words):
            raise ValueError("a stem needs at least two letters before '*'")
        if len(tokens) > 1:
            kind: PatternKind = "phrase"
        else:
            kind = "stem" if tokens[0].endswith("*") else "word"
        return cls(text, kind, tuple(tokens))


class _ReadOnlyMappings:
    """Pickling for a frozen dataclass holding read-only mappings, which cannot be pickled
    as they are: they travel as dicts and are made read-only again."""

    def __reduce__(self):
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        proxies = tuple(k for k, v in values.items() if isinstance(v, MappingProxyType))
        for k in proxies:
            values[k] = dict(values[k])
        return (_rebuild, (type(self), values, proxies))


def _rebuild(cls, values: dict, proxies: tuple[str, ...]):
    return cls(**{k: MappingProxyType(v) if k in proxies else v for k, v in values.items()})


@dataclass(frozen=True)
class Negation(_ReadOnlyMappings):
    """The negation rule: a match preceded by a cue within ``window`` tokens is negated."""

    window: int
    cues: MappingProxyType  # lang -> tuple[str, ...]


@dataclass(frozen=True)
class Variable:
    """An article-level variable other than the frames (``donor``, ``tone_to_donor``, ...)."""

    id: str
    kind: VariableKind
    values: tuple[str, ...]
    label: str = ""
    definition: str = ""
    include: tuple[str, ...] = ()


@dataclass(frozen=True)
class Frame(_ReadOnlyMappings):
    """A frame: its definition, coding rules, examples and a lexicon per language."""

    id: str
    label: str
    definition: str
    include: tuple[str, ...]
    exclude: tuple[str, ...]
    examples: tuple[str, ...]
    lexicon: MappingProxyType  # lang -> tuple[Pattern, ...]
    exclude_patterns: MappingProxyType  # lang -> tuple[Pattern, ...]
    negation: bool = True

    def patterns(self, lang: str) -> tuple[Pattern, ...]:
        """The frame's patterns for ``lang`` (empty when it has none)."""
        return self.lexicon.get(lang, ())


@dataclass(frozen=True)
class Codebook:
    """A validated codebook. Build it with :func:`load_codebook`.

    Examples
    --------
    >>> cb = load_codebook("softpower-aid")
    >>> cb.frame_ids[:2]
    ('goodwill_branding', 'humanitarian_aid')
    >>> cb.languages
    ('en', 'it', 'ru')
    """

    name: str
    version: str
    title: str
    description: str
    languages: tuple[str, ...]
    frames: tuple[Frame, ...]
    variables: tuple[Variable, ...] = ()
    negation: Negation | None = None
    source: str = "<memory>"

    def __deepcopy__(self, memo) -> Codebook:
        return self  # immutable: sharing is safe, and sklearn's clone deep-copies parameters

    @property
    def frame_ids(self) -> tuple[str, ...]:
        """The frame ids in codebook order."""
        return tuple(f.id for f in self.frames)

    def frame(self, frame_id: str) -> Frame:
        """The frame with id ``frame_id``; ``KeyError`` naming the known ids otherwise."""
        for f in self.frames:
            if f.id == frame_id:
                return f
        raise KeyError(f"unknown frame {frame_id!r}; this codebook has {list(self.frame_ids)}")

    def n_patterns(self, lang: str | None = None) -> int:
        """How many lexicon patterns the codebook has (for one language, or all)."""
        langs = self.languages if lang is None else (lang,)
        return sum(len(f.patterns(lg)) for f in self.frames for lg in langs)

    def summary(self):
        """One row per frame: id, label, and the number of patterns per language (a DataFrame)."""
        import pandas as pd

        rows = []
        for f in self.frames:
            row = {"frame": f.id, "label": f.label}
            row.update({f"patterns_{lg}": len(f.patterns(lg)) for lg in self.languages})
            rows.append(row)
        return pd.DataFrame(rows)


_TOP_KEYS = {"name", "version", "title", "description", "languages", "negation", "variables",
             "frames"}
_TOP_REQUIRED = {"name", "version", "languages", "frames"}
_FRAME_KEYS = {"id", "label", "definition", "include", "exclude", "examples", "lexicon",
               "exclude_patterns", "negation"}
_FRAME_REQUIRED = {"id", "label", "definition", "lexicon"}
_VAR_KEYS = {"id", "kind", "values", "label", "definition", "include"}


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """YAML 1.2 booleans: only true/false. (YAML 1.1 would read the cue ``no`` as False.)"""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise CodebookError(f"{where}: expected a list of strings")
    return tuple(value)


def _unknown(keys: set, allowed: set, where: str) -> None:
    extra = sorted(map(str, keys - allowed))
    if extra:
        raise CodebookError(f"{where}: unknown key(s) {extra}; allowed: {sorted(allowed)}")


def _patterns(
    raw: Any, languages: tuple[str, ...], where: str, *, require_all: bool
) -> MappingProxyType:
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise CodebookError(f"{where}: expected a mapping of language -> list of patterns")
    out: dict[str, tuple[Pattern, ...]] = {}
    for lang, items in raw.items():
        if lang not in languages:
            raise CodebookError(
                f"{where}: unknown language {lang!r}; the codebook declares {list(languages)}"
            )
        seen: dict[tuple, str] = {}
        parsed = []
        for text in _strings(items, f"{where}, language {lang!r}"):
            try:
                pattern = Pattern.parse(text)
            except ValueError as exc:
                raise CodebookError(
                    f"{where}, language {lang!r}, pattern {text!r}: {exc}"
                ) from None
            key = (pattern.kind, pattern.tokens or pattern.text)
            if key in seen:
                raise CodebookError(
                    f"{where}, language {lang!r}, pattern {text!r}: duplicate of {seen[key]!r}"
                )
            seen[key] = text
            parsed.append(pattern)
        if require_all and not parsed:
            raise CodebookError(f"{where}, language {lang!r}: empty lexicon")
        out[lang] = tuple(parsed)
    if require_all:
        missing = [lg for lg in languages if lg not in out]
        if missing:
            raise CodebookError(f"{where}: empty lexicon for language(s) {missing}")
    return MappingProxyType(out)


def _frame(raw: Any, languages: tuple[str, ...], source: str, index: int) -> Frame:
    if not isinstance(raw, dict):
        raise CodebookError(f"{source}: frame #{index + 1}: expected a mapping")
    fid = raw.get("id")
    where = f"{source}: frame {fid!r}" if fid is not None else f"{source}: frame #{index + 1}"
    _unknown(set(raw), _FRAME_KEYS, where)
    missing = sorted(_FRAME_REQUIRED - set(raw))
    if missing:
        raise CodebookError(f"{where}: missing required key(s) {missing}")
    if not isinstance(fid, str) or not _ID.match(fid):
        raise CodebookError(f"{where}: id must match [a-z][a-z0-9_]* (got {fid!r})")
    negation = raw.get("negation", True)
    if not isinstance(negation, bool):
        raise CodebookError(f"{where}: negation must be true or false")
    return Frame(
        id=fid,
        label=str(raw["label"]),
        definition=" ".join(str(raw["definition"]).split()),
        include=_strings(raw.get("include"), f"{where}, include"),
        exclude=_strings(raw.get("exclude"), f"{where}, exclude"),
        examples=_strings(raw.get("examples"), f"{where}, examples"),
        lexicon=_patterns(raw["lexicon"], languages, f"{where}, lexicon", require_all=True),
        exclude_patterns=_patterns(
            raw.get("exclude_patterns"), languages, f"{where}, exclude_patterns",
            require_all=False,
        ),
        negation=negation,
    )


def _negation(raw: Any, languages: tuple[str, ...], source: str) -> Negation | None:
    if raw is None:
        return None
    where = f"{source}: negation"
    if not isinstance(raw, dict):
        raise CodebookError(f"{where}: expected a mapping with 'window' and 'cues'")
    _unknown(set(raw), {"window", "cues"}, where)
    window = raw.get("window", 3)
    if not isinstance(window, int) or isinstance(window, bool) or not 1 <= window <= 10:
        raise CodebookError(f"{where}: window must be a whole number from 1 to 10")
    cues = raw.get("cues") or {}
    if not isinstance(cues, dict):
        raise CodebookError(f"{where}: cues must map a language to a list of words")
    out = {}
    for lang, words in cues.items():
        if lang not in languages:
            raise CodebookError(f"{where}: unknown language {lang!r}")
        folded = []
        for w in _strings(words, f"{where}, language {lang!r}"):
            if not re.fullmatch(r"\w+", normalize(w)):
                raise CodebookError(f"{where}, language {lang!r}, cue {w!r}: a cue is one word")
            folded.append(normalize(w))
        out[lang] = tuple(folded)
    return Negation(window, MappingProxyType(out))


def _variable(raw: Any, source: str, index: int) -> Variable:
    if not isinstance(raw, dict) or "id" not in raw:
        raise CodebookError(f"{source}: variable #{index + 1}: expected a mapping with an id")
    where = f"{source}: variable {raw['id']!r}"
    _unknown(set(raw), _VAR_KEYS, where)
    kind = raw.get("kind", "nominal")
    if kind not in ("nominal", "ordinal", "multi"):
        raise CodebookError(f"{where}: kind must be nominal, ordinal or multi (got {kind!r})")
    values = raw.get("values") or []
    if not isinstance(values, list) or not values:
        raise CodebookError(f"{where}: values must be a non-empty list")
    return Variable(
        id=str(raw["id"]),
        kind=kind,
        values=tuple(str(v) for v in values),
        label=str(raw.get("label", "")),
        definition=" ".join(str(raw.get("definition", "")).split()),
        include=_strings(raw.get("include"), f"{where}, include"),
    )


def codebook_from_dict(raw: Any, source: str = "<memory>") -> Codebook:
    """Validate a parsed YAML document and build a :class:`Codebook`.

    Raises
    ------
    CodebookError
        Naming ``source``, the frame and the pattern at fault.
    """
    if not isinstance(raw, dict):
        raise CodebookError(f"{source}: a codebook must be a YAML mapping")
    _unknown(set(raw), _TOP_KEYS, source)
    missing = sorted(_TOP_REQUIRED - set(raw))
    if missing:
        raise CodebookError(f"{source}: missing required key(s) {missing}")
    name = raw["name"]
    if not isinstance(name, str) or not _NAME.match(name):
        raise CodebookError(f"{source}: name must match [a-z0-9][a-z0-9-]* (got {name!r})")
    version = raw["version"]
    if not isinstance(version, str | int | float) or not str(version).strip():
        raise CodebookError(f"{source}: version must be a non-empty string such as '1.0.0'")
    languages = _strings(raw["languages"], f"{source}: languages")
    if not languages:
        raise CodebookError(f"{source}: languages must list at least one language")
    for lang in languages:
        if not _LANG.match(lang):
            raise CodebookError(f"{source}: language {lang!r} is not an ISO 639-1 code")
    frames_raw = raw["frames"]
    if not isinstance(frames_raw, list) or not frames_raw:
        raise CodebookError(f"{source}: frames must be a non-empty list")
    frames = tuple(_frame(f, languages, source, i) for i, f in enumerate(frames_raw))
    ids = [f.id for f in frames]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise CodebookError(f"{source}: duplicate frame id(s) {dupes}")
    variables = tuple(_variable(v, source, i) for i, v in enumerate(raw.get("variables") or []))
    clash = sorted({v.id for v in variables} & set(ids))
    if clash:
        raise CodebookError(f"{source}: variable id(s) {clash} clash with frame ids")
    return Codebook(
        name=name,
        version=str(version),
        title=str(raw.get("title", name)),
        description=" ".join(str(raw.get("description", "")).split()),
        languages=languages,
        frames=frames,
        variables=variables,
        negation=_negation(raw.get("negation"), languages, source),
        source=source,
    )


def available_codebooks() -> list[str]:
    """Names of the codebooks packaged with framing.

    Examples
    --------
    >>> "softpower-aid" in available_codebooks()
    True
    """
    root = resources.files("framing.codebooks")
    return sorted(p.name[:-5] for p in root.iterdir() if p.name.endswith(".yaml"))


def load_codebook(name_or_path: str | os.PathLike | Codebook = "softpower-aid") -> Codebook:
    """Load a packaged codebook by name, or a codebook file by path.

    Parameters
    ----------
    name_or_path : str, path or Codebook
        A packaged name (see :func:`available_codebooks`), optionally pinned to a version
        (``"softpower-aid@1.0.0"``: the current version or one kept in the archive), a path to
        a YAML file, or a :class:`Codebook` (returned as is).

    Raises
    ------
    CodebookError
        When the file is missing, is not valid YAML, or breaks a rule of the format; the
        message names the file, the frame and the pattern.

    Examples
    --------
    >>> cb = load_codebook("softpower-aid")
    >>> cb.name, len(cb.frames)
    ('softpower-aid', 10)
    """
    if isinstance(name_or_path, Codebook):
        return name_or_path
    text_name = str(name_or_path)
    if "@" in text_name and _NAME.match(text_name.split("@")[0]):
        return _load_version(*text_name.split("@", 1))
    packaged = resources.files("framing.codebooks") / f"{text_name}.yaml"
    if _NAME.match(text_name) and packaged.is_file():
        source, path = f"{text_name}.yaml", Path(str(packaged))
    else:
        path = Path(name_or_path)
        if not path.is_file():
            raise CodebookError(
                f"no codebook {text_name!r}: not a file, and not one of the packaged "
                f"codebooks {available_codebooks()}"
            )
        source = str(path)
    stat = path.stat()
    return _load_file(path.resolve(), source, stat.st_mtime_ns, stat.st_size)


def _load_version(name: str, version: str) -> Codebook:
    """A packaged codebook at an exact version: the current one, or one kept in the archive."""
    current = load_codebook(name)
    if current.version == version:
        return current
    archived = resources.files("framing.codebooks") / "archive" / f"{name}-{version}.yaml"
    if not archived.is_file():
        kept = sorted(p.name[len(name) + 1:-5] for p in
                      (resources.files("framing.codebooks") / "archive").iterdir()
                      if p.name.startswith(f"{name}-") and p.name.endswith(".yaml"))
        raise CodebookError(
            f"no version {version!r} of codebook {name!r}: the current version is "
            f"{current.version!r} and the archive has {kept}"
        )
    path = Path(str(archived))
    stat = path.stat()
    return _load_file(path.resolve(), f"{name}@{version}", stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=32)
def _load_file(path: Path, source: str, mtime_ns: int, size: int) -> Codebook:
    """Parse and validate a codebook file; cached while the file is unchanged."""
    try:
        content = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise CodebookError(f"{source}: not UTF-8 ({exc.reason} at byte {exc.start})") from None
    try:
        raw = yaml.load(content, Loader=_Loader)  # noqa: S506 (a SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise CodebookError(f"{source}{where}: invalid YAML ({problem})") from None
    return codebook_from_dict(raw, source)
