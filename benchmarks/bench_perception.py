"""The whole perception analysis on synthetic data, run in its own process.

Usage: python benchmarks/bench_perception.py RESPONDENTS [--seed N] [--resamples B]

Builds the performance and importance frames (compact dtypes: Int8 ratings, categorical
ids and groups; 12 ratings per respondent and aspect), then computes every perception
table of the questionnaire report (no figures) and prints one JSON line with the times.
Run it through ``rss.py`` to get the peak RSS of the process.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("respondents", type=int)
    parser.add_argument("--seed", type=int, default=2017)
    parser.add_argument("--resamples", type=int, default=2000)
    args = parser.parse_args()

    start = time.perf_counter()
    from pra_lib import perception

    import bench_data

    imported = time.perf_counter() - start
    start = time.perf_counter()
    perf = bench_data.perception_frame(args.respondents, seed=args.seed, aspect="performance")
    imp = bench_data.perception_frame(args.respondents, seed=args.seed, aspect="importance", ids=perf["respondent_id"].cat.categories)
    built = time.perf_counter() - start
    built_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    frame_mb = (perf.memory_usage(deep=True).sum() + imp.memory_usage(deep=True).sum()) / 2**20

    boot = dict(n_resamples=args.resamples, seed=args.seed)
    # The target set named in issue #7, then the rest of the questionnaire report's tables.
    core = [
        ("scores overall", lambda: perception.scores(perf, **boot)),
        ("scores by stakeholder group", lambda: perception.scores(perf, by="stakeholder_group", **boot)),
        ("scores by channel", lambda: perception.scores(perf, by="channel", **boot)),
        ("scores by area", lambda: perception.scores(perf, by="area", **boot)),
        ("importance_performance", lambda: perception.importance_performance(perf, imp, **boot)),
        ("group_differences", lambda: perception.group_differences(perf, between="stakeholder_group")),
        ("mode_effect", lambda: perception.mode_effect(perf)),
        ("agreement by stakeholder group", lambda: perception.agreement(perf, by="stakeholder_group")),
    ]
    extended = [
        ("respondents by group and channel", lambda: perception.respondents(perf, by=["stakeholder_group", "channel"])),
        ("scores by dimension", lambda: perception.scores(perf, level="dimension", **boot)),
        ("likert_counts overall", lambda: perception.likert_counts(perf)),
        ("likert_counts by stakeholder group", lambda: perception.likert_counts(perf, by="stakeholder_group")),
        ("posthoc (significant goals)", lambda: perception.posthoc(perf, between="stakeholder_group", significant_only=True)),
    ]
    results = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # e.g. the Kepulauan Seribu cells; not what is measured
        for part, tables in (("core", core), ("extended", extended)):
            for name, make in tables:
                t = time.perf_counter()
                table = make()
                seconds = time.perf_counter() - t
                peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
                results.append({"part": part, "table": name, "seconds": seconds, "rows": int(len(table)), "maxrss_mib": peak})
    print(json.dumps({
        "respondents": args.respondents,
        "ratings_per_aspect": int(len(perf)),
        "import_seconds": imported,
        "build_seconds": built,
        "frame_mib": frame_mb,
        "maxrss_after_build_mib": built_rss,
        "tables": results,
        "self_maxrss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


if __name__ == "__main__":
    main()
