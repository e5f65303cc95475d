// The gateway's debugging dashboard: plain browser JavaScript, no build step. Everything shown is
// put in the page with textContent (never as HTML): tool descriptions and event payloads come
// from the services and must not become markup.

const KEY_STORAGE = 'neurhomia.gateway.apiKey';
const FEED_LIMIT = 200;
const $ = (selector) => document.querySelector(selector);

const state = { services: [], tools: new Map(), gateway: undefined };

// --- the key -------------------------------------------------------------------------------------
const storedKey = () => sessionStorage.getItem(KEY_STORAGE) ?? '';

function askForKey(reason) {
  $('#key-reason').textContent = reason;
  $('#key-input').value = storedKey();
  if (!$('#key-dialog').open) $('#key-dialog').showModal();
}

$('#key-form').addEventListener('submit', () => {
  sessionStorage.setItem(KEY_STORAGE, $('#key-input').value.trim());
  refreshAll();
});
$('#key-forget').addEventListener('click', () => {
  sessionStorage.removeItem(KEY_STORAGE);
  $('#key-dialog').close();
  refreshAll();
});
$('#key-change').addEventListener('click', () =>
  askForKey('The key stays in this tab only (session storage).'),
);

function headers(extra = {}) {
  const key = storedKey();
  return key ? { ...extra, authorization: `Bearer ${key}` } : extra;
}

class Unauthorized extends Error {}

async function api(path, options = {}) {
  const response = await fetch(path, { ...options, headers: headers(options.headers) });
  if (response.status === 401) {
    const body = await response.json().catch(() => ({}));
    askForKey(body.error?.message ?? 'The services need an API key.');
    throw new Unauthorized(body.error?.message ?? 'unauthorized');
  }
  return response;
}

// --- services ------------------------------------------------------------------------------------
function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function heartbeatAge(service) {
  if (!service.last_heartbeat) return '–';
  const seconds = Math.max(0, (Date.now() - Date.parse(service.last_heartbeat)) / 1000);
  return `${seconds.toFixed(0)} s ago (every ${service.heartbeat_interval_s} s)`;
}

function renderServices() {
  const body = $('#services tbody');
  body.replaceChildren();
  $('#services-empty').hidden = state.services.length > 0;
  for (const service of state.services) {
    const row = element('tr');
    row.dataset.service = service.service_id;
    const name = element('td');
    name.append(element('strong', service.service_id), element('div', service.description, 'muted'));
    const status = element('td', service.status, service.status);
    if (service.access === 'refused') status.append(element('div', 'key refused', 'bad'));
    const heartbeat = element('td', heartbeatAge(service));
    heartbeat.className = 'heartbeat';
    const tools = element('td');
    tools.className = 'tools';
    for (const tool of service.tools) {
      const button = element('button', tool.tool);
      button.type = 'button';
      button.title = tool.description;
      button.addEventListener('click', () => selectTool(tool.name));
      tools.append(button);
    }
    row.append(name, status, element('td', service.version), heartbeat, tools);
    body.append(row);
  }
  const gateway = state.gateway;
  if (gateway) {
    $('#broker').textContent = `broker ${gateway.broker}`;
    $('#broker').className = `badge ${gateway.broker === 'connected' ? 'ok' : 'bad'}`;
    $('#key-status').textContent = gateway.key_id
      ? `key ${gateway.key_id}${gateway.default_key ? ' (the gateway’s)' : ''}`
      : 'no key';
  }
}

function renderToolOptions() {
  const select = $('#tool-select');
  const current = select.value;
  select.replaceChildren(element('option', '— choose a tool —'));
  select.firstChild.value = '';
  state.tools = new Map();
  for (const service of state.services) {
    if (service.status !== 'up') continue;
    for (const tool of service.tools) {
      state.tools.set(tool.name, tool);
      const option = element('option', tool.name);
      option.value = tool.name;
      select.append(option);
    }
  }
  if (state.tools.has(current)) select.value = current;
  if (select.value !== current) renderForm();
}

async function loadServices() {
  const response = await api('/api/services');
  if (!response.ok) throw new Error(`GET /api/services: ${response.status}`);
  const body = await response.json();
  state.services = body.services;
  state.gateway = body.gateway;
  renderServices();
  renderToolOptions();
}

// --- the call form -------------------------------------------------------------------------------
function selectTool(name) {
  $('#tool-select').value = name;
  renderForm();
}

function fieldFor(name, schema, required) {
  const label = element('label', `${name}${required ? ' *' : ''}`);
  label.title = schema.description ?? '';
  let input;
  if (Array.isArray(schema.enum)) {
    input = element('select');
    input.append(element('option', ''));
    for (const value of schema.enum) input.append(element('option', String(value)));
    input.dataset.kind = typeof schema.enum[0] === 'number' ? 'number' : 'string';
  } else if (schema.type === 'boolean') {
    input = element('select');
    for (const value of ['', 'true', 'false']) input.append(element('option', value));
    input.dataset.kind = 'boolean';
  } else if (schema.type === 'number' || schema.type === 'integer') {
    input = element('input');
    input.type = 'number';
    input.step = schema.type === 'integer' ? '1' : 'any';
    if (schema.minimum !== undefined) input.min = String(schema.minimum);
    if (schema.maximum !== undefined) input.max = String(schema.maximum);
    input.dataset.kind = 'number';
  } else if (schema.type === 'string') {
    input = element('input');
    input.type = 'text';
    input.dataset.kind = 'string';
  } else {
    input = element('textarea');
    input.placeholder = 'JSON';
    input.dataset.kind = 'json';
  }
  input.name = name;
  input.required = required;
  if (schema.default !== undefined) input.placeholder = `default: ${JSON.stringify(schema.default)}`;
  label.append(input);
  if (schema.description) label.append(element('small', schema.description, 'muted'));
  return label;
}

function renderForm() {
  const tool = state.tools.get($('#tool-select').value);
  const fields = $('#tool-arguments');
  fields.replaceChildren(element('legend', 'Arguments'));
  $('#tool-description').textContent = tool?.description ?? '';
  if (!tool) return;
  const properties = tool.inputSchema?.properties ?? {};
  const required = new Set(tool.inputSchema?.required ?? []);
  for (const [name, schema] of Object.entries(properties))
    fields.append(fieldFor(name, schema, required.has(name)));
  if (Object.keys(properties).length === 0) fields.append(element('p', 'No arguments.', 'muted'));
}

function collectArguments() {
  const args = {};
  for (const input of $('#tool-arguments').querySelectorAll('[name]')) {
    const raw = input.value.trim();
    if (raw === '') continue;
    const kind = input.dataset.kind;
    if (kind === 'number') args[input.name] = Number(raw);
    else if (kind === 'boolean') args[input.name] = raw === 'true';
    else if (kind === 'json') args[input.name] = JSON.parse(raw);
    else args[input.name] = raw;
  }
  return args;
}

$('#tool-select').addEventListener('change', renderForm);
$('#call-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const output = $('#call-result');
  const name = $('#tool-select').value;
  if (!name) return;
  let args;
  try {
    args = collectArguments();
  } catch (error) {
    output.textContent = `Invalid JSON in an argument: ${error.message}`;
    return;
  }
  output.textContent = `calling ${name}…`;
  try {
    const response = await api('/mcp/tools/call', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, arguments: args }),
    });
    const body = await response.json();
    output.textContent = `HTTP ${response.status}\n${JSON.stringify(body, null, 2)}`;
  } catch (error) {
    output.textContent = `Call failed: ${error.message}`;
  }
});

// --- the live feed -------------------------------------------------------------------------------
function describe(record) {
  const time = record.at.slice(11, 19);
  if (record.kind === 'call') {
    const what = `${record.service}${record.tool ? `/${record.tool}` : ''}`;
    const outcome = record.error ? `error ${record.error.code}: ${record.error.message}` : record.outcome;
    return {
      head: `${time} ${record.method} ${what} · ${record.duration_ms} ms · ${outcome}`,
      body: record.result,
      className: record.outcome,
    };
  }
  if (record.kind === 'event')
    return {
      head: `${time} event ${record.service}/${record.event}`,
      body: record.payload,
      className: 'warn',
    };
  return {
    head: `${time} service ${record.service} ${record.change} (${record.state}${record.reason ? `, ${record.reason}` : ''})`,
    className: record.change === 'down' ? 'bad' : 'ok',
  };
}

function addToFeed(record) {
  const feed = $('#feed');
  const { head, body, className } = describe(record);
  const item = element('li');
  item.dataset.kind = record.kind;
  item.append(element('div', head, className));
  if (body) item.append(element('code', body));
  feed.prepend(item);
  while (feed.children.length > FEED_LIMIT) feed.lastChild.remove();
}

function setConnection(text, className) {
  $('#connection').textContent = `live feed ${text}`;
  $('#connection').className = `badge ${className}`;
}

let streamAbort;
async function followStream() {
  streamAbort?.abort();
  const controller = new AbortController();
  streamAbort = controller;
  try {
    const response = await api('/api/stream', { signal: controller.signal });
    if (!response.ok) throw new Error(`GET /api/stream: ${response.status}`);
    setConnection('connected', 'ok');
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let end = buffer.indexOf('\n\n');
      while (end !== -1) {
        onStreamEvent(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf('\n\n');
      }
    }
  } catch (error) {
    if (controller.signal.aborted || error instanceof Unauthorized) return;
  }
  if (controller.signal.aborted) return;
  setConnection('reconnecting…', 'warn');
  setTimeout(followStream, 2000);
}

function onStreamEvent(block) {
  let event = 'message';
  let data = '';
  for (const line of block.split('\n')) {
    if (line.startsWith('event: ')) event = line.slice(7);
    else if (line.startsWith('data: ')) data += line.slice(6);
  }
  if (!data) return;
  const payload = JSON.parse(data);
  if (event === 'hello') {
    $('#feed').replaceChildren();
    for (const record of payload.messages) addToFeed(record);
  } else if (event === 'record') addToFeed(payload);
  else if (event === 'services') loadServices().catch(() => {});
}

// --- start ---------------------------------------------------------------------------------------
function refreshAll() {
  loadServices().catch(() => {});
  followStream();
}

refreshAll();
// Heartbeat ages move every second; states and tool lists arrive through the stream, and a slow
// poll catches anything a dropped stream missed.
setInterval(() => {
  for (const row of document.querySelectorAll('#services tbody tr')) {
    const service = state.services.find((s) => s.service_id === row.dataset.service);
    if (service) row.querySelector('.heartbeat').textContent = heartbeatAge(service);
  }
}, 1000);
setInterval(() => loadServices().catch(() => {}), 5_000);
