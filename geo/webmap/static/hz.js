/* Runtime of the zone map: a Leaflet plugin.
 *
 *   L.TileLayer.Gcj02   L.tileLayer.gcj02(url, options)     GCJ-02 tiles on WGS84 ground
 *   L.CardLayer         L.cardLayer(geojson, options)       polygons whose features carry a popup card
 *   L.Discs             L.discs(discs, options)             many discs drawn as one path on the canvas
 *   L.PointPool         L.PointPool.of(map, name, clustered)  point layers sharing clusters and discs
 *   L.ColumnLayer       L.columnLayer(columns, options)     points as columns, clustered, as discs
 *   L.Control.Panel     L.control.panel(options)            a titled panel that folds
 *   L.Control.Stats     L.control.stats(table, options)     the area table, with a CSV download
 *   L.Control.Legend    L.control.legend(sections, options) coloured swatches
 *   L.Control.FeatureSearch  L.control.featureSearch(layers, options)  search the layers it is handed
 *   L.Control.ClusterSwitch  L.control.clusterSwitch(layers, options)  clusters or every point
 *   L.Control.TimeSlider  L.control.timeSlider(cardLayer, options)  the versions standing in a chosen year
 *   L.ViewHash          L.viewHash(bases, overlays)         the view kept in the address (#map=z/lat/lon&...)
 *   map.popupClearance  a map handler (on by default)       popups fit the screen, clear of the controls
 *
 * Nothing is kept page-wide: each layer answers its own searches. Every text
 * that comes from a layer reaches the page through textContent, never
 * innerHTML: a name such as <img onerror=...> shows as text and runs nothing.
 */
(function (L) {
  "use strict";

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  /* A popup card: a title, a subtitle and [label, value] rows, all as text. */
  function card(title, subtitle, rows) {
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
  }

  /* One value of a column: {v: values, i: codes} (-1: missing) or a plain array. */
  function decode(column, row) {
    if (column === undefined || column === null) return null;
    if (Array.isArray(column)) return column[row];
    var code = column.i[row];
    return code < 0 ? null : column.v[code];
  }

  /* A scrolling box the keyboard can reach (and scroll with the arrow keys), named for screen readers. */
  function focusable(node, label) {
    node.tabIndex = 0;
    node.setAttribute("role", "region");
    node.setAttribute("aria-label", label);
    return node;
  }

  function matches(names, query) {
    return names.some(function (n) { return n && String(n).toLowerCase().indexOf(query) >= 0; });
  }

  function narrow() { return window.innerWidth < 600; }

  /* Popup options for this screen: never wider than the screen, scrolling when taller than half of it. */
  function popupOptions() {
    var height = Math.round(window.innerHeight * 0.5);
    return { maxWidth: Math.min(360, window.innerWidth - 64), maxHeight: height, autoPan: false };  // see PopupClearance
  }

  /* ---- GCJ-02 ("Mars coordinates"): the published formula, as geo/crs.py has it. ---- */

  function fromWgs84(lon, lat) {
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
  }

  /* The inverse, by fixed-point iteration (as geo/crs.py does): about 1 micrometre. */
  function toWgs84(lon, lat) {
    var w = [lon, lat];
    for (var i = 0; i < 40; i++) {
      var g = fromWgs84(w[0], w[1]), dlon = g[0] - lon, dlat = g[1] - lat;
      w = [w[0] - dlon, w[1] - dlat];
      if (Math.abs(dlon) < 1e-11 && Math.abs(dlat) < 1e-11) break;
    }
    return w;
  }

  /* GCJ-02 tiles (Gaode) drawn on WGS84 ground: each tile is moved by the offset at its own
   * centre (the offset varies by tens of metres across a city, so one shift would not do).
   * The overlays, and the stored data, never move. Leaflet has no public hook for a tile's
   * position, so this overrides the two TileLayer methods that place tiles. */
  L.TileLayer.Gcj02 = L.TileLayer.extend({
    _getTilePos: function (coords) {
      var position = L.TileLayer.prototype._getTilePos.call(this, coords);
      var size = this.getTileSize(), map = this._map;
      var centre = coords.scaleBy(size).add(size.divideBy(2));  // the tile's centre, in pixels at its zoom
      var gcj = map.unproject(centre, coords.z);
      var wgs = toWgs84(gcj.lng, gcj.lat);
      return position.add(map.project(L.latLng(wgs[1], wgs[0]), coords.z).subtract(centre));
    },
    _getTiledPixelBounds: function (center) {
      // Load a margin of tiles so that the shift never uncovers an edge.
      var bounds = L.TileLayer.prototype._getTiledPixelBounds.call(this, center);
      var margin = L.point(256, 256);
      return L.bounds(bounds.min.subtract(margin), bounds.max.add(margin));
    },
  });
  L.TileLayer.Gcj02.fromWgs84 = fromWgs84;
  L.TileLayer.Gcj02.toWgs84 = toWgs84;
  L.tileLayer.gcj02 = function (url, options) { return new L.TileLayer.Gcj02(url, options); };

  /* ---- Overlays ---- */

  /* Zones and districts: GeoJSON whose features carry {title, subtitle, rows}. */
  L.CardLayer = L.GeoJSON.extend({
    initialize: function (data, options) {
      L.GeoJSON.prototype.initialize.call(this, data, L.extend({
        onEachFeature: function (feature, member) {
          var p = feature.properties;
          member.bindTooltip(function () { return el("span", null, p.title); }, { sticky: true });
          member.bindPopup(function () { return card(p.title, p.subtitle, p.rows); }, popupOptions());
        },
      }, options));
      this._members = this.getLayers();
    },

    /* Versions (features with properties.valid = [from, to], ISO dates) standing on ``day``
     * (from included, to excluded); the others are taken off. Returns how many stand. */
    showOn: function (day) {
      var shown = 0;
      this._members.forEach(function (member) {
        var valid = member.feature.properties.valid || [null, null];
        var stands = (!valid[0] || valid[0] <= day) && (!valid[1] || day < valid[1]);
        if (stands && !this.hasLayer(member)) this.addLayer(member);
        if (!stands && this.hasLayer(member)) this.removeLayer(member);
        shown += stands ? 1 : 0;
      }, this);
      return shown;
    },

    /* Features whose name holds ``query`` (lower case), as search results. */
    search: function (query, limit) {
      var hits = [];
      this.eachLayer(function (member) {
        var p = member.feature.properties;
        if (hits.length >= limit || !matches([p.title, p.subtitle], query)) return;
        hits.push({
          name: p.title, alt: p.subtitle, layer: this,
          show: function (map) {
            map.fitBounds(member.getBounds(), { maxZoom: 15, animate: false });  // popups open on a still map
            member.openPopup(member.getBounds().getCenter());
          },
        });
      }, this);
      return hits;
    },
  });
  L.CardLayer.card = card;
  L.cardLayer = function (data, options) { return new L.CardLayer(data, options); };

  /* Many discs as one path on the map's canvas: projected and drawn in one loop and hit by
   * distance, so that a view of a thousand clusters costs about what one circle marker does
   * (each circle marker is a layer of its own, ~80 µs a zoom). A disc is {latlng, radius, fill,
   * fillOpacity, stroke, weight, opacity, label} and anything else its owner keeps on it: a pool's are
   * {layer, row} for a point and {clusterId, count} for a cluster. */
  L.Discs = L.Path.extend({
    initialize: function (discs, options) {
      L.setOptions(this, options);
      this._discs = discs || [];
      this._points = [];
    },

    getDiscs: function () { return this._discs; },

    setDiscs: function (discs) {
      this._discs = discs;
      if (this._map) this._renderer._updatePath(this);  // the old bounds and the new are drawn again
      return this;
    },

    /* The disc under a layer point, the topmost where they overlap; null where none is. */
    discAt: function (point) {
      var tolerance = this._clickTolerance();
      for (var i = this._discs.length - 1; i >= 0; i--) {
        if (point.distanceTo(this._points[i]) <= this._discs[i].radius + tolerance) return this._discs[i];
      }
      return null;
    },

    _project: function () {
      var map = this._map, bounds = new L.Bounds(), reach = 0;
      this._points = this._discs.map(function (disc) {
        var point = map.latLngToLayerPoint(disc.latlng);
        bounds.extend(point);
        reach = Math.max(reach, disc.radius + disc.weight);
        return point;
      });
      this._pxBounds = this._discs.length ? L.bounds(bounds.min.subtract([reach, reach]), bounds.max.add([reach, reach])) : undefined;
    },

    _update: function () { if (this._map) this._updatePath(); },

    _updatePath: function () {
      var renderer = this._renderer, ctx = renderer._ctx, view = renderer._bounds;
      if (!renderer._drawing) return;
      ctx.font = "bold 11px sans-serif";
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      for (var i = 0; i < this._discs.length; i++) {
        var disc = this._discs[i], p = this._points[i], r = disc.radius;
        if (p.x + r < view.min.x || p.x - r > view.max.x || p.y + r < view.min.y || p.y - r > view.max.y) continue;
        ctx.beginPath();
        ctx.arc(p.x, p.y, r, 0, Math.PI * 2, false);
        ctx.globalAlpha = disc.fillOpacity;
        ctx.fillStyle = disc.fill;
        ctx.fill();
        ctx.globalAlpha = disc.opacity;
        ctx.lineWidth = disc.weight;
        ctx.strokeStyle = disc.stroke;
        ctx.stroke();
        if (disc.label) {
          ctx.globalAlpha = 1;
          ctx.fillStyle = "#fff";
          ctx.fillText(disc.label, p.x, p.y);
        }
      }
    },

    _empty: function () { return !this._discs.length; },
    _containsPoint: function (point) { return this.discAt(point) !== null; },
  });
  L.discs = function (discs, options) { return new L.Discs(discs, options); };

  /* The point layers that share one set of discs on a map: the groups of a clustered kind share
   * one supercluster index, so that a view holds one set of clusters rather than one per group
   * drawn over each other (a quarter of the discs to paint). A group turned off or on is
   * indexed anew at the next frame; a layer that is not clustered has a pool of its own. */
  L.PointPool = L.Class.extend({
    initialize: function (map, clustered) {
      this._map = map;
      this._members = [];
      this._clustered = clustered;
      this._tip = L.tooltip({ direction: "top", offset: [0, -4] });
      this._discs = L.discs([]);
      this._discs.on({ mousemove: this._hover, mouseout: this._leave, click: this._click }, this);
    },

    add: function (layer) {
      if (!this._members.length) {
        this._map.addLayer(this._discs);
        this._map.on({ zoomstart: this._clear, moveend: this._draw }, this);
      }
      this._members.push(layer);
      this._changed();
    },

    remove: function (layer) {
      this._members.splice(this._members.indexOf(layer), 1);
      this._changed();
      if (this._members.length) return;
      this._map.off({ zoomstart: this._clear, moveend: this._draw }, this);
      this._leave();
      this._map.removeLayer(this._discs);
    },

    /* Clusters (true) or every point (false). */
    setClustered: function (clustered) {
      if (clustered !== this._clustered) {
        this._clustered = clustered;
        this._changed();
      }
    },

    /* Members come and go together (a page adds every group at once): one index, one draw. */
    _changed: function () {
      this._supercluster = null;
      this._everything = false;
      this._request = this._request || L.Util.requestAnimFrame(function () {
        this._request = null;
        this._draw();
      }, this);
    },

    /* Clusters are taken off as a zoom starts: they would be drawn again for the new zoom only
     * to be replaced by the next zoom's clusters. */
    _clear: function () {
      if (this._clustered) this._discs.setDiscs([]);
    },

    _index: function () {
      if (!this._supercluster) {
        var points = [];
        this._members.forEach(function (layer) {
          var x = layer._data.x, y = layer._data.y;
          for (var row = 0; row < x.length; row++) {
            points.push({ type: "Feature", properties: { layer: layer, row: row }, geometry: { type: "Point", coordinates: [x[row], y[row]] } });
          }
        });
        this._supercluster = new Supercluster({ radius: 80, maxZoom: 16 }).load(points);
      }
      return this._supercluster;
    },

    /* The least zoom from ``zoom`` up at which a layer's point is drawn by itself, not in a
     * cluster (a point found by search is shown, not the cluster that hides it). */
    zoomShowing: function (layer, row, zoom) {
      if (!this._clustered) return zoom;
      // supercluster keeps positions as 32-bit floats (a few metres): a box of ±10 m finds the point
      var x = layer._data.x[row], y = layer._data.y[row], near = [x - 1e-4, y - 1e-4, x + 1e-4, y + 1e-4];
      var last = this._index().options.maxZoom + 1;
      for (; zoom < last; zoom++) {
        var alone = this._index().getClusters(near, zoom).some(function (item) {
          return item.properties.layer === layer && item.properties.row === row;
        });
        if (alone) return zoom;
      }
      return last;
    },

    _draw: function () {
      if (!this._members.length) return;
      if (!this._clustered) {  // every point: projected again at each zoom, drawn where in view
        if (!this._everything) {
          var discs = [];
          this._members.forEach(function (layer) {
            for (var row = 0; row < layer._data.x.length; row++) discs.push(layer.disc(row));
          });
          this._discs.setDiscs(discs);
          this._everything = true;
        }
        return;
      }
      var view = this._map.getBounds().pad(0.1);  // a margin, so that a small pan shows no empty edge
      var items = this._index().getClusters([view.getWest(), view.getSouth(), view.getEast(), view.getNorth()], this._map.getZoom());
      this._discs.setDiscs(items.map(function (item) {
        var p = item.properties;
        return p.cluster ? this._cluster(item) : p.layer.disc(p.row);
      }, this));
    },

    /* A cluster: a disc larger the more points it holds, their count written on it ("2.3k") and
     * in full on hover, in its group's colour where the pool has one group, else a neutral one. */
    _cluster: function (item) {
      var count = item.properties.point_count, c = item.geometry.coordinates;
      return {
        latlng: L.latLng(c[1], c[0]), radius: Math.min(8 + 6 * Math.log10(count), 22),
        fill: this._members.length === 1 ? this._members[0].options.color : "#546e7a",
        fillOpacity: 0.75, stroke: "#fff", weight: 2, opacity: 0.9, label: String(item.properties.point_count_abbreviated),
        clusterId: item.properties.cluster_id, count: count,
      };
    },

    _hover: function (e) {
      var disc = this._discs.discAt(e.layerPoint);
      if (!disc) return this._leave();
      var text = disc.clusterId !== undefined ? disc.count.toLocaleString() : disc.layer.title(disc.row);
      this._tip.setLatLng(disc.latlng).setContent(el("span", null, text));
      this._map.openTooltip(this._tip);
    },
    _leave: function () { this._map.closeTooltip(this._tip); },

    /* A point opens its card; a cluster zooms in until it comes apart. */
    _click: function (e) {
      var disc = this._discs.discAt(e.layerPoint);
      if (!disc) return;
      if (disc.clusterId === undefined) return disc.layer.openCard(disc.row);
      this._map.setView(disc.latlng, this._index().getClusterExpansionZoom(disc.clusterId));
    },
  });

  /* The map's pool named ``name``, made on first use; each map's pools are kept here, not on it. */
  var pointPools = new WeakMap();
  L.PointPool.of = function (map, name, clustered) {
    if (!pointPools.has(map)) pointPools.set(map, {});
    var pools = pointPools.get(map);
    return pools[name] || (pools[name] = new L.PointPool(map, clustered));
  };

  /* Points as columns ({x, y, columns}), drawn as discs on the map's canvas (the map is made with
   * preferCanvas: a second canvas on top would swallow clicks meant for the zones beneath) by
   * their pool: with ``options.cluster`` the pool ``options.pool`` shared with the kind's other
   * groups, clustered; else one of its own that draws every point. ``options.card`` names the
   * columns of the popup. */
  L.ColumnLayer = L.Layer.extend({
    options: { color: "#3388ff", stroke: "#222", radius: 6, cluster: false, pool: null, card: { title: null, rows: [] } },

    initialize: function (data, options) {
      L.setOptions(this, options);
      this._data = data;
    },

    onAdd: function (map) {
      var o = this.options;
      this._pool = L.PointPool.of(map, o.cluster && o.pool ? o.pool : "layer " + L.Util.stamp(this), o.cluster);
      this._pool.add(this);
    },

    onRemove: function () { this._pool.remove(this); },

    /* Clusters (true) or every point (false), for every group of its pool. */
    setClustered: function (clustered) {
      if (this._pool) this._pool.setClustered(clustered);
      return this;
    },

    latLng: function (row) { return L.latLng(this._data.y[row], this._data.x[row]); },

    /* A point's disc. */
    disc: function (row) {
      var o = this.options;
      return {
        latlng: this.latLng(row), radius: o.radius, fill: o.color, fillOpacity: 0.85, stroke: o.stroke, weight: 1,
        opacity: 1, layer: this, row: row,
      };
    },

    _value: function (name, row) { return decode(this._data.columns[name], row); },
    title: function (row) { return this._value(this.options.card.title, row); },

    /* A row's popup card; a card row names a column, or (column null) holds one text for all. */
    popupFor: function (row) {
      var c = this.options.card, self = this;
      var rows = c.rows.map(function (r) { return [r[0], r[1] === null ? r[2] : self._value(r[1], row)]; });
      return card(this.title(row), this._value(c.subtitle, row), rows);
    },

    openCard: function (row) {
      L.popup(popupOptions()).setLatLng(this.latLng(row)).setContent(this.popupFor(row)).openOn(this._map);
    },

    search: function (query, limit) {
      var hits = [], c = this.options.card, self = this;
      for (var row = 0; row < this._data.x.length && hits.length < limit; row++) {
        var name = this.title(row), alt = this._value(c.subtitle, row);
        if (!matches([name, alt], query)) continue;
        hits.push({
          name: name, alt: alt, layer: this,
          show: (function (r) {
            return function (map) {
              map.setView(self.latLng(r), self._pool.zoomShowing(self, r, Math.max(map.getZoom(), 15)), { animate: false });
              self.openCard(r);
            };
          })(row),
        });
      }
      return hits;
    },
  });
  L.ColumnLayer.decode = decode;
  L.columnLayer = function (data, options) { return new L.ColumnLayer(data, options); };

  /* ---- Controls ---- */

  /* A titled panel whose body folds behind its title. ``collapsed: "narrow"`` folds it on a
   * phone-sized screen only, so that it leaves the map visible there. */
  L.Control.Panel = L.Control.extend({
    options: { position: "bottomleft", title: "", collapsed: false, className: "" },

    onAdd: function (map) {
      var box = el("div", "leaflet-control hz-panel " + this.options.className);
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      var body = el("div", "hz-body");
      this._fill(body, map);
      var folded = this.options.collapsed === "narrow" ? narrow() : this.options.collapsed;
      var button = el("button", "hz-toggle", this.options.title);
      button.type = "button";
      button.setAttribute("aria-expanded", String(!folded));
      if (folded) body.style.display = "none";
      button.addEventListener("click", function () {
        var open = body.style.display === "none";
        body.style.display = open ? "" : "none";
        button.setAttribute("aria-expanded", String(open));
      });
      box.appendChild(button);
      box.appendChild(body);
      return box;
    },

    _fill: function () {},
  });
  L.Control.Panel.narrow = narrow;
  L.control.panel = function (options) { return new L.Control.Panel(options); };

  /* The area table: {headers, numeric, rows, total, note, csv} as the tool prints it. */
  L.Control.Stats = L.Control.Panel.extend({
    options: { className: "hz-stats", collapsed: "narrow" },

    initialize: function (table, options) {
      L.setOptions(this, options);
      this._table = table;
    },

    _fill: function (body) {
      var t = this._table, table = el("table"), head = el("tr");
      // Columns not marked essential are hidden on a phone (the CSV has them all).
      function kind(i) { return (t.numeric[i] ? "num" : "hz-name") + (t.essential && !t.essential[i] ? " hz-extra" : ""); }
      t.headers.forEach(function (h, i) { head.appendChild(el("th", kind(i), h)); });
      table.appendChild(head);
      t.rows.concat(t.total ? [t.total] : []).forEach(function (row, r) {
        var tr = el("tr", r === t.rows.length ? "hz-total" : null);
        row.forEach(function (cell, i) {
          var td = tr.appendChild(el("td", kind(i), cell));
          if (!t.numeric[i]) td.title = cell;  // cut with an ellipsis, whole on hover
        });
        table.appendChild(tr);
      });
      var scroller = focusable(el("div", "hz-scroll"), this.options.title);
      scroller.appendChild(table);
      body.appendChild(scroller);
      if (t.note) body.appendChild(el("div", "hz-note", t.note));
      if (t.csv) body.appendChild(this._download(t.csv));
    },

    /* A button that saves the table as CSV: UTF-8 with a byte-order mark, so Excel reads the Chinese. */
    _download: function (csv) {
      var button = el("button", "hz-download", this.options.downloadLabel || "CSV"), filename = this.options.filename;
      button.type = "button";
      button.addEventListener("click", function () {
        var link = el("a");
        link.href = URL.createObjectURL(new Blob(["\ufeff" + csv], { type: "text/csv;charset=utf-8" }));
        link.download = filename || "areas.csv";
        document.body.appendChild(link);
        link.click();
        setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 0);
      });
      return button;
    },
  });
  L.control.stats = function (table, options) { return new L.Control.Stats(table, options); };

  /* Legend: sections of {title, shape, items: [{color, label}]}. */
  L.Control.Legend = L.Control.Panel.extend({
    options: { position: "bottomright", className: "hz-legend", collapsed: true },

    initialize: function (sections, options) {
      L.setOptions(this, options);
      this._sections = sections;
    },

    _fill: function (body) {
      focusable(body, this.options.title);
      this._sections.forEach(function (section) {
        body.appendChild(el("div", "hz-legend-heading", section.title));
        section.items.forEach(function (item) {
          var line = el("div", "hz-legend-item");
          var swatch = el("span", "hz-swatch hz-" + section.shape);
          swatch.style.background = item.color;
          line.appendChild(swatch);
          line.appendChild(el("span", "hz-label", item.label)).title = item.label;
          body.appendChild(line);
        });
      });
    },
  });
  L.control.legend = function (sections, options) { return new L.Control.Legend(sections, options); };

  /* A slider of years: the card layer shows the versions standing at the end of the chosen year. */
  L.Control.TimeSlider = L.Control.Panel.extend({
    options: { position: "bottomright", className: "hz-time", collapsed: "narrow", first: 1992, last: null, start: null,
      shown: "{n} shown", none: "nothing drawn" },

    initialize: function (layer, options) {
      L.setOptions(this, options);
      this._layer = layer;
    },

    _fill: function (body) {
      var o = this.options, last = o.last || new Date().getFullYear();
      var input = el("input"), label = el("div", "hz-time-label");
      input.type = "range";
      input.min = o.first;
      input.max = last;
      input.step = 1;
      input.value = Math.min(Math.max(o.start || last, o.first), last);
      input.setAttribute("aria-label", o.title);
      label.setAttribute("aria-live", "polite");
      var layer = this._layer;
      function show() {
        var n = layer.showOn(input.value + "-12-31");
        label.textContent = input.value + " · " + (n ? o.shown.replace("{n}", n) : o.none);
      }
      input.addEventListener("input", show);
      body.appendChild(input);
      body.appendChild(label);
      show();
    },
  });
  L.control.timeSlider = function (layer, options) { return new L.Control.TimeSlider(layer, options); };

  /* A switch between clusters and every point, for the clustered point layers it is handed. */
  L.Control.ClusterSwitch = L.Control.extend({
    options: { position: "topright", label: "Show every point" },

    initialize: function (layers, options) {
      L.setOptions(this, options);
      this._layers = layers;
    },

    onAdd: function () {
      var box = el("label", "leaflet-control hz-panel hz-switch"), input = el("input"), layers = this._layers;
      L.DomEvent.disableClickPropagation(box);
      input.type = "checkbox";
      input.addEventListener("change", function () {
        layers.forEach(function (layer) { layer.setClustered(!input.checked); });
      });
      box.appendChild(input);
      box.appendChild(el("span", null, " " + this.options.label));
      return box;
    },
  });
  L.control.clusterSwitch = function (layers, options) { return new L.Control.ClusterSwitch(layers, options); };

  /* Search by name, Chinese or English, over the layers it is handed (each has .search). */
  L.Control.FeatureSearch = L.Control.extend({
    options: { position: "topleft", placeholder: "Search", none: "No match", limit: 12 },

    initialize: function (layers, options) {
      L.setOptions(this, options);
      this._layers = layers;
    },

    onAdd: function (map) {
      var box = el("div", "leaflet-control hz-panel hz-search");
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      var input = el("input");
      input.type = "search";
      input.placeholder = this.options.placeholder;
      input.setAttribute("aria-label", this.options.placeholder);
      var list = el("ul", "hz-results");
      list.setAttribute("aria-live", "polite");
      box.appendChild(input);
      box.appendChild(list);
      input.addEventListener("input", L.bind(function () { this._list(map, list, input.value); }, this));
      return box;
    },

    _list: function (map, list, value) {
      var query = value.trim().toLowerCase(), limit = this.options.limit, hits = [];
      list.textContent = "";
      if (!query) return;
      for (var i = 0; i < this._layers.length && hits.length < limit; i++) {
        hits = hits.concat(this._layers[i].search(query, limit - hits.length));
      }
      hits.forEach(function (hit) {
        var item = el("li"), button = el("button", null, hit.name);
        button.type = "button";
        if (hit.alt) button.appendChild(el("small", null, " " + hit.alt));
        button.addEventListener("click", function () {
          list.hidden = true;  // out of the way of the popup about to open
          if (!map.hasLayer(hit.layer)) map.addLayer(hit.layer);
          // A zoom still animating would end on its own view, undoing the one shown here.
          if (map._animatingZoom) map.once("zoomend", function () { hit.show(map); });
          else hit.show(map);
          // Empty the list once this click is over: a button detached while its click is still
          // bubbling can no longer be traced to the control, so the map would take the click as
          // its own, close the popup just opened and open whatever lies under the pointer.
          setTimeout(function () { list.textContent = ""; list.hidden = false; }, 0);
        });
        item.appendChild(button);
        list.appendChild(item);
      });
      if (!hits.length) list.appendChild(el("li", "hz-none", this.options.none));
    },
  });
  L.control.featureSearch = function (layers, options) { return new L.Control.FeatureSearch(layers, options); };

  /* ---- The map's behaviour ---- */

  /* Popups fit the screen and stay clear of the controls. This replaces Leaflet's autoPan
   * (which knows the screen's edges, not the controls): once a popup is open, the map pans it
   * into the part of the screen that no control in its column covers. */
  L.Map.PopupClearance = L.Handler.extend({
    addHooks: function () { this._map.on("popupopen", this._clear, this); },
    removeHooks: function () { this._map.off("popupopen", this._clear, this); },

    _clear: function (e) {
      var map = this._map, element = e.popup.getElement();
      if (!element) return;
      var frame = map.getContainer().getBoundingClientRect(), margin = 8;
      var r = element.getBoundingClientRect();
      var box = { left: r.left - frame.left, right: r.right - frame.left, top: r.top - frame.top, bottom: r.bottom - frame.top };
      var dx = 0;
      if (box.left < margin) dx = margin - box.left;
      else if (box.right > frame.width - margin) dx = frame.width - margin - box.right;
      var top = margin, bottom = frame.height - margin;
      var controls = map.getContainer().querySelectorAll(".leaflet-control");
      for (var i = 0; i < controls.length; i++) {
        var c = controls[i].getBoundingClientRect();
        var left = c.left - frame.left, right = c.right - frame.left;
        if (!c.width || right <= box.left + dx || left >= box.right + dx) continue;  // not in the popup's column
        if (controls[i].closest(".leaflet-top")) top = Math.max(top, c.bottom - frame.top + margin);
        else bottom = Math.min(bottom, c.top - frame.top - margin);
      }
      var dy = 0;
      if (box.top < top || box.bottom - box.top > bottom - top) dy = top - box.top;  // too tall: its top shows
      else if (box.bottom > bottom) dy = bottom - box.bottom;
      if (dx || dy) map.panBy([-dx, -dy]);
    },
  });
  L.Map.addInitHook("addHandler", "popupClearance", L.Map.PopupClearance);

  /* A short attribution prefix (no flag image): the tiles' own attribution must fit a phone. */
  L.Map.addInitHook(function () {
    if (this.attributionControl) this.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
  });
  L.Map.mergeOptions({ popupClearance: true });

  /* The view in the address, as leaflet-hash keeps it, and more: centre, zoom, base layer and the
   * overlays that are on: #map=14/26.88000/112.57000&base=gaode&on=core-area,baishazhou.
   * Opening such an address restores that view; every change of view rewrites it. */
  L.ViewHash = L.Class.extend({
    initialize: function (bases, overlays) {
      this._bases = bases;  // {key: layer}
      this._overlays = overlays;
    },

    addTo: function (map) {
      this._map = map;
      this._restore();
      map.on("moveend baselayerchange overlayadd overlayremove", this._schedule, this);
      L.DomEvent.on(window, "hashchange", this._restore, this);
      return this;
    },

    hash: function () {
      var map = this._map, centre = map.getCenter(), self = this;
      var on = Object.keys(this._overlays).filter(function (k) { return map.hasLayer(self._overlays[k]); });
      var base = Object.keys(this._bases).filter(function (k) { return map.hasLayer(self._bases[k]); })[0];
      return "#map=" + map.getZoom() + "/" + centre.lat.toFixed(5) + "/" + centre.lng.toFixed(5) +
        (base ? "&base=" + encodeURIComponent(base) : "") + "&on=" + on.map(encodeURIComponent).join(",");
    },

    _schedule: function () {
      if (this._restoring) return;
      clearTimeout(this._timer);
      this._timer = setTimeout(L.bind(function () {
        var hash = this.hash();
        if (location.hash !== hash) history.replaceState(null, "", hash);
      }, this), 100);
    },

    _restore: function () {
      var params = {}, map = this._map;
      location.hash.replace(/^#/, "").split("&").forEach(function (part) {
        var eq = part.indexOf("=");
        if (eq > 0) params[part.slice(0, eq)] = part.slice(eq + 1);
      });
      this._restoring = true;
      var view = (params.map || "").split("/").map(Number);
      if (view.length === 3 && view.every(isFinite)) map.setView([view[1], view[2]], view[0], { animate: false });
      if (params.base !== undefined && this._bases[decodeURIComponent(params.base)]) {
        this._show(this._bases, [decodeURIComponent(params.base)]);
      }
      if (params.on !== undefined) {
        this._show(this._overlays, params.on ? params.on.split(",").map(decodeURIComponent) : []);
      }
      this._restoring = false;
    },

    _show: function (layers, keys) {
      var map = this._map;
      Object.keys(layers).forEach(function (key) {
        var wanted = keys.indexOf(key) >= 0;
        if (wanted && !map.hasLayer(layers[key])) map.addLayer(layers[key]);
        if (!wanted && map.hasLayer(layers[key])) map.removeLayer(layers[key]);
      });
    },
  });
  L.viewHash = function (bases, overlays) { return new L.ViewHash(bases, overlays); };
})(L);
