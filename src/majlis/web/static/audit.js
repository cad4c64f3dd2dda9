// The audits of the count for the public (docs/audit.md): hand against machine, the
// risk-limiting audit's plan, the forensics' review queue — read from /api/audit, in Arabic
// and English. Plain JavaScript served by the results service, no build step.
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

function showPlan(p) {
  const total = p.constituencies.reduce((s, a) => s + Math.min(a.sample_size, a.stations), 0);
  const stations = p.constituencies.reduce((s, a) => s + a.stations, 0);
  const [num, den] = p.risk_limit.split('/').map(Number);
  $('rla-summary').textContent = t('riskLimit', percent(den ? num / den : num),
    number(total), number(stations));
  cells($('rla').tBodies[0], p.constituencies.map((a) => {
    const tight = a.assertions.reduce((x, y) => (x && x.margin_float <= y.margin_float ? x : y),
      null);
    return [a.constituency, number(a.stations), number(a.assertions.length),
      tight ? tight.assertion : '—', tight ? `${percent(tight.margin_float)} %` : '—',
      a.sample_size >= a.stations ? t('all') : number(a.sample_size)];
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
}

async function get(path) {
  const answer = await fetch(path, { headers: { Accept: 'application/json' } });
  if (answer.status === 401) throw Object.assign(new Error('closed'), { closed: true });
  if (!answer.ok) throw new Error((await answer.json()).detail ?? answer.statusText);
  return answer.json();
}

async function load() {
  try {
    reports = await Promise.all([get('/api/audit/compare'), get('/api/audit/rla/plan'),
      get('/api/audit/forensics')]);
    problem = null;
  } catch (error) {
    problem = error.closed ? ['closed'] : ['failed', error.message];
  }
  render();
}

$('lang').addEventListener('click', () => {
  lang = lang === 'ar' ? 'en' : 'ar';
  document.cookie = `majlis-lang=${lang}; path=/; max-age=31536000; SameSite=Lax`;
  history.replaceState(null, '', `${location.pathname}?lang=${lang}`);
  render();
});
render();
load();
