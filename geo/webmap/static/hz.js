/* Runtime of the Hengyang High-tech Zone map.
 *
 * Every text that comes from a layer reaches the page through textContent or
 * a text node, never innerHTML: a name such as <img onerror=...> shows as
 * text and runs nothing. Point layers arrive as columns (one array per
 * property, repeated values stored once) and are drawn on a canvas.
 */
(function () {
  "use strict";
  var HZ = (window.HZ = { sources: [] });

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  HZ.el = el;

  /* A phone-sized screen: panels start folded there, so that they leave the map visible. */
  HZ.narrow = function () { return window.innerWidth < 600; };

  /* A popup card: a title and [label, value] rows, all as text. */
  HZ.card = function (title, subtitle, rows) {
    var box = el("div", "hz-card");
    box.appendChild(el("div", "hz-card-title", title));
    if (subtitle) box.appendChild(el("div", "hz-card-subtitle", subtitle));
    var table = el("table");
    rows.forEach(function (row) {
      if (row[1] === null || row[1] === undefined || row[1] === "") return;
      var tr = el("tr");
      tr.appendChild(el("th", null, row[0]));
      tr.appendChild(el("td", null, row[1]));
      table.appendChild(tr);
    });
    box.appendChild(table);
    return box;
  };

  /* Decode one column: {v: values, i: codes} or a plain array. */
  function column(spec, row) {
    if (spec === undefined || spec === null) return null;
    if (Array.isArray(spec)) return spec[row];
    var code = spec.i[row];
    return code < 0 ? null : spec.v[code];
  }
  HZ.column = column;

  /* Zones and districts: GeoJSON whose features carry a ready card. */
  HZ.polygonLayer = function (data, style, searchable) {
    var layer = L.geoJSON(data, {
      style: function () { return style; },
      onEachFeature: function (feature, member) {
        var p = feature.properties;
        member.bindTooltip(function () { return el("span", null, p.title); }, { sticky: true });
        member.bindPopup(function () { return HZ.card(p.title, p.subtitle, p.rows); }, { maxWidth: 360 });
      },
    });
    if (searchable) {
      layer.eachLayer(function (member) {
        var p = member.feature.properties;
        HZ.sources.push({
          names: [p.title, p.subtitle || ""],
          layer: layer,
          bounds: function () { return member.getBounds(); },
          open: function (map) { member.openPopup(member.getBounds().getCenter()); },
        });
      });
    }
    return layer;
  };

  /* Points: columns drawn as circle markers on the map's canvas (the map is
   * made with preferCanvas; a second canvas on top would swallow the clicks
   * meant for the zones beneath it). */
  HZ.pointLayer = function (data, style, card) {
    var markers = new Array(data.x.length);
    for (var i = 0; i < data.x.length; i++) {
      markers[i] = L.circleMarker([data.y[i], data.x[i]], {
        radius: style.radius, color: style.stroke, weight: 1,
        fillColor: style.color, fillOpacity: 0.85, row: i,
      });
    }
    var group;
    if (style.cluster) {  // many points: Leaflet.markercluster, added in bulk
      group = L.markerClusterGroup({ chunkedLoading: true, showCoverageOnHover: false, maxClusterRadius: 45 });
      group.addLayers(markers);
    } else {
      group = L.featureGroup(markers);
    }
    function title(row) { return column(data.columns[card.title], row); }
    function popupFor(row) {
      // A row names a column, or (column null) carries the same text for every point.
      var rows = card.rows.map(function (r) { return [r[0], r[1] === null ? r[2] : column(data.columns[r[1]], row)]; });
      return HZ.card(title(row), column(data.columns[card.subtitle], row), rows);
    }
    var tip = L.tooltip({ direction: "top", offset: [0, -4] });
    group.on("mouseover", function (e) {
      var row = e.layer.options.row;
      tip.setLatLng(e.layer.getLatLng()).setContent(el("span", null, title(row)));
      group._map.openTooltip(tip);
    });
    group.on("mouseout", function () { if (group._map) group._map.closeTooltip(tip); });
    group.on("click", function (e) {
      L.popup({ maxWidth: 360 }).setLatLng(e.layer.getLatLng()).setContent(popupFor(e.layer.options.row)).openOn(group._map);
    });
    for (var s = 0; s < data.x.length; s++) {
      HZ.sources.push(pointSource(group, markers, s, title(s), column(data.columns[card.subtitle], s), popupFor));
    }
    return group;
  };

  function pointSource(group, markers, row, name, alt, popupFor) {
    return {
      names: [name, alt || ""],
      layer: group,
      latlng: function () { return markers[row].getLatLng(); },
      open: function (map) {
        L.popup({ maxWidth: 360 }).setLatLng(markers[row].getLatLng()).setContent(popupFor(row)).openOn(map);
      },
    };
  }

  /* GCJ-02 ("Mars coordinates"): the published formula, as geo/crs.py has it. */
  HZ.wgs84ToGcj02 = function (lon, lat) {
    if (lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271) return [lon, lat];
    var a = 6378245.0, ee = 0.00669342162296594323, PI = Math.PI;
    var x = lon - 105.0, y = lat - 35.0, sq = Math.sqrt(Math.abs(x));
    var waves = (20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0 / 3.0;
    var dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sq + waves;
    dlat += (20.0 * Math.sin(y * PI) + 40.0 * Math.sin(y / 3.0 * PI)) * 2.0 / 3.0;
    dlat += (160.0 * Math.sin(y / 12.0 * PI) + 320.0 * Math.sin(y * PI / 30.0)) * 2.0 / 3.0;
    var dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sq + waves;
    dlon += (20.0 * Math.sin(x * PI) + 40.0 * Math.sin(x / 3.0 * PI)) * 2.0 / 3.0;
    dlon += (150.0 * Math.sin(x / 12.0 * PI) + 300.0 * Math.sin(x / 30.0 * PI)) * 2.0 / 3.0;
    var radlat = lat / 180.0 * PI, magic = 1 - ee * Math.sin(radlat) * Math.sin(radlat), sqrtmagic = Math.sqrt(magic);
    dlat = dlat * 180.0 / ((a * (1 - ee)) / (magic * sqrtmagic) * PI);
    dlon = dlon * 180.0 / (a / sqrtmagic * Math.cos(radlat) * PI);
    return [lon + dlon, lat + dlat];
  };

  /* The inverse, by fixed-point iteration (as geo/crs.py does): about 1 micrometre. */
  HZ.gcj02ToWgs84 = function (lon, lat) {
    var w = [lon, lat];
    for (var i = 0; i < 40; i++) {
      var g = HZ.wgs84ToGcj02(w[0], w[1]), dlon = g[0] - lon, dlat = g[1] - lat;
      w = [w[0] - dlon, w[1] - dlat];
      if (Math.abs(dlon) < 1e-11 && Math.abs(dlat) < 1e-11) break;
    }
    return w;
  };

  /* A GCJ-02 tile layer drawn on WGS84 ground: each tile is moved by the GCJ-02
   * offset at its own centre (the offset varies by tens of metres across a
   * city-wide view, so one shift for the whole map would not do). The tile
   * showing GCJ-02 point g(p) is drawn where WGS84 point p is; the overlays,
   * and the stored data, never move. */
  var GcjTileLayer = L.TileLayer.extend({
    _getTilePos: function (coords) {
      var position = L.TileLayer.prototype._getTilePos.call(this, coords);
      var size = this.getTileSize(), map = this._map;
      var centre = coords.scaleBy(size).add(size.divideBy(2));  // the tile's centre, in pixels at its zoom
      var gcj = map.unproject(centre, coords.z);
      var wgs = HZ.gcj02ToWgs84(gcj.lng, gcj.lat);
      return position.add(map.project(L.latLng(wgs[1], wgs[0]), coords.z).subtract(centre));
    },
    _getTiledPixelBounds: function (center) {
      // Load a margin of tiles so the shift never uncovers an edge.
      var bounds = L.TileLayer.prototype._getTiledPixelBounds.call(this, center);
      var margin = L.point(256, 256);
      return L.bounds(bounds.min.subtract(margin), bounds.max.add(margin));
    },
  });

  HZ.baseLayer = function (spec) {
    var group = L.layerGroup();
    spec.tiles.forEach(function (t) {
      var options = { subdomains: t.subdomains || "abc", attribution: t.attribution, maxZoom: t.maxZoom };
      group.addLayer(spec.gcj02 ? new GcjTileLayer(t.url, options) : L.tileLayer(t.url, options));
    });
    group.baseKey = spec.key;
    return group;
  };

  /* A control holding any element, at a corner of the map. */
  function panel(map, position, className, build) {
    var Control = L.Control.extend({
      onAdd: function () {
        var box = el("div", "leaflet-control hz-panel " + className);
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        build(box);
        return box;
      },
    });
    return new Control({ position: position }).addTo(map);
  }

  function collapsible(box, heading, body, collapsed) {
    var button = el("button", "hz-toggle", heading);
    button.type = "button";
    button.setAttribute("aria-expanded", String(!collapsed));
    if (collapsed) body.style.display = "none";
    button.addEventListener("click", function () {
      var open = body.style.display === "none";
      body.style.display = open ? "" : "none";
      button.setAttribute("aria-expanded", String(open));
    });
    box.appendChild(button);
    box.appendChild(body);
  }

  /* Area statistics: the rows `geo area` prints. */
  HZ.statsPanel = function (map, spec) {
    return panel(map, "bottomleft", "hz-stats", function (box) {
      var table = el("table");
      var head = el("tr");
      spec.headers.forEach(function (h, i) { head.appendChild(el("th", spec.numeric[i] ? "num" : null, h)); });
      table.appendChild(head);
      spec.rows.concat([spec.total]).forEach(function (row, r) {
        var tr = el("tr", r === spec.rows.length ? "hz-total" : null);
        row.forEach(function (cell, i) { tr.appendChild(el("td", spec.numeric[i] ? "num" : null, cell)); });
        table.appendChild(tr);
      });
      var body = el("div", "hz-body");
      body.appendChild(table);
      if (spec.note) body.appendChild(el("div", "hz-note", spec.note));
      collapsible(box, spec.title, body, HZ.narrow());
    });
  };

  /* Legend: sections of coloured swatches. */
  HZ.legend = function (map, spec) {
    return panel(map, "bottomright", "hz-legend", function (box) {
      var body = el("div", "hz-body");
      spec.sections.forEach(function (section) {
        body.appendChild(el("div", "hz-legend-heading", section.title));
        section.items.forEach(function (item) {
          var line = el("div", "hz-legend-item");
          var swatch = el("span", "hz-swatch hz-" + section.shape);
          swatch.style.background = item.color;
          line.appendChild(swatch);
          line.appendChild(el("span", null, item.label));
          body.appendChild(line);
        });
      });
      collapsible(box, spec.title, body, spec.collapsed);
    });
  };

  /* Search by name, Chinese or English, over every zone, landmark and enterprise. */
  HZ.search = function (map, spec) {
    return panel(map, "topleft", "hz-search", function (box) {
      var input = el("input");
      input.type = "search";
      input.placeholder = spec.placeholder;
      input.setAttribute("aria-label", spec.placeholder);
      var list = el("ul", "hz-results");
      box.appendChild(input);
      box.appendChild(list);
      function go(source) {
        if (!map.hasLayer(source.layer)) map.addLayer(source.layer);
        if (source.bounds) map.fitBounds(source.bounds(), { maxZoom: 15 });
        else map.setView(source.latlng(), Math.max(map.getZoom(), 15));
        source.open(map);
        // Empty the list once this click is over: a button detached while its click is still
        // bubbling can no longer be traced to the control, so the map would take the click as
        // its own, close the popup just opened and open whatever lies under the pointer.
        setTimeout(function () { list.textContent = ""; }, 0);
      }
      input.addEventListener("input", function () {
        var query = input.value.trim().toLowerCase();
        list.textContent = "";
        if (!query) return;
        var shown = 0;
        for (var i = 0; i < HZ.sources.length && shown < spec.limit; i++) {
          var source = HZ.sources[i];
          var hit = source.names.some(function (n) { return String(n).toLowerCase().indexOf(query) >= 0; });
          if (!hit) continue;
          var item = el("li");
          var button = el("button", null, source.names[0]);
          button.type = "button";
          if (source.names[1]) button.appendChild(el("small", null, " " + source.names[1]));
          button.addEventListener("click", go.bind(null, source));
          item.appendChild(button);
          list.appendChild(item);
          shown++;
        }
        if (!shown) list.appendChild(el("li", "hz-none", spec.none));
      });
    });
  };
})();
