// The results centre's desk: clerks key tally sheets twice and blind, supervisors settle what
// they disagree on (docs/desk.md). Plain JavaScript served by the results service, no build step.
'use strict';

// The words of the page, data a translator edits (desk.text.json), written into the page by the
// service, which has drawn it in the reader's language already.
const T = JSON.parse(document.getElementById('text').textContent);
const FIGURES = ['ballots_received', 'cast', 'valid', 'invalid', 'spoiled', 'unused'];
const PENDING = 'majlis-desk-pending';
const $ = (id) => document.getElementById(id);
let lang = document.documentElement.lang === 'en' ? 'en' : 'ar';
let form = null; // the open station's form, as GET /api/desk/stations/{code} answers it
let mode = 'entry'; // or 'rekey' (a disputed sheet keyed again), 'correct' (a held sheet)
let correcting = null; // the held sheet's source, in 'correct' mode
let dispute = null; // the disagreement open on the supervisor's side
let photo = null; // the open sheet's photo as POST /api/desk/photos answered it
let flushing = false;

function t(key, ...args) {
  const text = T[lang][key] ?? T.en[key] ?? key;
  return text.replace(/\{(\d)\}/g, (_, i) => String(args[Number(i)]));
}
const number = (n) => new Intl.NumberFormat(lang === 'ar' ? 'ar-IQ' : 'en-GB').format(n);
// Arabic-Indic (٠–٩) and Persian (۰–۹) digits are read as the digits they are.
const latin = (s) => s.replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x660))
  .replace(/[\u06f0-\u06f9]/g, (d) => String(d.charCodeAt(0) - 0x6f0));
function figure(input) {
  const text = latin(input.value.trim()).replace(/[,\u066c\s]/g, '');
  if (text === '') return 0;
  return /^\d{1,10}$/.test(text) ? Number(text) : NaN;
}
const session = () => JSON.parse(sessionStorage.getItem('majlis-desk') || 'null');
const pending = () => JSON.parse(localStorage.getItem(PENDING) || '[]');
const keep = (items) => localStorage.setItem(PENDING, JSON.stringify(items));
function newKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
function say(text, error = false) {
  $('status').textContent = text;
  $('status').classList.toggle('error', error);
}
function refusal(body) {
  const problems = (body.problems || []).map((p) => `${p.field}: ${p.message}`);
  return t('refused', problems.length ? problems.join('; ') : body.detail);
}

async function api(path, options = {}) {
  const who = session();
  const headers = { 'Content-Type': 'application/json' };
  if (who) headers.Authorization = `Bearer ${who.token}`;
  const answer = await fetch(path, { ...options, headers });
  const body = await answer.json().catch(() => ({}));
  if (answer.status === 401 && who) say(t('signInAgain'), true);
  return { status: answer.status, body };
}

function translate() {
  document.documentElement.lang = lang;
  document.documentElement.dir = lang === 'ar' ? 'rtl' : 'ltr';
  for (const el of document.querySelectorAll('[data-t]')) el.textContent = t(el.dataset.t);
  $('lang').lang = lang === 'ar' ? 'en' : 'ar';
  showWho();
  if (form) drawForm(true);
  showPending();
  if (!$('supervisor').hidden) loadQueues();
  if (dispute) drawDispute();
}

function showWho() {
  const who = session();
  $('who').textContent = who ? t('signedIn', who.name, t(who.role)) : '';
  $('signout').hidden = !who;
  $('signin').hidden = Boolean(who);
  $('clerk').hidden = !who || who.role === 'publisher';
  $('supervisor').hidden = !who || who.role !== 'supervisor';
}

function field(id, label, value = '') {
  const wrap = document.createElement('div');
  const labelEl = document.createElement('label');
  labelEl.htmlFor = id;
  labelEl.textContent = label;
  const input = document.createElement('input');
  Object.assign(input, { id, inputMode: 'numeric', autocomplete: 'off', value });
  input.addEventListener('input', drawChecks);
  wrap.append(labelEl, input);
  return wrap;
}
const listLabel = (l) => (lang === 'ar' && l.name_ar ? l.name_ar : l.name);

function drawForm(keepValues = false) {
  const old = {};
  if (keepValues) for (const el of $('sheet').querySelectorAll('input[id]')) old[el.id] = el.value;
  const source = mode === 'entry' ? form.next_entry : null;
  $('sheet-title').textContent = {
    rekey: () => t('rekeying', form.station),
    correct: () => t('correcting', form.station, correcting),
    entry: () => (source ? t('keying', form.station, t(source)) : t('bothKeyed', form.station)),
  }[mode]();
  $('sheet-reason-field').hidden = mode !== 'correct';
  $('sheet-place').textContent = t('place', form.constituency, form.centre, number(form.registered));
  const accounting = $('accounting');
  accounting.replaceChildren(accounting.querySelector('legend'));
  FIGURES.forEach((f) => accounting.append(field(`f-${f}`, t(f), old[`f-${f}`])));
  const lists = $('lists');
  lists.replaceChildren(lists.querySelector('legend'));
  form.lists.forEach((l, i) => lists.append(field(`l-${i}`, listLabel(l), old[`l-${i}`])));
  const people = $('candidates');
  people.replaceChildren();
  form.lists.forEach((l, i) => {
    const names = form.candidates[l.name] || [];
    if (!names.length) return;
    const set = document.createElement('fieldset');
    const legend = document.createElement('legend');
    legend.textContent = t('candidatesOf', listLabel(l));
    set.append(legend);
    names.forEach((c, j) => set.append(field(`c-${i}-${j}`, c, old[`c-${i}-${j}`])));
    people.append(set);
  });
  $('submit').disabled = mode === 'entry' && !source;
  $('sheet').hidden = false;
  drawPhoto();
  drawChecks();
}

// The photo or scan is uploaded as soon as it is chosen; the entry carries its SHA-256.
async function uploadPhoto() {
  const file = $('photo').files[0];
  photo = null;
  if (file) {
    let answer;
    try {
      answer = await fetch('/api/desk/photos', { method: 'POST', body: file, headers: {
        Authorization: `Bearer ${session().token}`, 'Content-Type': 'application/octet-stream' } });
    } catch (error) {
      say(t('photoUnsent'), true);
      $('photo').value = '';
      return;
    }
    const body = await answer.json().catch(() => ({}));
    if (answer.status !== 200) { say(refusal(body), true); $('photo').value = ''; return; }
    photo = body;
  }
  drawPhoto();
}

function photoLink(link, sha) {
  link.href = `/api/photos/${sha}`;
  link.textContent = t('photoKept', sha);
  link.hidden = false;
}

function drawPhoto() {
  const preview = $('photo-preview');
  preview.hidden = !photo || photo.media_type === 'application/pdf';
  $('photo-link').hidden = !photo;
  if (!photo) { preview.removeAttribute('src'); return; }
  if (!preview.hidden) {
    preview.src = `/api/photos/${photo.sha256}`;
    preview.alt = t('photoOf', form.station);
  }
  photoLink($('photo-link'), photo.sha256);
}

// The station's versions the reader may see (a clerk never sees an entry before it is
// accepted: the service answers the history blind), each with its photo beside it.
async function drawTrail() {
  const { status, body } = await api(`/api/stations/${encodeURIComponent(form.station)}/history`);
  const versions = status === 200 ? body : [];
  $('trail').replaceChildren(...versions.map((v) => {
    const li = document.createElement('li');
    li.textContent = t('trailItem', t(v.source), number(v.version), v.status, v.author
      || v.received_by);
    if (v.photo) {
      const img = document.createElement('img');
      img.src = `/api/photos/${v.photo}`;
      img.alt = t('photoOf', v.station);
      img.className = 'thumb';
      const link = document.createElement('a');
      photoLink(link, v.photo);
      li.append(document.createElement('br'), img, link);
    }
    return li;
  }));
  if (!versions.length) {
    const li = document.createElement('li');
    li.textContent = t('trailEmpty');
    $('trail').replaceChildren(li);
  }
}

function keyed() {
  const wrong = [];
  const read = (id, label) => {
    const n = figure($(id));
    if (Number.isNaN(n)) wrong.push(label);
    return n;
  };
  const sheet = { station: form.station, votes: {}, candidate_votes: {} };
  FIGURES.forEach((f) => { sheet[f] = read(`f-${f}`, t(f)); });
  form.lists.forEach((l, i) => {
    sheet.votes[l.name] = read(`l-${i}`, listLabel(l));
    (form.candidates[l.name] || []).forEach((c, j) => {
      (sheet.candidate_votes[l.name] ||= {})[c] = read(`c-${i}-${j}`, c);
    });
  });
  return { sheet, wrong };
}

// The store's rules (majlis.tally.check), named as the store names them.
function drawChecks() {
  const { sheet: s } = keyed();
  const lists = Object.values(s.votes).reduce((a, b) => a + b, 0);
  const rules = [
    ['cast-is-valid-plus-invalid', s.cast === s.valid + s.invalid,
      `${number(s.cast)} / ${number(s.valid + s.invalid)}`],
    ['ballots-accounted', s.ballots_received === s.cast + s.spoiled + s.unused,
      `${number(s.ballots_received)} / ${number(s.cast + s.spoiled + s.unused)}`],
    ['valid-is-sum-of-lists', s.valid === lists, `${number(s.valid)} / ${number(lists)}`],
  ];
  if (Object.keys(s.candidate_votes).length) {
    rules.push(['list-covers-candidates', Object.entries(s.candidate_votes).every(([l, people]) =>
      Object.values(people).reduce((a, b) => a + b, 0) <= s.votes[l]), '']);
  }
  if (form.registered > 0) {
    rules.push(['within-register', s.cast <= form.registered,
      `${number(s.cast)} / ${number(form.registered)}`]);
  }
  $('checks').replaceChildren(...rules.map(([rule, holds, figures]) => {
    const li = document.createElement('li');
    li.className = holds ? 'holds' : 'fails';
    li.dataset.rule = rule;
    li.textContent = `${holds ? '✓' : '✗'} ${rule} — ${t(rule)}: ${t(holds ? 'holds' : 'fails')}`
      + (figures ? ` (${figures})` : '');
    return li;
  }));
}

async function openStation(code) {
  photo = null; // a photo chosen while the form loads stays chosen
  $('photo').value = '';
  $('trail').replaceChildren();
  const { status, body } = await api(`/api/desk/stations/${encodeURIComponent(code)}`);
  if (status !== 200) { say(refusal(body), true); return; }
  form = body;
  drawForm();
  drawTrail();
  say('');
  $('sheet-title').focus();
}

function outcome(answer) {
  const { status, body } = answer;
  if (status !== 200) return [refusal(body), true];
  if (body.status === 'accepted') return [t('accepted'), false];
  if (body.status === 'awaiting-second-entry') {
    return [t('awaiting-second-entry', t(body.source)), false];
  }
  if (body.failures.some((f) => f.rule === 'double-entry-agrees')) return [t('differ'), true];
  return [t('held', body.failures.map((f) => `${f.rule}: ${f.message}`).join('; ')), true];
}

// An entry is kept in localStorage until the service has answered it; it is sent again with
// the same idempotency key, so the service stores it once however often it arrives.
async function send(item) {
  let answer;
  try {
    answer = await api('/api/desk/entries', { method: 'POST', body: JSON.stringify(item.body) });
  } catch (error) {
    return false; // unreachable: it waits
  }
  if (answer.status === 401 || answer.status === 503) return false;
  keep(pending().filter((p) => p.body.key !== item.body.key));
  const [text, error] = outcome(answer);
  say(`${t('station', item.body.station)}: ${text}`, error);
  if (answer.status === 200 && form && form.station === item.body.station) closeForm();
  return true;
}

async function flush() {
  const who = session();
  if (flushing || !who) return;
  flushing = true;
  try {
    for (const item of pending().filter((p) => p.by === who.name)) await send(item);
  } finally {
    flushing = false;
    showPending();
  }
}

function showPending() {
  const who = session();
  const mine = who ? pending().filter((p) => p.by === who.name).length : 0;
  $('pending').hidden = mine === 0;
  $('pending').textContent = mine ? t('waiting', number(mine)) : '';
}

function closeForm() {
  form = null;
  photo = null;
  $('photo').value = '';
  mode = 'entry';
  $('sheet-reason').value = '';
  $('blank').checked = false;
  $('sheet').hidden = true;
  $('station-code').value = '';
  $('station-code').focus();
}

async function submitSheet(event) {
  event.preventDefault();
  const { sheet, wrong } = keyed();
  if (wrong.length) { say(t('notNumber', wrong.join('، ')), true); return; }
  if (mode === 'rekey') {
    await settle('rekey', { sheet: { ...sheet, source: 'entry-a' } });
    return;
  }
  if (mode === 'correct') {
    await correct(sheet);
    return;
  }
  const item = { by: session().name, body: { ...sheet, source: form.next_entry, key: newKey(),
    blank: $('blank').checked, ...(photo ? { photo: photo.sha256 } : {}) } };
  keep([...pending(), item]);
  if (!(await send(item))) showPending();
}

async function loadQueues() {
  const { status, body } = await api('/api/desk/queues');
  if (status !== 200) return;
  const table = $('queue-counts');
  const head = document.createElement('tr');
  for (const h of ['queue', 'total', 'byConstituency']) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = t(h);
    head.append(th);
  }
  const rows = Object.entries(body.totals).map(([queue, total]) => {
    const tr = document.createElement('tr');
    tr.dataset.queue = queue;
    const cells = [t(queue === 'awaiting-second-entry' ? `${queue}-queue` : queue), number(total),
      Object.entries(body.by_constituency[queue]).map(([c, n]) => `${c}: ${number(n)}`).join('، ')];
    for (const text of cells) {
      const td = document.createElement('td');
      td.textContent = text;
      tr.append(td);
    }
    return tr;
  });
  table.replaceChildren(head, ...rows);
  const open = body.sheets.filter((s) => s.queue !== 'awaiting-second-entry');
  $('queue-sheets').replaceChildren(...open.map((s) => {
    if (s.case) return caseItem(s);
    const li = document.createElement('li');
    li.textContent = `${s.station} — ${t(s.queue)} `
      + s.failures.map((f) => f.rule).join(', ');
    const button = document.createElement('button');
    button.type = 'button';
    const held = s.queue === 'quarantine';
    button.textContent = t(held ? 'correct' : 'openDispute', s.station);
    button.addEventListener('click', () => (held ? openHeld(s) : openDispute(s.station)));
    li.append(button);
    return li;
  }));
  if (!body.sheets.length) {
    const li = document.createElement('li');
    li.textContent = t('empty');
    $('queue-sheets').replaceChildren(li);
  }
}

// A sheet under complaint or in audit: who filed it and why, who approved the audit, and the
// supervisor's choices (the reason is typed once, above the list).
function caseItem(s) {
  const li = document.createElement('li');
  li.dataset.case = s.case;
  li.textContent = `${s.station} — ${t(s.queue)} — ${t('filedBy', s.filed_by, s.reason)}`
    + (s.approved_by ? ` — ${t('approvedBy', s.approved_by)}` : '') + ' ';
  for (const decision of s.queue === 'audit-request' ? ['approve', 'decline']
    : ['uphold', 'dismiss']) {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = t(decision, s.case, s.station);
    button.addEventListener('click', () => decide(s.case, decision));
    li.append(button);
  }
  return li;
}

async function decide(number, decision) {
  const reason = $('decision-reason').value.trim();
  if (!reason) { say(t('needReason'), true); $('decision-reason').focus(); return; }
  const { status, body } = await api(`/api/desk/cases/${number}/decisions`, { method: 'POST',
    body: JSON.stringify({ decision, reason }) });
  if (status !== 200) { say(refusal(body), true); return; }
  say(t('decided', body.number, t(body.state === 'filed' ? 'filedState' : body.state)));
  $('decision-reason').value = '';
  await loadQueues();
  $('queues-title').focus();
}

async function fileCase(event) {
  event.preventDefault();
  const station = latin($('case-station').value.trim());
  const reason = $('case-reason').value.trim();
  if (!reason) { say(t('needReason'), true); $('case-reason').focus(); return; }
  const { status, body } = await api('/api/desk/cases', { method: 'POST',
    body: JSON.stringify({ station, kind: $('case-kind').value, reason }) });
  if (status !== 200) { say(refusal(body), true); return; }
  say(t('filed', t(`${body.kind}Case`), number(body.number), body.station));
  $('case-station').value = '';
  $('case-reason').value = '';
  if (!$('supervisor').hidden) await loadQueues();
}

// A quarantined sheet, on the form with the figures it was held with, for a correction.
async function openHeld(held) {
  const trail = await api(`/api/stations/${encodeURIComponent(held.station)}/history`);
  const version = (trail.body || []).filter((v) => v.source === held.source).pop();
  if (!version) { say(refusal(trail.body), true); return; }
  mode = 'correct';
  correcting = held.source;
  await openStation(held.station);
  FIGURES.forEach((f) => { $(`f-${f}`).value = number(version[f]); });
  form.lists.forEach((l, i) => { $(`l-${i}`).value = number(version.votes[l.name] ?? 0); });
  form.lists.forEach((l, i) => (form.candidates[l.name] || []).forEach((c, j) => {
    $(`c-${i}-${j}`).value = number((version.candidate_votes[l.name] || {})[c] ?? 0);
  }));
  drawChecks();
}

async function correct(sheet) {
  const reason = $('sheet-reason').value.trim();
  if (!reason) { say(t('needReason'), true); $('sheet-reason').focus(); return; }
  const station = form.station;
  const { status, body } = await api('/api/corrections', { method: 'POST',
    body: JSON.stringify({ sheet: { ...sheet, source: correcting }, reason }) });
  if (status !== 200) { say(refusal(body), true); return; }
  say(body.accepted ? t('corrected', station) : t('held', `${body.quarantined}`),
    !body.accepted);
  if (body.accepted) closeForm();
  await loadQueues();
}

async function openDispute(code) {
  const { status, body } = await api(`/api/desk/disagreements/${encodeURIComponent(code)}`);
  if (status !== 200) { say(refusal(body), true); return; }
  dispute = body;
  drawDispute();
  $('dispute').hidden = false;
  $('dispute-title').focus();
}

function drawDispute() {
  const { entry_a: a, entry_b: b } = dispute;
  const differing = new Set(dispute.cells.map((c) => c.field));
  const rows = [...FIGURES.map((f) => [f, t(f), a[f], b[f]]),
    ...Object.keys({ ...a.votes, ...b.votes }).sort().map((l) =>
      [`votes › ${l}`, l, a.votes[l] ?? 0, b.votes[l] ?? 0])];
  for (const l of Object.keys({ ...a.candidate_votes, ...b.candidate_votes }).sort()) {
    const people = { ...(a.candidate_votes[l] || {}), ...(b.candidate_votes[l] || {}) };
    for (const c of Object.keys(people).sort()) {
      rows.push([`candidate votes › ${l} › ${c}`, `${l} › ${c}`,
        (a.candidate_votes[l] || {})[c] ?? 0, (b.candidate_votes[l] || {})[c] ?? 0]);
    }
  }
  $('dispute-title').textContent = t('dispute', dispute.station);
  const head = document.createElement('tr');
  for (const h of [t('field'), `${t('entry-a')} (${a.received_by})`,
    `${t('entry-b')} (${b.received_by})`, t('agreement')]) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = h;
    head.append(th);
  }
  $('dispute-table').replaceChildren(head, ...rows.map(([key, label, x, y]) => {
    const tr = document.createElement('tr');
    const differs = differing.has(key);
    tr.className = differs ? 'differs' : '';
    tr.dataset.field = key;
    for (const text of [label, number(x), number(y), differs ? `≠ ${t('differs')}` : t('same')]) {
      const td = document.createElement('td');
      td.textContent = text;
      tr.append(td);
    }
    return tr;
  }));
  if (a.photo || b.photo) { // each entry's photo beside its figures
    const tr = document.createElement('tr');
    tr.dataset.field = 'photo';
    const cells = [t('photo'), a.photo, b.photo, a.photo === b.photo ? t('same') : t('differs')];
    cells.forEach((value, i) => {
      const td = document.createElement('td');
      if ((i === 1 || i === 2) && value) {
        const link = document.createElement('a');
        photoLink(link, value);
        td.append(link);
      } else {
        td.textContent = value || '';
      }
      tr.append(td);
    });
    $('dispute-table').append(tr);
  }
}

async function settle(action, more = {}) {
  const reason = $('reason').value.trim();
  if (!reason) { say(t('needReason'), true); $('reason').focus(); return; }
  const station = dispute.station;
  const { status, body } = await api('/api/desk/resolutions', { method: 'POST',
    body: JSON.stringify({ station, action, reason, ...more }) });
  if (status !== 200) { say(refusal(body), true); return; }
  const [text, error] = outcome({ status, body });
  say(t('settled', station, body.failures.some((f) => f.rule === 'recount-ordered')
    ? t('recount') : text), error && body.status !== 'quarantined');
  dispute = null;
  $('dispute').hidden = true;
  $('reason').value = '';
  if (mode === 'rekey') closeForm();
  await loadQueues();
  $('queues-title').focus();
}

async function signIn(event) {
  event.preventDefault();
  const answer = await api('/api/token', { method: 'POST', body: JSON.stringify({
    username: $('username').value, password: $('password').value }) });
  if (answer.status !== 200) { say(t('wrongPassword'), true); return; }
  if (answer.body.role === 'publisher') { say(t('wrongRole'), true); return; }
  sessionStorage.setItem('majlis-desk', JSON.stringify({ token: answer.body.access_token,
    name: $('username').value, role: answer.body.role }));
  $('password').value = '';
  say('');
  showWho();
  showPending();
  if (answer.body.role === 'supervisor') loadQueues();
  $('station-code').focus();
  flush();
}

function signOut() {
  sessionStorage.removeItem('majlis-desk');
  form = null;
  dispute = null;
  $('sheet').hidden = true;
  $('dispute').hidden = true;
  showWho();
  showPending();
  $('username').focus();
}

document.addEventListener('DOMContentLoaded', () => {
  $('lang').addEventListener('click', () => {
    lang = lang === 'ar' ? 'en' : 'ar';
    document.cookie = `majlis-lang=${lang}; path=/; max-age=31536000; SameSite=Lax`;
    history.replaceState(null, '', `${location.pathname}?lang=${lang}`);
    translate();
  });
  $('signin').addEventListener('submit', signIn);
  $('signout').addEventListener('click', signOut);
  $('open').addEventListener('submit', (e) => {
    e.preventDefault();
    openStation(latin($('station-code').value.trim()));
  });
  $('sheet').addEventListener('submit', submitSheet);
  $('photo').addEventListener('change', uploadPhoto);
  $('case').addEventListener('submit', fileCase);
  $('cancel').addEventListener('click', closeForm);
  $('refresh').addEventListener('click', loadQueues);
  $('choose-a').addEventListener('click', () => settle('choose', { chosen: 'entry-a' }));
  $('choose-b').addEventListener('click', () => settle('choose', { chosen: 'entry-b' }));
  $('recount').addEventListener('click', () => settle('recount'));
  $('rekey').addEventListener('click', async () => {
    if (!$('reason').value.trim()) { say(t('needReason'), true); $('reason').focus(); return; }
    mode = 'rekey';
    await openStation(dispute.station);
  });
  translate();
  if (session()?.role === 'supervisor') loadQueues();
  flush();
  setInterval(flush, 3000);
});
