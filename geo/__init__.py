"""Hengyang High-tech Zone maps: layers, measurements, audits and the interactive map.

The modules name their jobs: ``layers`` reads, checks and writes layers;
``measure`` measures on the ellipsoid; ``areas`` builds area summaries;
``audit`` weighs declared figures against the layers; ``crs`` handles
coordinate systems; ``webmap`` composes the HTML map; ``output`` writes files
atomically. The ``geo`` command line is a thin shell over them.
"""

__version__ = "0.1.0"
