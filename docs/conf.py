"""Sphinx configuration of the sklearn-textgan documentation.

Build with ``sphinx-build -W -b html docs docs/_build/html`` (needs the
``docs`` extra). The API reference is generated from the docstrings: the
``public-api`` directive below documents every name of a module's ``__all__``,
so a new public function appears without editing any page.
"""

from __future__ import annotations

import importlib
import inspect
import re

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective

import sklearn_textgan

project = "sklearn-textgan"
author = "the sklearn-textgan developers"
copyright = "the sklearn-textgan developers"  # noqa: A001 - the name Sphinx reads
release = sklearn_textgan.__version__
version = release

extensions = ["sphinx.ext.autodoc", "numpydoc"]

# Nothing is fetched from the network (no intersphinx): the build must work offline.
exclude_patterns = ["_build"]
html_theme = "alabaster"
html_theme_options = {"description": "Text GANs with the scikit-learn API", "fixed_sidebar": True}
html_static_path: list[str] = []

autodoc_default_options = {"members": True, "member-order": "bysource"}
autodoc_typehints = "none"  # the numpydoc sections already give the types
# numpydoc's member tables need autosummary stub pages; autodoc lists members instead.
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False


# A word ending in "_" (a fitted attribute such as max_length_) is a hyperlink
# reference in reStructuredText. In a numpydoc type ("ndarray of shape
# (n_samples, max_length_ + 1)") it is meant literally: escape it there.
_TYPE_LINE = re.compile(r"^(\s*\*{0,2}\w[\w, *]*) : (.*)$")
_TRAILING_UNDERSCORE = re.compile(r"(?<![\w\\])(\w*[A-Za-z0-9])_(?!\w)")


def _escape_types(app, what, name, obj, options, lines: list[str]) -> None:
    in_doctest = False
    for index, line in enumerate(lines):
        stripped = line.strip()
        in_doctest = stripped.startswith(">>>") or (in_doctest and bool(stripped))
        match = _TYPE_LINE.match(line)
        if in_doctest or not match:
            continue
        # Only outside ``literals``: the odd pieces of a split on "``" are literals.
        pieces = match.group(2).split("``")
        pieces[::2] = [_TRAILING_UNDERSCORE.sub(r"\1\\_", piece) for piece in pieces[::2]]
        lines[index] = f"{match.group(1)} : {'``'.join(pieces)}"


def _skip_member(app, what, name, obj, skip, options):
    # scikit-learn's metadata-routing setters (set_fit_request, ...) are
    # generated for every estimator and documented by scikit-learn itself.
    if re.fullmatch(r"set_\w+_request", name):
        return True
    return None


class PublicAPI(SphinxDirective):
    """``.. public-api:: module``: autodoc entries for each name of ``module.__all__``."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        module_name = self.arguments[0]
        module = importlib.import_module(module_name)
        lines = []
        for name in module.__all__:
            if name.startswith("__"):
                continue  # __version__
            value = getattr(module, name)
            target = f"{module_name}.{name}"
            if inspect.isclass(value):
                lines += [f".. autoclass:: {target}", ""]
            elif callable(value):
                lines += [f".. autofunction:: {target}", ""]
            else:
                # Registries (dicts of name -> class) and constants: list the keys.
                lines += [f".. py:data:: {target}", ""]
                if isinstance(value, dict):
                    keys = ", ".join(f'``"{key}"``' for key in value)
                    lines += [f"   A dict with the keys {keys}.", ""]
                else:
                    lines += [f"   Value: ``{value!r}``.", ""]
        container = nodes.container()
        self.state.nested_parse(StringList(lines, source=module_name), 0, container)
        return container.children


def setup(app):
    # override: a second build in the same process (the tests) registers it again.
    app.add_directive("public-api", PublicAPI, override=True)
    # Before numpydoc (priority 500) turns the sections into reStructuredText.
    app.connect("autodoc-process-docstring", _escape_types, priority=100)
    app.connect("autodoc-skip-member", _skip_member)
    return {"parallel_read_safe": True}
