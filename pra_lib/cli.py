"""The ``pra`` command: validate an assessment, generate the sample, run the reports, reproduce a run."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_INVALID = 2
EXIT_BUSY = 3  # another run holds the output folder
EXIT_INTERRUPTED = 130


def _validate(args) -> int:
    from .assessment.loading import load_assessment
    from .assessment.problems import AssessmentError, format_problems

    status = EXIT_OK
    for path in args.paths:
        notes: list[str] = []
        try:
            loaded = load_assessment(path, errors="collect")
            problems, notes = loaded.problems, loaded.notes
        except AssessmentError as exc:
            problems = exc.problems
        if problems:
            status = EXIT_INVALID
            print(format_problems(problems, header=f"{path}: INVALID, {len(problems)} problem(s)", limit_per_group=args.max_rows))
        else:
            print(f"{path}: valid")
        for note in notes:
            print(f"  note: {note}")
    return status


def _sample(args) -> int:
    from .assessment.sample import generate_sample

    out = generate_sample(args.out, seed=args.seed, respondents=args.respondents, file_format=args.format)
    print(f"wrote synthetic assessment to {out} (seed {args.seed}, {args.respondents} respondents)")
    return EXIT_OK


def _run(args) -> int:
    from .assessment.problems import AssessmentError
    from .runner import OutputError, ParameterError, RunBusy, RunInterrupted, run_reports

    try:
        summary = run_reports(args.paths, out=args.out, only=args.only, jobs=args.jobs, timeout=args.timeout, min_cell_size=args.min_cell_size, parameters=_run_parameters(args), scheduler=args.scheduler, wait=args.wait, allow_small_cells=args.allow_small_cells)
    except AssessmentError as exc:
        print(str(exc), file=sys.stderr)
        print("Nothing was run. Fix the problems above, then run again (pra validate checks without running).", file=sys.stderr)
        return EXIT_INVALID
    except RunBusy as exc:
        print(f"pra run: {exc}", file=sys.stderr)
        return EXIT_BUSY
    except RunInterrupted:
        print(f"pra run: stopped on request; finished reports are in place, and {Path(args.out) / '<assessment-id>' / 'manifest.json'} says which", file=sys.stderr)
        return EXIT_INTERRUPTED
    except (ParameterError, ValueError, FileNotFoundError, OutputError) as exc:
        print(f"pra run: {exc}", file=sys.stderr)
        return EXIT_INVALID
    failed = summary.failed
    print(f"{len(summary.results) - len(failed)} of {len(summary.results)} notebook(s) succeeded; reports in {Path(args.out).resolve()}")
    for problem in summary.problems:
        print(f"pra run: {problem}", file=sys.stderr)
    if failed:
        print("Failed: " + ", ".join(f"{r.assessment_id}/{r.notebook}" for r in failed), file=sys.stderr)
        return EXIT_FAILED
    return EXIT_FAILED if summary.problems else EXIT_OK


def _reproduce(args) -> int:
    from .reproduce import ManifestError, reproduce

    try:
        result = reproduce(args.manifest, assessment=args.assessment, out=args.out, jobs=args.jobs, timeout=args.timeout)
    except ManifestError as exc:
        print(f"pra reproduce: {exc}", file=sys.stderr)
        return EXIT_INVALID
    return result.exit_code


def _run_parameters(args) -> dict:
    """The notebook parameters of ``pra run``: ``-p NAME=VALUE`` pairs, plus ``lang`` from
    ``--lang``, ``small_categories`` from ``--small-categories`` and ``figure_formats`` from
    ``--figure-formats``."""
    parameters = dict(args.param or [])
    if getattr(args, "small_categories", None) is not None:
        parameters["small_categories"] = args.small_categories
    if getattr(args, "figure_formats", None) is not None:
        parameters["figure_formats"] = args.figure_formats
    if args.lang is not None:
        # Only when asked: notebooks that do not declare lang (custom ones) still run without it.
        parameters["lang"] = args.lang
    return parameters


def _figure_formats(text: str) -> str:
    from .publishing.report import figure_formats_option

    try:
        return ",".join(figure_formats_option(text))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _name_value(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, not {text!r}")
    return name.strip(), value


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pra", description="Analyse a Preliminary Resilience Assessment (PRA).")
    sub = parser.add_subparsers(dest="command", required=True)

    v = sub.add_parser("validate", help="check an assessment folder and list every problem")
    v.add_argument("paths", nargs="+", help="assessment folder(s)")
    v.add_argument("--max-rows", type=_positive_int, default=20, help="rows listed per file, column and kind of problem (default 20)")
    v.set_defaults(func=_validate)

    s = sub.add_parser("sample", help="write the synthetic Jakarta-like sample assessment")
    s.add_argument("out", help="folder to write")
    s.add_argument("--seed", type=int, default=2017)
    s.add_argument("--respondents", type=_positive_int, default=600, help="questionnaire respondents (default 600)")
    s.add_argument("--format", choices=("csv", "parquet"), default="csv", help="file format of the tables (default csv)")
    s.set_defaults(func=_sample)

    r = sub.add_parser("run", help="run the report notebooks and render them as HTML")
    r.add_argument("paths", nargs="+", help="assessment folder(s)")
    r.add_argument("--out", default="outputs", help="output folder (default: outputs)")
    r.add_argument("--only", nargs="+", metavar="NAME", help="run only these notebooks (name or number prefix, e.g. 00_data_overview or 00)")
    r.add_argument("--jobs", type=_positive_int, default=1, help="notebooks to run in parallel (default 1)")
    r.add_argument("--timeout", type=_positive_int, default=600, help="seconds one cell may run (default 600)")
    r.add_argument("--min-cell-size", type=_positive_int, default=5, help="suppress cells resting on fewer respondents (default 5; below 3 needs --allow-small-cells)")
    r.add_argument("--allow-small-cells", action="store_true", help="allow a --min-cell-size (or -p min_cell_size) below 3, which publishes counts of one or two people")
    r.add_argument("--wait", type=float, default=0, metavar="SECONDS", help="if another pra run is writing to the same --out, wait up to this long for it (default: refuse at once, exit 3)")
    r.add_argument("--scheduler", metavar="ADDRESS", help="run on a Dask distributed cluster, e.g. tcp://scheduler:8786 (needs the dask extra)")
    r.add_argument(
        "--small-categories",
        choices=("merge", "suppress"),
        help="a category (area, stakeholder group, workshop table...) of fewer than --min-cell-size people: merge it into 'other' before analysis (the default), or suppress it in every table; passed to the notebooks as their small_categories parameter",
    )
    r.add_argument(
        "--figure-formats",
        type=_figure_formats,
        metavar="png[,svg]",
        help="files written per figure: png (the default, shown in the HTML report), svg, or png,svg for report writers who place figures in Word or a layout program",
    )
    r.add_argument("--lang", choices=("en", "id"), help="report language: en (English, the default) or id (Indonesian); passed to the notebooks as their lang parameter")
    r.add_argument("-p", "--param", action="append", type=_name_value, metavar="NAME=VALUE", help="a notebook parameter, e.g. -p seed=7; checked against what the notebooks declare")
    r.set_defaults(func=_run)

    rp = sub.add_parser("reproduce", help="run again what a manifest.json records and compare every published file")
    rp.add_argument("manifest", help="the manifest.json of the run to reproduce")
    rp.add_argument("--assessment", metavar="PATH", help="the assessment folder (default: the path the manifest records)")
    rp.add_argument("--out", metavar="DIR", help="a new folder for the reproduction (default: outputs/reproduced/<assessment-id>-<time>)")
    rp.add_argument("--jobs", type=_positive_int, default=1, help="notebooks to run in parallel (default 1); does not change the outputs")
    rp.add_argument("--timeout", type=_positive_int, default=600, help="seconds one cell may run (default 600)")
    rp.set_defaults(func=_reproduce)

    from .assessment import importers, template

    importers.register_cli(sub)
    template.register_cli(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
