"""The package surface: every public name resolves, and importing stays light."""

from __future__ import annotations

import subprocess
import sys

import pytest

import framing


def test_every_public_name_resolves():
    for name in framing.__all__:
        assert getattr(framing, name) is not None, name
    assert set(framing.__all__) <= set(dir(framing))
    assert framing.reliability.alpha is framing.alpha  # submodules as attributes too
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        framing.nope  # noqa: B018


@pytest.mark.parametrize("module", ["framing", "framing.scale", "framing.cli"])
def test_import_does_not_load_scikit_learn(module):
    # Worker processes import framing.scale (and the command line): they must start fast.
    code = (f"import sys, {module}; "
            "print(sorted(m for m in ('sklearn', 'scipy', 'matplotlib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_codebooks_and_input_errors_survive_pickling():
    # Both cross process boundaries: codebooks to workers, errors back from them.
    import pickle

    from framing.errors import InputError, Problem

    cb = framing.load_codebook("softpower-aid")
    again = pickle.loads(pickle.dumps(cb))
    assert again == cb
    assert type(again.frames[0].lexicon) is type(cb.frames[0].lexicon)  # still read-only
    with pytest.raises(TypeError):
        again.frames[0].lexicon["xx"] = ()
    err = InputError([Problem("a.csv", "text is missing", line=3, field="text"),
                      Problem("a.csv", "bad id", line=9, field="id")], summary="2 problems")
    back = pickle.loads(pickle.dumps(err))
    assert (type(back), back.problems, str(back)) == (InputError, err.problems, str(err))
