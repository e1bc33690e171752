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


def _register() -> None:
    from framing.cli import coding  # noqa: F401  (registers code, kwic, codebook)

    for name in ("corpus", "reliability", "classify", "casestudy"):
        try:
            __import__(f"framing.cli.{name}")
        except ModuleNotFoundError as exc:  # a concern that has not landed yet
            if exc.name != f"framing.cli.{name}":
                raise


_register()
