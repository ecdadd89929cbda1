"""The statistics core: agreement, tests, intervals, composite indicators and weights.

Pure functions on arrays and tidy frames, checked against published reference values
(see ``docs/methods.md``). Nothing here knows about PRA chapters or reports.
"""

from .core import *  # noqa: F401,F403
from .core import __all__  # noqa: F401
