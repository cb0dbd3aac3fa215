"""Base classes for our map elements: their output is placed as it is, never re-templated.

branca renders a MacroElement's ``script`` macro and then wraps the result in
a new Element, which compiles it as a Jinja template a second time. With
layer text inside, that second pass would evaluate any ``{{ ... }}`` in a
feature's name as Jinja (Python code run at build time), and on a layer of
100,000 points it spends 0.2 s tokenising data. Our elements skip it.
"""

from __future__ import annotations

from branca.element import Element, Figure, MacroElement


class RawHTML(Element):
    """A piece of HTML placed as it is (branca's Element would compile it as a Jinja template)."""

    def __init__(self, html: str):
        super().__init__()
        self.html = html

    def render(self, **kwargs) -> str:
        return self.html


class ScriptElement(MacroElement):
    """A MacroElement whose ``script`` macro output goes into the page untouched."""

    def render(self, **kwargs) -> None:
        figure = self.get_root()
        assert isinstance(figure, Figure), "a map element must be inside a Figure"
        macros = self._template.module.__dict__
        for part in ("header", "html", "script"):
            if part in macros:
                getattr(figure, part).add_child(RawHTML(macros[part](self, kwargs)), name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)
