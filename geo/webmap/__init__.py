"""The interactive map: folium elements, each a small class with its own template.

``content`` says what the map shows, as plain data; ``compose`` places it in a
folium tree; ``webpage`` renders and writes it; ``assets`` makes the page
self-contained; ``static/hz.js`` is the runtime, a Leaflet plugin. The other
modules are one map element each.
"""
