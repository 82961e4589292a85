// The interactive page of the PrivateFl REST host. Everything it shows comes from this host's OpenAPI document
// and answers; it builds the page with DOM calls and textContent only (no HTML from data), and calls this host alone.
'use strict';

(function () {
  const el = (tag, attributes, ...children) => {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value !== undefined && value !== null && value !== false) {
        node.setAttribute(name, value === true ? '' : String(value));
      }
    }
    for (const child of children) {
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  };
  const byId = (id) => document.getElementById(id);
  const typesOf = (schema) => [].concat(schema && schema.type !== undefined ? schema.type : []);
  let predictBody = null;

  function headers(contentType) {
    const h = { Accept: 'application/json' };
    if (contentType) { h['Content-Type'] = contentType; }
    const key = byId('api-key').value;
    if (key) { h['X-Api-Key'] = key; }
    return h;
  }

  async function call(method, path, body) {
    const response = await fetch(path, {
      method,
      headers: headers(body === undefined ? undefined : 'application/json'),
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store',
    });
    const text = await response.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
    return { status: response.status, json, text, location: response.headers.get('Location') };
  }

  function showRaw(target, result) {
    target.dataset.status = String(result.status);
    target.replaceChildren(
      el('p', null, el('span', { class: result.status < 400 ? 'status' : 'status error' }, String(result.status)),
        result.json && result.json.title ? ' ' + result.json.title : ''),
      el('pre', null, result.json ? JSON.stringify(result.json, null, 2) : result.text));
  }

  function showError(target, error) {
    target.dataset.status = 'error';
    target.replaceChildren(el('p', { class: 'error' }, 'The request could not be sent: ' + error.message));
  }

  // --- /fl_predict: a form generated from the served schema, filled with the document's example --------------------
  function renderPredictForm(operation) {
    const media = operation.requestBody.content['application/json'];
    const schema = media.schema;
    predictBody = { schema, example: media.example || {} };
    byId('predict-about').textContent = operation.requestBody.description || '';
    const form = byId('predict-form');
    form.replaceChildren();
    const required = new Set(schema.required || []);
    for (const [name, property] of Object.entries(schema.properties || {})) {
      const id = 'field-' + name;
      const label = el('label', { for: id }, el('span', { class: required.has(name) ? 'required' : null }, name));
      let input;
      if (Array.isArray(property.enum)) {
        input = el('select', { id, name });
        if (!required.has(name)) { input.append(el('option', { value: '' }, '(not given)')); }
        for (const value of property.enum) { input.append(el('option', { value: String(value) }, String(value))); }
      } else {
        const range = property.minimum !== undefined ? `${property.minimum} to ${property.maximum}` : '';
        input = el('input', { id, name, type: 'text', inputmode: typesOf(property).includes('number') && property.minimum !== undefined ? 'decimal' : null, placeholder: range, spellcheck: 'false', list: Array.isArray(property.examples) ? id + '-values' : null });
        if (Array.isArray(property.examples)) {
          const list = el('datalist', { id: id + '-values' });
          for (const value of property.examples) { list.append(el('option', { value: String(value) })); }
          label.append(list);
        }
      }
      label.append(input, el('span', { class: 'hint' }, property.description || ''));
      form.append(label);
    }
    fillExample();
  }

  function fillExample() {
    for (const [name, value] of Object.entries(predictBody.example)) {
      const input = byId('field-' + name);
      if (input) { input.value = String(value); }
    }
  }

  function predictRequest() {
    const body = {};
    for (const [name, property] of Object.entries(predictBody.schema.properties || {})) {
      const text = byId('field-' + name).value.trim();
      if (text === '') { continue; }
      // A numeric column goes as a JSON number when it reads as one; anything else as typed, for the host to judge.
      const number = Number(text);
      body[name] = property.minimum !== undefined && text !== '' && Number.isFinite(number) ? number : text;
    }
    return body;
  }

  async function sendPrediction() {
    const target = byId('predict-result');
    target.dataset.status = 'sending';
    target.replaceChildren(el('p', { class: 'muted' }, 'Scoring…'));
    try {
      const result = await call('POST', '/fl_predict', predictRequest());
      if (result.status === 200 && result.json) {
        const p = result.json;
        const reasons = el('ul', null);
        for (const r of p.reasons || []) { reasons.append(el('li', null, `${r.feature} = ${r.value}: ${r.points_lost} points lost`)); }
        target.dataset.status = '200';
        target.replaceChildren(
          el('p', { class: 'probability', id: 'predict-probability', 'data-probability': String(p.probability) },
            'Probability of good credit: ' + p.probability.toFixed(4)),
          el('p', null, 'Label: ', el('strong', { class: 'label-' + p.label }, p.label), `; score ${p.score}; model version ${p.model_version} (ε = ${p.epsilon}, δ = ${p.delta})`),
          el('h3', null, 'Reasons'), reasons,
          el('pre', null, JSON.stringify(p, null, 2)));
      } else {
        showRaw(target, result);
      }
    } catch (error) {
      showError(target, error);
    }
  }

  // --- /fl_train ------------------------------------------------------------------------------------------------------
  async function sendTraining() {
    const target = byId('train-result');
    const wait = byId('train-wait').checked;
    target.dataset.status = 'sending';
    target.replaceChildren(el('p', { class: 'muted' }, wait ? 'Training (waiting for the end)…' : 'Starting…'));
    try {
      let result = await call('POST', '/fl_train' + (wait ? '?wait=true' : ''), { addr: byId('train-addr').value });
      showRaw(target, result);
      // Follow a started job until it ends.
      while (result.status === 202 || (result.location && result.json && (result.json.status === 'queued' || result.json.status === 'running'))) {
        const location = result.location || ('/fl_train/' + result.json.id);
        await new Promise((resolve) => setTimeout(resolve, 1000));
        result = await call('GET', location);
        result.location = location;
        showRaw(target, result);
      }
    } catch (error) {
      showError(target, error);
    }
  }

  // --- Reference: every operation with its responses ------------------------------------------------------------------
  function schemaName(schema) {
    if (!schema) { return ''; }
    if (schema.$ref) { return schema.$ref.split('/').pop(); }
    if (schema.type === 'array' && schema.items) { return schemaName(schema.items) + '[]'; }
    return typesOf(schema).join(' | ') || 'object';
  }

  function renderReference(doc) {
    const target = byId('operations');
    target.replaceChildren();
    const reportButtons = byId('report-buttons');
    reportButtons.replaceChildren();
    const tags = (doc.tags || []).map((t) => t.name);
    const operations = [];
    for (const [path, item] of Object.entries(doc.paths || {})) {
      for (const [method, operation] of Object.entries(item)) {
        if (!operation || typeof operation !== 'object' || !operation.responses) { continue; }
        operations.push({ path, method: method.toUpperCase(), operation, tag: (operation.tags || [''])[0] });
      }
    }
    operations.sort((a, b) => tags.indexOf(a.tag) - tags.indexOf(b.tag));
    let lastTag = null;
    for (const { path, method, operation, tag } of operations) {
      if (tag !== lastTag) {
        const about = (doc.tags || []).find((t) => t.name === tag);
        target.append(el('h3', null, tag), el('p', { class: 'muted' }, about && about.description ? about.description : ''));
        lastTag = tag;
      }
      const rows = el('tbody', null);
      for (const [status, response] of Object.entries(operation.responses)) {
        const content = response.content || {};
        const media = Object.entries(content).map(([type, m]) => `${type}: ${schemaName(m.schema)}`).join(', ');
        rows.append(el('tr', null, el('td', { class: 'status' }, status), el('td', null, response.description || ''), el('td', null, el('code', null, media))));
      }
      const secured = Array.isArray(operation.security) && operation.security.length > 0;
      target.append(el('div', { class: 'op', id: 'op-' + (operation.operationId || path) },
        el('p', null, el('span', { class: 'method' }, method), el('span', { class: 'path' }, path),
          secured ? el('span', { class: 'lock' }, 'needs the API key') : ''),
        el('p', null, operation.summary || ''),
        operation.description ? el('p', { class: 'muted' }, operation.description) : '',
        el('table', null, el('thead', null, el('tr', null, el('th', null, 'Status'), el('th', null, 'When'), el('th', null, 'Body'))), rows)));
      if (method === 'GET' && !path.includes('{')) {
        const button = el('button', { type: 'button', class: 'secondary' }, 'GET ' + path);
        button.addEventListener('click', async () => {
          try { showRaw(byId('report-result'), await call('GET', path)); } catch (error) { showError(byId('report-result'), error); }
        });
        reportButtons.append(button, ' ');
      }
    }
  }

  async function start() {
    byId('predict-send').addEventListener('click', sendPrediction);
    byId('predict-example').addEventListener('click', fillExample);
    byId('train-send').addEventListener('click', sendTraining);
    let doc;
    try {
      const response = await fetch('/openapi/v1.json', { cache: 'no-store', credentials: 'omit' });
      doc = await response.json();
    } catch (error) {
      byId('description').textContent = 'The OpenAPI document could not be read: ' + error.message;
      document.body.dataset.ready = 'error';
      return;
    }
    byId('title').textContent = doc.info.title;
    document.title = doc.info.title;
    byId('description').textContent = doc.info.description || '';
    renderPredictForm(doc.paths['/fl_predict'].post);
    renderReference(doc);
    document.body.dataset.ready = 'true';
    if (new URLSearchParams(location.search).get('predict') === 'example') {
      await sendPrediction();
    }
  }

  document.addEventListener('DOMContentLoaded', start);
}());
