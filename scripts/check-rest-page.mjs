// Opens the REST host's interactive page in headless Chromium over the DevTools protocol (built-in Node modules
// only) and checks it: the page renders from the host's OpenAPI document, no request leaves the host, no script
// error or policy violation, no vendor buttons; a prediction sent from the page without the key shows 401, one
// sent with the key typed into the page shows a probability. Takes a full-page screenshot. Exits 1 on any failure.
//
// node --experimental-websocket check-rest-page.mjs --url http://127.0.0.1:8080/docs --screenshot page.png [--api-key KEY]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, value, i, all) => (i % 2 === 0 ? [...pairs, [value.replace(/^--/, ''), all[i + 1]]] : pairs), []));
const pageUrl = new URL(args.url ?? fail('--url is required'));
const screenshot = args.screenshot ?? fail('--screenshot is required');
const apiKey = args['api-key'] ?? '';
const chromium = args.chromium ?? 'chromium';
const vendorTexts = ['Ask AI', 'Deploy', 'Share', 'Generate MCP', 'Open in API Client', 'Scalar'];

function fail(message) {
  console.error(`check-rest-page: FAIL: ${message}`);
  process.exit(1);
}

if (typeof WebSocket !== 'function') {
  fail('this Node has no WebSocket client: run it with node --experimental-websocket (Node 20.10+) or Node 22+');
}

const profile = mkdtempSync(join(tmpdir(), 'privatefl-chromium-'));
const browser = spawn(chromium, [
  '--headless', '--no-sandbox', '--disable-background-networking', '--disable-gpu', '--no-first-run',
  '--no-default-browser-check', '--disable-component-update', '--disable-sync', '--disable-extensions',
  '--remote-debugging-port=0', `--user-data-dir=${profile}`, '--window-size=1280,1600', 'about:blank',
], { stdio: ['ignore', 'ignore', 'pipe'] });
let browserLog = '';
browser.stderr.on('data', (chunk) => { browserLog += chunk; });
browser.on('error', (error) => fail(`cannot start ${chromium}: ${error.message} (apt-get install -y chromium)`));

let socket;
let exitCode = 1;
try {
  exitCode = await check();
} catch (error) {
  console.error(`check-rest-page: FAIL: ${error.message}`);
} finally {
  try { socket?.close(); } catch { /* closing anyway */ }
  // Chromium's helper processes write to the profile until the browser has exited: removing it earlier fails with
  // ENOTEMPTY under load (it did here, after every check had passed), so wait for the exit, then remove with retries.
  const exited = browser.exitCode !== null || browser.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => browser.once('exit', resolve));
  browser.kill('SIGTERM');
  await Promise.race([exited, sleep(10000)]);
  if (browser.exitCode === null && browser.signalCode === null) {
    browser.kill('SIGKILL');
    await exited;
  }
  try {
    rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  } catch (error) {
    // The check's outcome stands; only the temporary profile is left behind.
    console.error(`check-rest-page: warning: could not remove ${profile}: ${error.message}`);
  }
}
process.exit(exitCode);

async function check() {
  // Chromium writes its DevTools port into the profile once it listens.
  const portFile = join(profile, 'DevToolsActivePort');
  for (let i = 0; i < 150 && !existsSync(portFile); i++) { await sleep(100); }
  if (!existsSync(portFile)) { throw new Error(`Chromium did not start its DevTools endpoint in 15 s:\n${browserLog.slice(-2000)}`); }
  const port = readFileSync(portFile, 'utf8').split('\n')[0];
  const targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
  const target = targets.find((t) => t.type === 'page') ?? (() => { throw new Error('Chromium has no page target'); })();

  socket = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => { socket.onopen = resolve; socket.onerror = () => reject(new Error('cannot open the DevTools socket')); });
  let nextId = 1;
  const pending = new Map();
  const requests = [];
  const problems = [];
  const waiters = [];
  socket.onmessage = (message) => {
    const data = JSON.parse(message.data);
    if (data.id && pending.has(data.id)) {
      const { resolve, reject } = pending.get(data.id);
      pending.delete(data.id);
      data.error ? reject(new Error(`${data.error.message} (${data.error.code})`)) : resolve(data.result);
      return;
    }
    const p = data.params;
    switch (data.method) {
      case 'Network.requestWillBeSent': requests.push(p.request.url); break;
      case 'Network.loadingFailed': if (!p.canceled) { problems.push(`request failed: ${p.errorText} ${p.blockedReason ?? ''}`); } break;
      case 'Runtime.exceptionThrown': problems.push(`script error: ${p.exceptionDetails.exception?.description ?? p.exceptionDetails.text}`); break;
      case 'Runtime.consoleAPICalled': if (p.type === 'error') { problems.push(`console error: ${p.args.map((a) => a.value ?? a.description).join(' ')}`); } break;
      // Network entries are the expected 401 and similar answers; anything else (a policy violation above all) fails.
      case 'Log.entryAdded': if (p.entry.level === 'error' && p.entry.source !== 'network') { problems.push(`${p.entry.source}: ${p.entry.text}`); } break;
      default: break;
    }
    for (const waiter of [...waiters]) { if (waiter.method === data.method) { waiters.splice(waiters.indexOf(waiter), 1); waiter.resolve(p); } }
  };
  const send = (method, params = {}) => new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject });
    socket.send(JSON.stringify({ id, method, params }));
  });
  const event = (method, ms) => Promise.race([
    new Promise((resolve) => waiters.push({ method, resolve })),
    sleep(ms).then(() => { throw new Error(`no ${method} within ${ms} ms`); }),
  ]);
  const evaluate = async (expression) => {
    const result = await send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true });
    if (result.exceptionDetails) { throw new Error(`evaluating ${expression}: ${result.exceptionDetails.text}`); }
    return result.result.value;
  };
  const until = async (what, expression, ms) => {
    for (const start = Date.now(); Date.now() - start < ms; await sleep(100)) {
      const value = await evaluate(expression);
      if (value) { return value; }
    }
    throw new Error(`${what} within ${ms} ms (${expression})`);
  };
  const click = async (selector) => {
    // A real mouse click at the element's centre, as a person would.
    const box = await evaluate(`(() => { const e = document.querySelector(${JSON.stringify(selector)}); e.scrollIntoView({ block: 'center' }); const r = e.getBoundingClientRect(); return { x: r.x + r.width / 2, y: r.y + r.height / 2 }; })()`);
    for (const type of ['mouseMoved', 'mousePressed', 'mouseReleased']) {
      await send('Input.dispatchMouseEvent', { type, x: box.x, y: box.y, button: 'left', clickCount: 1 });
    }
  };
  const predict = async () => {
    await evaluate(`document.getElementById('predict-result').dataset.status = ''`);
    await click('#predict-send');
    return until('the page showed the prediction\'s answer', `(() => { const s = document.getElementById('predict-result').dataset.status; return s && s !== 'sending' ? s : null; })()`, 30_000);
  };

  await Promise.all([send('Network.enable'), send('Page.enable'), send('Runtime.enable'), send('Log.enable')]);
  const loaded = event('Page.loadEventFired', 30_000);
  const navigation = await send('Page.navigate', { url: pageUrl.href });
  if (navigation.errorText) { throw new Error(`cannot open ${pageUrl.href}: ${navigation.errorText}`); }
  await loaded;
  const ready = await until('the page rendered the OpenAPI document', `document.body.dataset.ready`, 30_000);
  if (ready !== 'true') { throw new Error(`the page could not render: ${await evaluate(`document.getElementById('description').textContent`)}`); }

  const fields = await evaluate(`document.querySelectorAll('#predict-form [name]').length`);
  const operations = await evaluate(`document.querySelectorAll('#operations .op').length`);
  if (fields < 1 || operations < 5) { throw new Error(`the page shows ${fields} applicant fields and ${operations} operations`); }
  const text = await evaluate(`document.body.innerText + ' ' + [...document.querySelectorAll('button, a')].map((e) => e.textContent + ' ' + (e.title || '') + ' ' + (e.getAttribute('aria-label') || '')).join(' ')`);
  const vendor = vendorTexts.filter((v) => text.toLowerCase().includes(v.toLowerCase()));
  if (vendor.length > 0) { throw new Error(`the page shows vendor texts: ${vendor.join(', ')}`); }

  let withoutKey = null;
  if (apiKey) {
    withoutKey = await predict();
    if (withoutKey !== '401') { throw new Error(`a prediction without the key showed status ${withoutKey}, expected 401`); }
    await evaluate(`document.getElementById('api-key').focus()`);
    await send('Input.insertText', { text: apiKey });
  }
  const status = await predict();
  if (status !== '200') {
    throw new Error(`the prediction sent from the page answered ${status}: ${await evaluate(`document.getElementById('predict-result').innerText`)}`);
  }
  const probability = Number(await evaluate(`document.getElementById('predict-probability').dataset.probability`));
  if (!(probability >= 0 && probability <= 1)) { throw new Error(`the page shows no probability (${probability})`); }

  // The whole page in one image.
  await evaluate(`window.scrollTo(0, 0)`);
  const height = await evaluate(`Math.ceil(document.documentElement.scrollHeight)`);
  await send('Emulation.setDeviceMetricsOverride', { width: 1280, height: Math.min(height, 16000), deviceScaleFactor: 1, mobile: false });
  await sleep(300);
  const image = await send('Page.captureScreenshot', { format: 'png' });
  writeFileSync(screenshot, Buffer.from(image.data, 'base64'));

  const offHost = requests.filter((url) => !url.startsWith('data:') && !url.startsWith('about:') && new URL(url).origin !== pageUrl.origin);
  if (offHost.length > 0) { throw new Error(`the page requested off-host URLs: ${offHost.join(', ')}`); }
  if (problems.length > 0) { throw new Error(`the page reported problems:\n  ${problems.join('\n  ')}`); }

  console.log(`check-rest-page: page ${pageUrl.href} rendered ${fields} applicant fields and ${operations} operations`);
  console.log(`check-rest-page: ${requests.length} requests, all to ${pageUrl.origin}: ${[...new Set(requests.map((u) => new URL(u).pathname))].join(', ')}`);
  if (withoutKey) { console.log('check-rest-page: prediction from the page without the key: 401 (shown on the page)'); }
  console.log(`check-rest-page: prediction from the page${apiKey ? ' with the key' : ''}: 200, probability of good credit ${probability}`);
  console.log(`check-rest-page: screenshot ${screenshot} (${height} px high)`);
  return 0;
}
