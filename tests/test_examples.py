"""Every example in pra_lib's docstrings runs and prints what it shows.

The numpydoc ``Examples`` sections are the first code a user copies; an example whose output
has drifted from the library teaches the wrong thing. Examples that need a whole report or a
loaded assessment are marked ``# doctest: +SKIP``; the rest run here, in the module's own
namespace, as ``python -m doctest`` would run them.
"""

from __future__ import annotations

import doctest
import importlib
import io
import pkgutil

import pytest

import pra_lib

MODULES = sorted(m.name for m in pkgutil.walk_packages(pra_lib.__path__, "pra_lib."))


@pytest.mark.parametrize("name", MODULES)
def test_the_docstring_examples_show_what_the_library_returns(name):
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    out = io.StringIO()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for test in finder.find(module, name, globs=vars(module).copy()):
        if test.examples and test.name.startswith(name):
            runner.run(test, out=out.write)
    assert runner.failures == 0, out.getvalue()


def test_the_examples_are_found():
    """The walk reaches the modules that hold examples, so a silent import change cannot empty the check."""
    assert {"pra_lib.publishing.disclosure_linked", "pra_lib.publishing.i18n", "pra_lib.stats.inference"} <= set(MODULES)
    module = importlib.import_module("pra_lib.publishing.i18n")
    assert any(t.examples for t in doctest.DocTestFinder().find(module, module.__name__))
