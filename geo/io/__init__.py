"""Reading and writing each format, one module per family, as geopandas keeps ``io/``.

``geojson`` (strict GeoJSON, with ``geojson_rules``), ``gdal`` (everything GDAL reads,
through pyogrio: Shapefile with ``shapefile`` and ``encoding``, GeoPackage, File
Geodatabase, KML/KMZ, DXF; files of several layers by ``datasets``), ``tables`` (CSV and
Excel points). The pipeline that uses them, ``Layer``, is ``geo.layers``.
"""

LABEL = "_label"  # the hidden column that names each feature in messages: its id, FID or table row
