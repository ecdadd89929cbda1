"""``pra import kobo`` and ``pra import gforms``: the command line of the importers."""

from __future__ import annotations

import argparse
import sys
import warnings

from ._common import ImportDataError
from .run import import_gforms, import_kobo


EXIT_OK = 0
EXIT_FAILED = 1
EXIT_INVALID = 2


def _cli_import(args) -> int:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # the summary lists unmapped questions
            if args.source == "kobo":
                result = import_kobo(args.export, form=args.form, mapping=args.mapping, into=args.into, metadata=args.metadata, force=args.force, dry_run=args.dry_run)
            else:
                result = import_gforms(args.responses, mapping=args.mapping, into=args.into, metadata=args.metadata, force=args.force, dry_run=args.dry_run)
    except ImportDataError as exc:
        print(f"pra import {args.source}: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except OSError as exc:
        print(f"pra import {args.source}: could not write: {exc}", file=sys.stderr)
        return EXIT_FAILED
    print(result.summary())
    return EXIT_OK


def register_cli(subparsers) -> argparse.ArgumentParser:
    """Add ``pra import kobo`` and ``pra import gforms`` to the ``pra`` command.

    Examples
    --------
    >>> parser = argparse.ArgumentParser(prog="pra")
    >>> sub = parser.add_subparsers(dest="command", required=True)
    >>> _ = register_cli(sub)
    >>> parser.parse_args(["import", "gforms", "r.csv", "--mapping", "m.yaml", "--into", "d"]).source
    'gforms'
    """
    p = subparsers.add_parser("import", help="import questionnaire answers from KoboToolbox/ODK or Google Forms",
                              description="Turn a survey tool's export into participants.csv and perception_ratings.csv of an assessment folder. See docs/importing.md.")
    tools = p.add_subparsers(dest="source", required=True, metavar="{kobo,gforms}")

    def common(q):
        q.add_argument("--mapping", required=True, help="mapping file (YAML): which question is which goal rating and respondent attribute")
        q.add_argument("--into", required=True, help="assessment folder holding assessment.yaml (the tables are written there)")
        q.add_argument("--metadata", help="metadata file to copy into the folder as assessment.yaml")
        q.add_argument("--force", action="store_true", help="replace existing participants.csv / perception_ratings.csv")
        q.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
        q.set_defaults(func=_cli_import)

    k = tools.add_parser("kobo", help="a KoboToolbox/ODK XLSX export and its XLSForm")
    k.add_argument("export", help="XLSX data export (XML values and headers)")
    k.add_argument("--form", required=True, help="the XLSForm (XLSX with survey and choices sheets)")
    common(k)
    g = tools.add_parser("gforms", help="a Google Forms responses CSV")
    g.add_argument("responses", help="responses CSV downloaded from Google Forms or Sheets")
    common(g)
    return p
