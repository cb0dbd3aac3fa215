"""The interactive map: folium elements, each a small class with its own template.

``compose`` puts the layers together; ``assets`` makes the page self-contained;
the other modules are one map element each.
"""
