"""Run a command and report its peak resident set size.

Usage: python benchmarks/rss.py COMMAND [ARGS...]

The command's output is passed through; a last line ``RSS_CHILDREN_MAX_KIB=<n>`` gives
``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss`` after it ended. This wrapper has no
other child, so the figure is the command's own peak (including any processes it waited
for), not that of an earlier benchmark.
"""

import resource
import subprocess
import sys

if __name__ == "__main__":
    code = subprocess.call(sys.argv[1:])
    sys.stdout.flush()
    print(f"RSS_CHILDREN_MAX_KIB={resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}", flush=True)
    sys.exit(code)
