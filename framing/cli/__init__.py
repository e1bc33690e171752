"""The ``framing`` command line: one sub-command group per concern.

Each concern registers its commands in its own module of this package; this module only
assembles them.
"""

from __future__ import annotations

import click

from framing import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="framing")
def main() -> None:
    """Media-framing analysis: code, validate and report frames in news."""


from framing.cli import (  # noqa: E402, F401  (each module registers its commands)
    classify,
    coding,
    corpus,
    reliability,
    report,
)
