/* Fieldkit service worker.
 *
 * Served by app/pwa.py at /sw.js (scope "/"), which fills in CACHE_VERSION and PRECACHE_URLS
 * from the content hashes of the static files: a deploy that changes them installs a new
 * worker with new caches, and static/js/pwa.js offers "Reload" instead of swapping the code
 * under a half-typed form.
 *
 *   /static/*, /i18n/* cache first, 30 days (their URLs carry the content hash)
 *   GET /api/*         network first; the cached copy, up to 1 hour old, when it fails
 *   pages (GET)        network first (navigation preload, 3 s timeout if a copy exists),
 *                      then the cached copy, then /offline
 *   everything else    network only, never cached: POST/PUT/DELETE, /login, /logout, /company
 *
 * Offline copies of the day's job pages (PRECACHE_PAGES from pwa.js) are fetched again only
 * when the list shows another version of the job (its write_date, in data-precache) than the
 * copy's X-Fk-Version header, or when the copy is older than PAGE_REFRESH_MS: each refetch
 * costs the server Odoo calls, even when it ends in a 304. The job pages to fetch come in ONE
 * request, /jobs/offline?ids=… (their Odoo reads go out together: 2 calls for the lot), and
 * are kept as if each had been fetched on its own.
 */
'use strict';

// Replaced when /sw.js is served; the placeholders keep this file valid JavaScript as it is.
const CACHE_VERSION = '__CACHE_VERSION__';
const PRECACHE_URLS = ['__PRECACHE_URLS__'];

const CACHES = {
  static: `fieldkit-static-v${CACHE_VERSION}`, // the same for every user
  api: `fieldkit-api-v${CACHE_VERSION}`, // one user's data: emptied at login and logout
  pages: `fieldkit-pages-v${CACHE_VERSION}`, // one user's pages: emptied at login and logout
};
const USER_CACHE = /^fieldkit-(api|pages)-/;
const OFFLINE_URL = '/offline';
const NEVER_CACHED = ['/login', '/logout', '/company', OFFLINE_URL]; // /offline: static cache
// A POST to these starts another session or shows other records (a company switch): the copies
// kept so far belong to the last one.
const CLEARS_USER_CACHES = ['/login', '/logout', '/company'];
// "/" only redirects (to the day's jobs, or the login): offline it opens the cached start page.
const OFFLINE_ALIASES = { '/': '/jobs/active' };
const HOUR = 3600 * 1000;
const MAX_AGE = { [CACHES.static]: 30 * 24 * HOUR, [CACHES.api]: HOUR };
const NAVIGATION_TIMEOUT_MS = 3000;
const MAX_PAGES = 60;
const CACHED_AT = 'X-Fk-Cached-At'; // when a stored response was fetched (ms since epoch)
const PAGE_VERSION = 'X-Fk-Version'; // the job's write_date when its page was rendered
// A kept job page whose job did not change is refetched after this long anyway: notes posted
// in Odoo itself do not change the order's write_date.
const PAGE_REFRESH_MS = HOUR;
const MATCH = { ignoreVary: true };
// A job page kept for offline reading, and the request that brings many of them at once.
const JOB_PAGE = /^\/jobs\/(\d+)\/?$/;
const JOB_PAGES_URL = '/jobs/offline';
// Headers of the batch's answer a page kept from it must not carry (the rest, the security
// policies, apply to each page as to the batch).
const NOT_PAGE_HEADERS = ['content-type', 'content-length', 'content-encoding', 'etag', 'vary',
  'set-cookie', 'x-odoo-rpc', 'server-timing', 'x-request-id'];

// Pages answered from the cache, by the id of the window they open in, so that pwa.js can ask
// and show "Offline — showing the copy from 14:02".
const servedFromCache = new Map();
// Aborted when a user's caches are emptied (login, logout): a job page still being fetched in
// the background must neither refill them nor answer after the logout, as its Set-Cookie would
// bring the old session back.
let userFetches = new AbortController();

self.addEventListener('install', (event) => {
  event.waitUntil(Promise.all(PRECACHE_URLS.map(async (url) => {
    const response = await fetch(precacheRequest(url));
    if (!(await save(CACHES.static, url, response))) throw new Error(`precache ${url}: ${response.status}`);
  })));
  // No skipWaiting() here: the page sends SKIP_WAITING once the user taps "Reload".
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    if (self.registration.navigationPreload) await self.registration.navigationPreload.enable();
    const current = Object.values(CACHES);
    for (const name of await caches.keys()) {
      if (current.includes(name)) continue;
      // The user's offline pages survive a deploy (their old asset URLs fall back by path).
      if (name.startsWith('fieldkit-pages-')) await copyMissing(name, CACHES.pages);
      await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return; // not ours: the browser handles it
  // A customer's visit page (/c/...) is never kept by the worker: HTTP caching only.
  if (url.pathname.startsWith('/c/')) return;
  if (request.method !== 'GET') {
    // Network only. A login, logout or company switch: the last session's copies go.
    if (CLEARS_USER_CACHES.includes(url.pathname)) event.waitUntil(clearUserCaches());
    return;
  }
  if (request.mode === 'navigate') event.respondWith(navigation(event, url));
  else if (url.pathname.startsWith('/static/') || url.pathname.startsWith('/i18n/')) event.respondWith(cacheFirst(request));
  else if (url.pathname.startsWith('/api/')) event.respondWith(networkFirst(request, CACHES.api));
});

self.addEventListener('message', (event) => {
  const { type, urls, pages, lang } = event.data || {};
  if (type === 'SKIP_WAITING') self.skipWaiting();
  else if (type === 'CLEAR_USER_CACHES') event.waitUntil(clearUserCaches());
  else if (type === 'PRECACHE_PAGES') {
    // claim() again: a page whose navigation began before activation was not claimed then.
    const list = pages || (urls || []).map((url) => ({ url, version: '' }));
    event.waitUntil(self.clients.claim().then(() => precachePages(list, event.source)));
  }
  else if (type === 'OFFLINE_LANG') event.waitUntil(offlineIn(lang));
  else if (type === 'PAGE_SOURCE') {
    event.source.postMessage({ type, cachedAt: servedFromCache.get(event.source.id) || null });
    servedFromCache.delete(event.source.id);
  }
});

async function navigation(event, url) {
  const keep = !NEVER_CACHED.includes(url.pathname);
  let saving = null;
  const network = (async () => (await event.preloadResponse) || fetch(event.request))()
    .then((response) => {
      if (keep && isHtml(response)) saving = save(CACHES.pages, event.request, response.clone());
      return response;
    });
  // Keeps the worker alive until the fresh copy is stored, even when the cached one was served.
  event.waitUntil(network.then(() => saving).catch(() => null));
  const cached = keep ? await cachedPage(event.request, url) : null;
  try {
    // With a copy to fall back on, a weak signal is not worth more than a few seconds.
    const response = await (cached ? Promise.race([network, timeout(NAVIGATION_TIMEOUT_MS)]) : network);
    if (cached && response.status >= 502 && response.status <= 504) return fromCache(event, cached);
    return response;
  } catch (error) {
    if (cached) return fromCache(event, cached);
    return (await caches.match(OFFLINE_URL, { ...MATCH, cacheName: CACHES.static })) || Response.error();
  }
}

async function cachedPage(request, url) {
  const options = { ...MATCH, cacheName: CACHES.pages };
  const alias = OFFLINE_ALIASES[url.pathname];
  return (await caches.match(request, options)) || (alias ? caches.match(alias, options) : undefined);
}

async function cacheFirst(request) {
  const cached = await caches.match(request, { ...MATCH, cacheName: CACHES.static });
  if (cached && isFresh(cached, MAX_AGE[CACHES.static])) return cached;
  try {
    const response = await fetch(request);
    await save(CACHES.static, request, response.clone());
    return response;
  } catch (error) {
    // Offline: an expired copy, else the same file of another version (a page cached before
    // a deploy asks for its old ?v= URLs).
    return cached || (await caches.match(request, { ...MATCH, cacheName: CACHES.static, ignoreSearch: true }))
      || Response.error();
  }
}

async function networkFirst(request, cacheName) {
  try {
    const response = await fetch(request);
    await save(cacheName, request, response.clone());
    return response;
  } catch (error) {
    // The X-Fk-Cached-At header tells the caller this is a copy, and from when.
    const cached = await caches.match(request, { ...MATCH, cacheName });
    return cached && isFresh(cached, MAX_AGE[cacheName]) ? cached : Response.error();
  }
}

// A fingerprinted URL (?v=<content hash>) names one version of its file, so the copy the page
// has just downloaded into the HTTP cache is the right one: not downloaded twice. Anything
// else skips the HTTP cache (cache: 'reload'), so this version gets this version's file, and
// /offline is rendered for nobody in particular (credentials: 'omit'), as every user shares it.
function precacheRequest(url) {
  if (new URL(url, self.location.origin).searchParams.has('v')) return new Request(url);
  return new Request(url, { cache: 'reload', credentials: 'omit' });
}

// The offline page in the user's language (pwa.js names the page's): kept under OFFLINE_URL,
// fetched again only when the copy's Content-Language is another.
async function offlineIn(lang) {
  if (!/^[a-z]{2,3}$/.test(lang || '')) return;
  const cache = await caches.open(CACHES.static);
  const cached = await cache.match(OFFLINE_URL, MATCH);
  if (cached && cached.headers.get('Content-Language') === lang) return;
  try {
    const response = await fetch(precacheRequest(`${OFFLINE_URL}?lang=${lang}`));
    await save(CACHES.static, OFFLINE_URL, response);
  } catch (error) { /* offline again: the copy in the other language stays */ }
}

// Stores a copy stamped with the time; true if stored. Only complete same-origin 200s are kept:
// never errors, redirects (a login page under a job's URL) or opaque responses.
async function save(cacheName, request, response) {
  if (response.status !== 200 || response.type !== 'basic' || response.redirected) return false;
  const headers = new Headers(response.headers);
  headers.delete('Content-Encoding'); // the body below is already decoded
  headers.delete('Content-Length');
  return keep(cacheName, request, await response.blob(), response.statusText, headers);
}

async function keep(cacheName, request, body, statusText, headers) {
  const { signal } = userFetches;
  headers.set(CACHED_AT, String(Date.now()));
  const copy = new Response(body, { status: 200, statusText, headers });
  if (signal.aborted && USER_CACHE.test(cacheName)) return false; // logged out meanwhile
  const cache = await caches.open(cacheName);
  await cache.put(request, copy);
  if (cacheName === CACHES.pages) await trim(cache, MAX_PAGES);
  return true;
}

// Today's and tomorrow's job pages, sent by pwa.js from /jobs/active as {url, version}: the
// ones without an up-to-date copy are fetched, the job pages all in one request, any other
// page on its own. `count` says how many pages are ready offline, `fetched` how many requests
// that cost this time.
async function precachePages(pages, client) {
  const queue = pages.map((p) => ({ url: new URL(p.url, self.location.origin), version: p.version || '', own: Boolean(p.own) }))
    .filter(({ url }) => url.origin === self.location.origin && !NEVER_CACHED.includes(url.pathname))
    .slice(0, 40);
  const { signal } = userFetches;
  let count = 0;
  let fetched = 0;
  const jobs = [];
  const others = [];
  const waits = [];
  for (const p of queue) {
    if (await upToDate(p.url.href, p.version)) count += 1;
    // The list shown again before an earlier round finished: that round's fetch will do.
    else if (inFlight.has(p.url.href)) waits.push(inFlight.get(p.url.href));
    else (JOB_PAGE.test(p.url.pathname) && !p.url.search ? jobs : others).push(p);
  }
  const track = (url, done) => {
    inFlight.set(url, done);
    done.finally(() => inFlight.delete(url)).catch(() => null);
    return done;
  };
  if (jobs.length) {
    const batch = fetchJobPages(jobs, signal);
    for (const p of jobs) waits.push(track(p.url.href, batch.then((saved) => saved.has(p.url.href))));
    fetched += 1;
  }
  for (const p of others) {
    waits.push(track(p.url.href, (async () => {
      // The page the browser just loaded without the worker: its copy in the HTTP cache, as
      // served, costs no request (and no Odoo call); the network only when there is none.
      const kept = p.own ? await fetch(p.url.href, { cache: 'only-if-cached', mode: 'same-origin', signal })
        .then((r) => (r.ok ? r : null), () => null) : null;
      const response = kept || await fetch(p.url.href, { cache: 'no-cache', signal }).catch(() => null);
      if (response && !kept) fetched += 1;
      return Boolean(response) && save(CACHES.pages, p.url.href, response).catch(() => false);
    })()));
  }
  for (const ok of await Promise.all(waits.map((w) => w.catch(() => false)))) if (ok) count += 1;
  if (client) client.postMessage({ type: 'PRECACHED', count, fetched });
}

// The job pages in one request: {pages: [{url, version, html}]}, each kept under its own URL
// with the version and the answer's headers, as if it had been fetched on its own. The URLs
// kept (a job the user may no longer open is left out by the server).
async function fetchJobPages(jobs, signal) {
  const saved = new Set();
  const ids = jobs.map((p) => JOB_PAGE.exec(p.url.pathname)[1]);
  const response = await fetch(`${JOB_PAGES_URL}?ids=${ids.join(',')}`, { cache: 'no-store', signal })
    .catch(() => null);
  if (!response || response.status !== 200 || response.redirected) return saved;
  const answer = await response.json().catch(() => null);
  for (const page of (answer && answer.pages) || []) {
    const url = new URL(page.url, self.location.origin);
    if (url.origin !== self.location.origin || !JOB_PAGE.test(url.pathname)) continue;
    const headers = new Headers(response.headers);
    NOT_PAGE_HEADERS.forEach((name) => headers.delete(name));
    headers.set('Content-Type', 'text/html; charset=utf-8');
    headers.set('Cache-Control', 'private, no-cache');
    headers.set(PAGE_VERSION, page.version || '');
    if (await keep(CACHES.pages, url.href, page.html, 'OK', headers).catch(() => false)) saved.add(url.href);
  }
  return saved;
}

// Job pages being fetched for offline reading, by URL: each is fetched once at a time.
const inFlight = new Map();

// A kept copy of this version of the page, young enough to be trusted without asking.
async function upToDate(url, version) {
  if (!version) return false;
  const cached = await caches.match(url, { ...MATCH, cacheName: CACHES.pages });
  return Boolean(cached) && cached.headers.get(PAGE_VERSION) === version && isFresh(cached, PAGE_REFRESH_MS);
}

async function clearUserCaches() {
  userFetches.abort();
  userFetches = new AbortController();
  servedFromCache.clear();
  const names = (await caches.keys()).filter((name) => USER_CACHE.test(name));
  await Promise.all(names.map((name) => caches.delete(name)));
}

async function copyMissing(fromName, toName) {
  const [from, to] = await Promise.all([caches.open(fromName), caches.open(toName)]);
  for (const request of await from.keys()) {
    if (!(await to.match(request, MATCH))) await to.put(request, await from.match(request, MATCH));
  }
}

async function trim(cache, max) {
  const keys = await cache.keys();
  await Promise.all(keys.slice(0, Math.max(0, keys.length - max)).map((key) => cache.delete(key)));
}

function fromCache(event, cached) {
  servedFromCache.set(event.resultingClientId, Number(cached.headers.get(CACHED_AT)) || true);
  return cached;
}

const isHtml = (response) => (response.headers.get('Content-Type') || '').startsWith('text/html');
const isFresh = (response, maxAge) => Date.now() - Number(response.headers.get(CACHED_AT) || 0) < maxAge;
const timeout = (ms) => new Promise((resolve, reject) => setTimeout(() => reject(new Error('timeout')), ms));

// --- Outbox: Background Sync (Chrome): send the outbox's waiting form items with no page open;
// the rest (refusals, conflicts, signatures) waits for the page. See docs/architecture.md.
self.addEventListener('sync', (event) => {
  if (event.tag === 'fieldkit-outbox') event.waitUntil(flushOutbox());
});

function outboxRequest(store, method, arg) {
  return new Promise((resolve, reject) => {
    const request = store[method](arg);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function openOutbox() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open('fieldkit-outbox', 1);
    request.onupgradeneeded = () => request.result.createObjectStore('items', { keyPath: 'key' });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function flushOutbox() {
  const db = await openOutbox();
  const items = (await outboxRequest(db.transaction('items').objectStore('items'), 'getAll'))
    .sort((a, b) => a.created - b.created || a.seq - b.seq);
  const blocked = new Set();
  let waiting = 0;
  for (const item of items) {
    const lane = item.job || item.url;
    if (blocked.has(lane) || item.state !== 'waiting' || item.json || !item.csrf) {
      blocked.add(lane);
      waiting += 1;
      continue;
    }
    const body = new FormData();
    for (const [name, value, filename] of item.fields || []) {
      if (filename) body.append(name, value, filename); else body.append(name, value);
    }
    const headers = { 'X-CSRFToken': item.csrf, 'Idempotency-Key': item.key, Accept: 'application/json' };
    if (item.version && !item.force) headers['X-Fk-Job-Version'] = item.version;
    let response = null;
    try {
      response = await fetch(item.url, { method: 'POST', body, headers, credentials: 'same-origin',
                                         redirect: 'manual' });
    } catch (error) {
      response = null;
    }
    if (response && (response.type === 'opaqueredirect' || response.ok)) {
      await outboxRequest(db.transaction('items', 'readwrite').objectStore('items'), 'delete', item.key);
    } else {
      blocked.add(lane);
      waiting += 1;
    }
  }
  // Still waiting (no signal yet): the browser tries again later.
  if (waiting && !(await someoneAnswers())) throw new Error('outbox not empty');
}

async function someoneAnswers() {
  try {
    await fetch('/offline', { method: 'HEAD', cache: 'no-store' });
    return true;  // online: what is left waits for the page (refusals, conflicts, signatures)
  } catch (error) {
    return false;
  }
}
