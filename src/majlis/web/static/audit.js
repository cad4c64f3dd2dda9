// The audits of the count for the public (docs/audit.md): hand against machine, the
// risk-limiting audit's plan, who sits (where the service has a candidates file) and, given the
// lot's seed, the hand counts measured, the forensics' review queue — read from /api/audit, in
// Arabic and English. Plain JavaScript served by the results service, no build step.
'use strict';

// The words of the page, data a translator edits (audit.text.json), written into the page by
// the service, which has drawn it in the reader's language already.
const T = JSON.parse(document.getElementById('text').textContent);

let lang = document.documentElement.lang === 'en' ? 'en' : 'ar';
const $ = (id) => document.getElementById(id);
const t = (key, ...args) => (T[lang][key] ?? T.en[key] ?? key)
  .replace(/\{(\d)\}/g, (_, i) => args[Number(i)]);
const number = (n) => new Intl.NumberFormat(lang === 'ar' ? 'ar-IQ' : 'en-GB').format(n);
const percent = (x) => new Intl.NumberFormat(lang === 'ar' ? 'ar-IQ' : 'en-GB',
  { maximumFractionDigits: 3 }).format(x * 100);
let reports = null;
let problem = null; // why the reports are not shown: [key, ...args]
let candidates = null; // the plans of who sits; null without them
let unnamed = null; // why there are none: [key, ...args]
let measured = null; // the hand counts measured in the order of the lot of `seed`
let seed = new URLSearchParams(location.search).get('seed') ?? '';
let measuring = null; // the measurement's state: [key, ...args]

function cells(tbody, rows) {
  tbody.replaceChildren(...rows.map((row) => {
    const tr = document.createElement('tr');
    for (const value of row) {
      const td = document.createElement('td');
      td.textContent = value;
      td.dir = 'auto'; // a list's Latin name reads left to right inside an Arabic page
      tr.append(td);
    }
    return tr;
  }));
}

const differences = (d) => Object.entries(d)
  .map(([list, n]) => `${list} ${n > 0 ? '+' : n < 0 ? '−' : ''}${number(Math.abs(n))}`)
  .join(lang === 'ar' ? '، ' : ', ') || t('none');

function showCompare(c) {
  $('compare-summary').textContent = t('compared', number(c.stations.length));
  cells($('compare').tBodies[0], c.constituencies.map((a) => [
    a.constituency, number(a.stations), number(a.outside), differences(a.differences)]));
  const changes = c.seats.changes;
  $('moves-summary').textContent = t(changes.length ? 'moves' : 'noMove');
  $('moves').replaceChildren(...changes.map((m) => Object.assign(document.createElement('li'), {
    textContent: t('seatMove', m.constituency, m.list, number(m.machine), number(m.hand)),
  })));
}

const tightest = (assertions) => assertions.reduce(
  (x, y) => (x && x.margin_float <= y.margin_float ? x : y), null);

function showPlan(p) {
  const total = p.constituencies.reduce((s, a) => s + Math.min(a.sample_size, a.stations), 0);
  const stations = p.constituencies.reduce((s, a) => s + a.stations, 0);
  const [num, den] = p.risk_limit.split('/').map(Number);
  $('rla-summary').textContent = t('riskLimit', percent(den ? num / den : num),
    number(total), number(stations));
  cells($('rla').tBodies[0], p.constituencies.map((a) => {
    const tight = tightest(a.assertions);
    return [a.constituency, number(a.stations), number(a.assertions.length),
      tight ? tight.assertion : '—', tight ? `${percent(tight.margin_float)} %` : '—',
      a.sample_size >= a.stations ? t('all') : number(a.sample_size)];
  }));
}

// A constituency's plan of who sits under open lists is named `NAME (candidates)` in the
// reports; this section is about candidates already.
const place = (name) => name.replace(/ \(candidates\)$/, '');
const SHOWN = 8; // seated candidates named in a row; the rest counted
const PAIRS = 5; // tightest pairs shown per constituency

function names(all) {
  const shown = all.slice(0, SHOWN).join(lang === 'ar' ? '، ' : ', ');
  return all.length > SHOWN ? `${shown} ${t('more', number(all.length - SHOWN))}` : shown;
}

function showWho() {
  $('lot').hidden = candidates === null;
  $('who-status').textContent = measuring ? t(...measuring) : '';
  const plans = candidates ?? [];
  const measures = new Map((measured?.constituencies ?? []).map((m) => [m.constituency, m]));
  const status = (m) => (m ? t(m.status) : '—');
  const size = (n, stations) => (n === null || n >= stations ? t('all') : number(n));
  $('who-summary').textContent = candidates === null ? (unnamed ? t(...unnamed) : '')
    : t('whoSummary', number(plans.length),
      number(plans.reduce((s, a) => s + a.assertions.length, 0)),
      number(plans.reduce((s, a) => s + Math.min(a.sample_size, a.stations), 0)),
      number(plans.reduce((s, a) => s + a.stations, 0)));
  cells($('who').tBodies[0], plans.map((a) => {
    const tight = tightest(a.assertions);
    return [place(a.constituency), names(a.seated.map((e) => (
      e.via === "women's quota" ? `${e.candidate} ${t('byQuota')}` : e.candidate))),
      number(a.assertions.length), tight ? tight.assertion : '—',
      tight ? `${percent(tight.margin_float)} %` : '—',
      size(a.sample_size, a.stations), status(measures.get(a.constituency))];
  }));
  cells($('pairs').tBodies[0], plans.flatMap((a) => {
    const m = measures.get(a.constituency);
    return [...a.assertions].sort((x, y) => x.margin_float - y.margin_float).slice(0, PAIRS)
      .map((x) => [place(a.constituency), x.assertion, `${percent(x.margin_float)} %`,
        size(x.sample_size, a.stations),
        status(m?.assertions.find((y) => y.assertion === x.assertion))]);
  }));
}

function showForensics(f) {
  $('forensics-summary').textContent = t('flagged', number(f.queue.length),
    number(f.stations), number(f.nights));
  cells($('forensics').tBodies[0], f.queue.map((q) => [
    q.station, q.centre, q.constituency, q.tests.join(' '), number(Math.round(q.score * 100) / 100)]));
}

function render() {
  document.documentElement.lang = lang;
  document.documentElement.dir = lang === 'ar' ? 'rtl' : 'ltr';
  for (const el of document.querySelectorAll('[data-t]')) el.textContent = t(el.dataset.t);
  $('lang').textContent = lang === 'ar' ? 'English' : 'العربية';
  $('lang').lang = lang === 'ar' ? 'en' : 'ar';
  $('status').textContent = problem ? t(...problem) : '';
  if (reports) {
    showCompare(reports[0]);
    showPlan(reports[1]);
    showForensics(reports[2]);
  }
  showWho();
}

async function get(path) {
  const answer = await fetch(path, { headers: { Accept: 'application/json' } });
  if (answer.status === 401) throw Object.assign(new Error('closed'), { closed: true });
  if (!answer.ok) {
    throw Object.assign(new Error((await answer.json()).detail ?? answer.statusText),
      { status: answer.status });
  }
  return answer.json();
}

// The plan with who sits if the service has a candidates file (404 if not), else without it,
// and why: a mistake in the service's file (a row naming no constituency of the election, 422)
// leaves the rest of the page standing.
async function plan() {
  try {
    return [await get('/api/audit/rla/plan?candidates=true'), null];
  } catch (error) {
    if (error.closed) throw error;
    return [await get('/api/audit/rla/plan'),
      error.status === 404 ? ['noCandidates'] : ['failed', error.message]];
  }
}

// A plan of who sits names the seated (under SNTV the constituency's own plan, under open lists
// `NAME (candidates)`).
const ofCandidates = (a) => 'seated' in a;

async function load() {
  try {
    const [compared, [planned, why], examined] = await Promise.all([
      get('/api/audit/compare'), plan(), get('/api/audit/forensics')]);
    reports = [compared, { ...planned, constituencies: planned.constituencies.filter(
      (a) => !ofCandidates(a)) }, examined];
    candidates = why ? null : planned.constituencies.filter(ofCandidates);
    unnamed = why;
    problem = null;
  } catch (error) {
    problem = error.closed ? ['closed'] : ['failed', error.message];
  }
  render();
  if (candidates && seed) await measure();
}

function remember() {
  const query = new URLSearchParams(location.search);
  query.set('lang', lang);
  if (seed) query.set('seed', seed);
  history.replaceState(null, '', `${location.pathname}?${query}`);
}

// The sequential test over the hand counts in the order of the lot of `seed`.
async function measure() {
  try {
    measured = await get(`/api/audit/rla/measure?candidates=true&seed=${
      encodeURIComponent(seed)}`);
    measuring = ['measuredFor', `\u2068${seed}\u2069`]; // isolated: a Latin seed in Arabic text
  } catch (error) {
    measured = null;
    measuring = ['failed', error.message];
  }
  render();
}

$('seed').value = seed;
$('lot').addEventListener('submit', (event) => {
  event.preventDefault();
  seed = $('seed').value.trim();
  if (!seed) return;
  remember();
  measure();
});
$('lang').addEventListener('click', () => {
  lang = lang === 'ar' ? 'en' : 'ar';
  document.cookie = `majlis-lang=${lang}; path=/; max-age=31536000; SameSite=Lax`;
  remember();
  render();
});
render();
load();
