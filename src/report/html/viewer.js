/*
 * The interactive part of kubeknock's HTML report (runs in the browser, after cytoscape and
 * cytoscape-dagre): reads the report's graph from the JSON block, draws it, and wires the filters,
 * the matrix and the detail panel. Every piece of report data reaches the page through textContent,
 * never through innerHTML, so a label can only ever be text.
 */
(function () {
  'use strict';
  var source = document.getElementById('kk-data');
  if (!source || typeof cytoscape !== 'function') return;
  var data = JSON.parse(source.textContent);
  cytoscape.use(cytoscapeDagre);
  document.documentElement.classList.add('js');
  var root = document.getElementById('viewer');
  var STYLES = data.styles;
  var current = 0;
  var cy = null;
  var state = { namespace: '', result: '', failuresOnly: false, focus: '', quietDenies: false, expandOpen: false };

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) for (var key in attrs) {
      if (key === 'text') node.textContent = attrs[key];
      else if (key === 'class') node.className = attrs[key];
      else if (key.slice(0, 2) === 'on') node.addEventListener(key.slice(2), attrs[key]);
      else node.setAttribute(key, attrs[key]);
    }
    (children || []).forEach(function (child) { if (child) node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child); });
    return node;
  }
  function failing(result) { return result === 'failed-allow' || result === 'failed-deny' || result === 'error'; }
  function chip(result) {
    var c = el('span', { class: 'chip', text: result });
    c.style.background = STYLES[result].color;
    return c;
  }

  // Toolbar: step slider (several sections), namespace, verdict, failures only, focus.
  var toolbar = el('div', { class: 'toolbar' });
  var stepName = el('span', { class: 'step-name' });
  if (data.sections.length > 1) {
    var slider = el('input', { type: 'range', min: '0', max: String(data.sections.length - 1), value: '0', 'aria-label': 'step' });
    slider.addEventListener('input', function () { show(Number(slider.value)); });
    toolbar.appendChild(el('label', null, ['Step', slider, stepName]));
  }
  var nsSelect = el('select', { 'aria-label': 'namespace' });
  var resultSelect = el('select', { 'aria-label': 'verdict' });
  var failuresBox = el('input', { type: 'checkbox' });
  // In a policed cluster most cells are denies that went as expected: drawn, they bury the few
  // connections that exist. A large picture starts without them (the matrix still shows every cell).
  var deniesBox = el('input', { type: 'checkbox' });
  // A large section also comes with its fully open workloads folded, one node per namespace
  // (openCollapsed, from src/report/graph/collapse-open.ts): drawn so by default, ticked off to expand.
  var openBox = el('input', { type: 'checkbox' });
  var openLabel = el('label', null, [openBox, 'collapse fully open workloads']);
  var focusInput = el('input', { type: 'search', placeholder: 'focus on a workload…' });
  var counter = el('span', { class: 'count' });
  toolbar.appendChild(el('label', null, ['Namespace', nsSelect]));
  toolbar.appendChild(el('label', null, ['Verdict', resultSelect]));
  toolbar.appendChild(el('label', null, [failuresBox, 'failures only']));
  // A diff's quiet edges are its grey unchanged pairs: a large diff starts with the changes alone.
  toolbar.appendChild(el('label', null, [deniesBox, data.source === 'diff' ? 'unchanged connections' : 'expected denies']));
  toolbar.appendChild(openLabel);
  toolbar.appendChild(el('label', null, ['Focus', focusInput]));
  toolbar.appendChild(counter);
  nsSelect.addEventListener('change', function () { state.namespace = nsSelect.value; applyFilters(); });
  resultSelect.addEventListener('change', function () { state.result = resultSelect.value; applyFilters(); });
  failuresBox.addEventListener('change', function () { state.failuresOnly = failuresBox.checked; applyFilters(); });
  deniesBox.addEventListener('change', function () { state.quietDenies = !deniesBox.checked; applyFilters(); });
  openBox.addEventListener('change', function () { state.expandOpen = !openBox.checked; view = null; redraw(); });
  focusInput.addEventListener('input', function () { state.focus = focusInput.value.trim().toLowerCase(); applyFilters(); });

  var graphBox = el('div', { id: 'graph', role: 'img', 'aria-label': 'network graph' });
  var panel = el('div', { class: 'panel', id: 'panel' });
  var legend = el('div', { class: 'legend' });
  var matrixWrap = el('div', { class: 'matrix-wrap' });
  root.appendChild(toolbar);
  root.appendChild(el('div', { class: 'stage' }, [graphBox, panel]));
  root.appendChild(legend);
  root.appendChild(matrixWrap);

  // The section as drawn: its own nodes and edges, or its collapsed view.
  var view = null;
  function section() {
    if (view) return view;
    var sec = data.sections[current];
    var folded = sec.openCollapsed && !state.expandOpen ? sec.openCollapsed : null;
    view = folded ? Object.assign({}, sec, { nodes: folded.nodes, edges: folded.edges }) : sec;
    return view;
  }
  function nodeById(id) { return section().nodes.find(function (n) { return n.id === id; }); }
  function edgeById(id) { return section().edges.find(function (e) { return e.id === id; }); }

  function hint() {
    panel.replaceChildren(el('h3', { text: 'Details' }), el('p', { class: 'hint', text: 'Click a node for its doors, an edge or a matrix cell for its checks.' }));
    var fails = section().edges.filter(function (e) { return failing(e.result); });
    if (fails.length > 0) {
      panel.appendChild(el('p', { text: fails.length + ' failing connection' + (fails.length === 1 ? '' : 's') + ':' }));
      panel.appendChild(el('ul', null, fails.slice(0, 50).map(edgeLink)));
    }
  }
  function edgeLink(edge) {
    var from = nodeById(edge.from), to = nodeById(edge.to);
    return el('li', null, [chip(edge.result), ' ', el('a', { text: from.label + ' → ' + to.label + ' ' + edge.door, onclick: function () { showEdge(edge.id); } })]);
  }

  function showNode(id) {
    var node = nodeById(id);
    var out = section().edges.filter(function (e) { return e.from === id; });
    var inc = section().edges.filter(function (e) { return e.to === id; });
    var dl = el('dl', null, [el('dt', { text: 'kind' }), el('dd', { text: node.kind })].concat(node.namespace ? [el('dt', { text: 'namespace' }), el('dd', { text: node.namespace })] : []));
    panel.replaceChildren(el('h3', { text: node.label }), dl);
    node.details.forEach(function (line) { panel.appendChild(el('div', { text: line })); });
    if (node.members.length > 0) {
      panel.appendChild(el('p', { text: 'Members (' + node.members.length + '):' }));
      panel.appendChild(el('ul', null, node.members.slice(0, 200).map(function (m) { return el('li', { text: m }); })));
    }
    panel.appendChild(el('p', { text: 'Outgoing (' + out.length + ')' }));
    panel.appendChild(el('ul', null, out.map(edgeLink)));
    panel.appendChild(el('p', { text: 'Incoming (' + inc.length + ')' }));
    panel.appendChild(el('ul', null, inc.map(edgeLink)));
  }

  function showEdge(id) {
    var edge = edgeById(id);
    var from = nodeById(edge.from), to = nodeById(edge.to);
    panel.replaceChildren(el('h3', { text: from.label + ' → ' + to.label }));
    panel.appendChild(el('p', null, [chip(edge.result), ' ', STYLES[edge.result].text, ' · ', edge.door]));
    var places = el('dl', null, [
      el('dt', { text: 'from' }), el('dd', { text: from.label + (from.namespace ? ' (' + from.namespace + ')' : '') + ' · ' + from.kind }),
      el('dt', { text: 'to' }), el('dd', { text: to.label + (to.namespace ? ' (' + to.namespace + ')' : '') + ' · ' + to.kind }),
    ]);
    panel.appendChild(places);
    edge.checks.forEach(function (check) {
      var box = el('div', { class: 'check' }, [el('div', null, [chip(check.result), ' ', el('strong', { text: check.name })])]);
      var dl = el('dl');
      check.facts.forEach(function (fact) { dl.appendChild(el('dt', { text: fact[0] })); dl.appendChild(el('dd', { text: fact[1] })); });
      box.appendChild(dl);
      check.attempts.forEach(function (text) { box.appendChild(el('pre', { class: 'attempt', text: text })); });
      panel.appendChild(box);
    });
    if (cy) { cy.elements().unselect(); cy.getElementById(id).select(); }
    highlightCell(id);
  }

  function elements() {
    var sec = section();
    var namespaces = {};
    sec.nodes.forEach(function (n) { if (n.namespace) namespaces[n.namespace] = true; });
    var els = Object.keys(namespaces).sort().map(function (ns) { return { group: 'nodes', data: { id: 'ns\u0000' + ns, label: ns, isNamespace: true }, classes: 'namespace' }; });
    sec.nodes.forEach(function (n) {
      var label = n.members.length > 0 ? n.label + '\n' + n.members.length + ' members' : n.label;
      els.push({ group: 'nodes', data: { id: n.id, label: label, kind: n.kind, parent: n.namespace ? 'ns\u0000' + n.namespace : undefined }, classes: 'kind-' + n.kind });
    });
    sec.edges.forEach(function (e) {
      var s = STYLES[e.result];
      var line = e.expect === 'deny' && s.line === 'solid' ? 'dashed' : s.line;
      els.push({ group: 'edges', data: { id: e.id, source: e.from, target: e.to, label: e.door, color: s.color, width: s.width, line: line, result: e.result }, classes: failing(e.result) ? 'failing' : '' });
    });
    return els;
  }

  function draw() {
    if (cy) cy.destroy();
    var big = section().nodes.length > 250;
    cy = cytoscape({
      container: graphBox,
      elements: elements(),
      wheelSensitivity: 0.3,
      textureOnViewport: big,
      hideEdgesOnViewport: big,
      style: [
        { selector: 'node', style: { label: 'data(label)', 'font-size': 11, 'text-wrap': 'wrap', 'text-valign': 'center', 'text-halign': 'center', shape: 'round-rectangle', width: 'label', height: 'label', padding: '7px', 'background-color': '#e7f5ff', 'border-width': 1, 'border-color': '#74c0fc', color: '#1c2b3a' } },
        { selector: 'node.namespace', style: { shape: 'round-rectangle', 'background-color': '#f8f9fa', 'background-opacity': 0.6, 'border-color': '#adb5bd', 'border-style': 'dashed', 'text-valign': 'top', 'text-halign': 'center', 'font-size': 12, 'font-weight': 'bold', color: '#495057', padding: '14px' } },
        { selector: 'node.kind-class', style: { 'background-color': '#d0ebff', 'border-width': 2, 'border-color': '#4dabf7' } },
        { selector: 'node.kind-service', style: { shape: 'hexagon', 'background-color': '#fff3bf', 'border-color': '#fcc419' } },
        { selector: 'node.kind-dns', style: { shape: 'barrel', 'background-color': '#f3f0ff', 'border-color': '#9775fa' } },
        { selector: 'node.kind-external', style: { shape: 'ellipse', 'background-color': '#fff0f6', 'border-color': '#f783ac' } },
        { selector: 'edge', style: { width: 'data(width)', 'line-color': 'data(color)', 'target-arrow-color': 'data(color)', 'target-arrow-shape': 'triangle', 'line-style': 'data(line)', 'curve-style': 'bezier', 'arrow-scale': 0.9, label: big ? '' : 'data(label)', 'font-size': 9, color: 'data(color)', 'text-background-color': '#fff', 'text-background-opacity': 0.85, 'text-background-padding': '1px', 'text-rotation': 'autorotate' } },
        { selector: 'edge.failing', style: { 'z-index': 10, 'underlay-color': '#ffa8a8', 'underlay-opacity': 0.45, 'underlay-padding': 3 } },
        { selector: '.hidden', style: { display: 'none' } },
        { selector: '.faded', style: { opacity: 0.15 } },
        { selector: 'edge.hover, edge:selected', style: { 'underlay-color': '#4dabf7', 'underlay-opacity': 0.5, 'underlay-padding': 4, 'z-index': 20 } },
        { selector: 'node:selected', style: { 'border-width': 3, 'border-color': '#1971c2' } },
      ],
      layout: { name: 'preset' },
    });
    cy.on('tap', 'node', function (evt) { if (!evt.target.data('isNamespace')) showNode(evt.target.id()); });
    cy.on('tap', 'edge', function (evt) { showEdge(evt.target.id()); });
    cy.on('mouseover', 'edge', function (evt) { evt.target.addClass('hover'); highlightCell(evt.target.id()); });
    cy.on('mouseout', 'edge', function (evt) { evt.target.removeClass('hover'); highlightCell(null); });
  }

  // The matrix: one row per source node, one column per destination node, the worst result of the edges between them.
  var MATRIX_CAP = 80;
  var cellOfEdge = {};
  var RANK = ['failed-allow', 'failed-deny', 'error', 'cut', 'opened', 'skipped', 'met-allow', 'met-deny', 'allow', 'deny', 'unknown', 'unchanged'];
  var MARK = { 'met-allow': '✓', 'met-deny': '✗', 'failed-allow': '!', 'failed-deny': '!', error: '?', skipped: '–', allow: '✓', deny: '✗', cut: '✂', opened: '+', unknown: '?', unchanged: '=' };
  function drawMatrix() {
    var sec = section();
    cellOfEdge = {};
    var rows = [], cols = [];
    sec.edges.forEach(function (e) { if (rows.indexOf(e.from) < 0) rows.push(e.from); if (cols.indexOf(e.to) < 0) cols.push(e.to); });
    var shownRows = rows.slice(0, MATRIX_CAP), shownCols = cols.slice(0, MATRIX_CAP);
    var table = el('table', { class: 'matrix', id: 'matrix' });
    var head = el('tr', null, [el('th', { class: 'row', text: 'from \\ to' })]);
    shownCols.forEach(function (c) { head.appendChild(el('th', { text: nodeById(c).label })); });
    table.appendChild(head);
    shownRows.forEach(function (r) {
      var tr = el('tr', { 'data-node': r }, [el('th', { class: 'row', text: nodeById(r).label })]);
      shownCols.forEach(function (c) {
        var edges = sec.edges.filter(function (e) { return e.from === r && e.to === c; });
        if (edges.length === 0) { tr.appendChild(el('td', { class: 'empty', text: '·' })); return; }
        edges.sort(function (a, b) { return RANK.indexOf(a.result) - RANK.indexOf(b.result); });
        var worst = edges[0];
        var td = el('td', { text: MARK[worst.result], title: edges.map(function (e) { return e.door + ': ' + STYLES[e.result].text; }).join('\n'), 'data-result': worst.result });
        td.style.color = STYLES[worst.result].color;
        if (failing(worst.result)) td.style.background = '#fff5f5';
        td.addEventListener('click', function () { showEdge(worst.id); });
        td.addEventListener('mouseenter', function () { if (cy) edges.forEach(function (e) { cy.getElementById(e.id).addClass('hover'); }); });
        td.addEventListener('mouseleave', function () { if (cy) edges.forEach(function (e) { cy.getElementById(e.id).removeClass('hover'); }); });
        edges.forEach(function (e) { cellOfEdge[e.id] = td; });
        tr.appendChild(td);
      });
      table.appendChild(tr);
    });
    var more = rows.length - shownRows.length + cols.length - shownCols.length;
    matrixWrap.replaceChildren(table);
    if (more > 0) matrixWrap.appendChild(el('p', { class: 'hint', text: 'The matrix shows the first ' + MATRIX_CAP + ' sources and destinations; use the filters or the JSON report for the rest.' }));
  }
  var lit = null;
  var fittedNarrow = false;
  function highlightCell(edgeId) {
    if (lit) lit.classList.remove('hl');
    lit = edgeId ? cellOfEdge[edgeId] || null : null;
    if (lit) { lit.classList.add('hl'); }
  }

  function applyFilters() {
    if (!cy) return;
    var sec = section();
    var visibleNodes = {};
    var shown = 0;
    sec.edges.forEach(function (e) {
      var from = nodeById(e.from), to = nodeById(e.to);
      var quiet = state.quietDenies && !state.result && (e.result === 'met-deny' || e.result === 'deny' || e.result === 'unchanged');
      var ok = !quiet && (!state.result || e.result === state.result) && (!state.failuresOnly || failing(e.result));
      if (ok && state.namespace) ok = from.namespace === state.namespace || to.namespace === state.namespace;
      if (ok && state.focus) ok = (from.label + ' ' + from.members.join(' ')).toLowerCase().indexOf(state.focus) >= 0 || (to.label + ' ' + to.members.join(' ')).toLowerCase().indexOf(state.focus) >= 0;
      var edge = cy.getElementById(e.id);
      if (ok) { edge.removeClass('hidden'); visibleNodes[e.from] = true; visibleNodes[e.to] = true; shown++; } else edge.addClass('hidden');
    });
    var filtering = state.result || state.failuresOnly || state.namespace || state.focus;
    var narrowing = filtering;
    sec.nodes.forEach(function (n) {
      var node = cy.getElementById(n.id);
      var keep = !filtering || visibleNodes[n.id] || (!state.failuresOnly && !state.result && state.namespace && n.namespace === state.namespace && !state.focus);
      if (keep) node.removeClass('hidden'); else node.addClass('hidden');
    });
    cy.nodes('.namespace').forEach(function (ns) { if (ns.children(':visible').length === 0 && filtering) ns.addClass('hidden'); else ns.removeClass('hidden'); });
    counter.textContent = shown + ' of ' + sec.edges.length + ' connections shown' + (sec.omittedEdges > 0 ? ' (' + sec.omittedEdges + ' more not drawn)' : '');
    var visible = cy.elements(':visible');
    if (narrowing && visible.length > 0) { cy.fit(visible, 40); if (cy.zoom() > 1.1) { cy.zoom(1.1); cy.center(visible); } }
    else if (!narrowing && fittedNarrow) { cy.fit(undefined, 30); if (cy.zoom() > 1.1) { cy.zoom(1.1); cy.center(); } }
    fittedNarrow = Boolean(narrowing);
    Array.prototype.forEach.call(matrixWrap.querySelectorAll('tr[data-node]'), function (tr) {
      tr.style.display = !filtering || visibleNodes[tr.getAttribute('data-node')] ? '' : 'none';
    });
  }

  function fillSelects() {
    var sec = section();
    var namespaces = {};
    sec.nodes.forEach(function (n) { if (n.namespace) namespaces[n.namespace] = true; });
    nsSelect.replaceChildren(el('option', { value: '', text: 'all' }));
    Object.keys(namespaces).sort().forEach(function (ns) { nsSelect.appendChild(el('option', { value: ns, text: ns })); });
    resultSelect.replaceChildren(el('option', { value: '', text: 'all' }));
    RANK.forEach(function (r) {
      var n = sec.edges.filter(function (e) { return e.result === r; }).length;
      if (n > 0) resultSelect.appendChild(el('option', { value: r, text: STYLES[r].text + ' (' + n + ')' }));
    });
    state.namespace = ''; state.result = '';
    var raw = data.sections[current];
    openLabel.style.display = raw.openCollapsed ? '' : 'none';
    openBox.checked = Boolean(raw.openCollapsed) && !state.expandOpen;
    state.quietDenies = data.sections[current].edges.length > 80;
    deniesBox.checked = !state.quietDenies;
    legend.replaceChildren();
    RANK.forEach(function (r) {
      if (!sec.edges.some(function (e) { return e.result === r; })) return;
      var s = el('span', { class: 'swatch' });
      s.style.borderTopColor = STYLES[r].color;
      s.style.borderTopStyle = STYLES[r].line;
      legend.appendChild(el('span', null, [s, STYLES[r].text]));
    });
  }

  // Laid out once the quiet edges are hidden, so the picture is shaped by the connections it shows.
  function layoutVisible() {
    var shown = cy.elements(':visible');
    var big = section().nodes.length > 250;
    shown.layout(big ? { name: 'grid', avoidOverlap: true, nodeDimensionsIncludeLabels: true } : { name: 'dagre', rankDir: 'LR', nodeSep: 18, rankSep: 70, edgeSep: 8 }).run();
    cy.fit(shown, 30);
    // A handful of nodes would otherwise be blown up to fill the box.
    if (cy.zoom() > 1.1) { cy.zoom(1.1); cy.center(shown); }
  }

  // The same section drawn anew (collapsed or expanded), the filters kept.
  function redraw() {
    draw();
    drawMatrix();
    applyFilters();
    layoutVisible();
    hint();
  }

  function show(index) {
    current = index;
    view = null;
    state.expandOpen = false;
    stepName.textContent = section().title;
    Array.prototype.forEach.call(document.querySelectorAll('section.part'), function (part) { part.style.display = data.sections.length > 1 && Number(part.getAttribute('data-section')) !== index ? 'none' : ''; });
    fillSelects();
    redraw();
  }
  window.kubeknock = { cy: function () { return cy; }, show: show, showEdge: showEdge, showNode: showNode, data: data };
  // After the first paint: the summary and the failure list show at once, the graph follows.
  setTimeout(function () { show(0); }, 0);
})();
