// The majlis dashboard: the latest release, redrawn in place whenever a new one is published.
"use strict";

// Words that take figures, as functions; the plain words are data (index.text.json), which the
// service also writes into the page it serves, so the first paint is in the reader's language.
const FORMATS = {
  en: {
    ofStations: (c, n) => `${c} of ${n} stations`, percentCounted: (p) => `${p} counted`,
    release: (n, name, at) => `Release ${n}: ${name} (${at})`,
    baghdadTime: (at) => `${at} Baghdad time`,
    published: (n, name) => `New results: release ${n}, ${name}`,
    hemicycle: (total, parts) => `${total} seats: ${parts}`, seatsOf: (name, n) => `${name}: ${n}`,
    majority: (n) => `${n}+ seats`,
    projectionNote: (n, draws, counted) => `From release ${n} (${counted} counted), ${draws} draws.`,
    power: (b, s) => `Banzhaf ${b}, Shapley–Shubik ${s}`,
    reaches: (seats, quota, house) => `${seats} seats: reaches the ${quota} of ${house} needed`,
    misses: (seats, quota, house, short) => `${seats} seats: ${short} short of the ${quota} of ${house} needed`,
    candidatesHint: (n) => `The ${n} candidates of each list with the most personal votes.`,
    stage: (n, kind, name, day) => `${n}. ${kind}: ${name} (${day})`,
    seatMove: (place, list, before, after) => `${place}: ${list} ${before} → ${after} seats`,
    replaced: (place, left, entered) => `${place}: ${left} replaced by ${entered}`,
  },
  ar: {
    ofStations: (c, n) => `${c} من ${n} محطة`, percentCounted: (p) => `فُرز ${p}`,
    release: (n, name, at) => `الإعلان ${n}: ${name} (${at})`,
    baghdadTime: (at) => `${at} بتوقيت بغداد`,
    published: (n, name) => `نتائج جديدة: الإعلان ${n}، ${name}`,
    hemicycle: (total, parts) => `${total} مقعدًا: ${parts}`, seatsOf: (name, n) => `${name}: ${n}`,
    majority: (n) => `${n} مقعدًا فأكثر`,
    projectionNote: (n, draws, counted) => `من الإعلان ${n} (فُرز ${counted})، ${draws} سحبة.`,
    power: (b, s) => `بانزاف ${b}، شابلي–شوبيك ${s}`,
    reaches: (seats, quota, house) => `${seats} مقعدًا: تبلغ النصاب ${quota} من ${house}`,
    misses: (seats, quota, house, short) => `${seats} مقعدًا: ينقصها ${short} لبلوغ النصاب ${quota} من ${house}`,
    candidatesHint: (n) => `أكثر ${n} مرشحين أصواتًا في كل قائمة.`,
    stage: (n, kind, name, day) => `${n}. ${kind}: ${name} (${day})`,
    seatMove: (place, list, before, after) => `${place}: ${list} من ${before} إلى ${after} مقعدًا`,
    replaced: (place, left, entered) => `${place}: حلّ ${entered} محلّ ${left}`,
  },
};
const PLAIN = JSON.parse(document.getElementById("text").textContent);
const TEXT = { en: { ...PLAIN.en, ...FORMATS.en }, ar: { ...PLAIN.ar, ...FORMATS.ar } };

// The 18 governorates on a 4-column grid, roughly where they lie: [name, Arabic, column, row].
const TILES = [
  ["Nineveh", "نينوى", 1, 1], ["Dohuk", "دهوك", 2, 1], ["Erbil", "أربيل", 3, 1],
  ["Sulaymaniyah", "السليمانية", 4, 1], ["Salahuddin", "صلاح الدين", 2, 2], ["Kirkuk", "كركوك", 3, 2],
  ["Diyala", "ديالى", 4, 2], ["Anbar", "الأنبار", 1, 3], ["Baghdad", "بغداد", 2, 3],
  ["Wasit", "واسط", 3, 3], ["Karbala", "كربلاء", 1, 4], ["Babil", "بابل", 2, 4],
  ["Qadisiyah", "القادسية", 3, 4], ["Maysan", "ميسان", 4, 4], ["Najaf", "النجف", 1, 5],
  ["Muthanna", "المثنى", 2, 5], ["Dhi Qar", "ذي قار", 3, 5], ["Basra", "البصرة", 4, 5],
];
const ARABIC = Object.fromEntries(TILES.map(([en, ar]) => [en, ar]));
const LEADING = 3;  // candidates shown per list on a constituency's page

// The view is the link: the language, a release kept in view (else the latest, followed live),
// the quota and the lists ticked in the explorer are in the query, the constituency in the hash.
// The service has already drawn the page in the link's language (or the browser's).
const asked = new URLSearchParams(location.search);
const QUOTAS = ["majority", "two-thirds", "so-far"];
const state = { lang: document.documentElement.lang === "ar" ? "ar" : "en", data: null, latest: -1,
  announced: null, picked: new Set(asked.getAll("pick")),
  quota: QUOTAS.includes(asked.get("quota")) ? asked.get("quota") : "majority",
  pinned: /^[1-9][0-9]*$/.test(asked.get("release") || "") ? Number(asked.get("release")) : null };

// The address bar always holds the view on show, so that copying it shares this very view.
function share() {
  const query = new URLSearchParams({ lang: state.lang });
  if (state.pinned) query.set("release", String(state.pinned));
  if (state.quota !== "majority") query.set("quota", state.quota);
  for (const list of [...state.picked].sort()) query.append("pick", list);
  history.replaceState(null, "", `${location.pathname}?${query}${location.hash}`);
}

const t = (key, ...args) => {
  const entry = TEXT[state.lang][key] ?? TEXT.en[key] ?? key;
  return typeof entry === "function" ? entry(...args) : entry;
};
const number = (n) => new Intl.NumberFormat(state.lang === "ar" ? "ar-IQ" : "en-GB").format(n);
const percent = (p) => new Intl.NumberFormat(state.lang === "ar" ? "ar-IQ" : "en-GB",
  { style: "percent", maximumFractionDigits: 1 }).format(p / 100);
// A release's time on Baghdad's clock (UTC+3, no daylight saving), whatever offset it was stored
// with, in the page's language; a time no browser can read is shown as stored.
const moment = (iso) => {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return isolated(iso);
  return t("baghdadTime", new Intl.DateTimeFormat(state.lang === "ar" ? "ar-IQ" : "en-GB", {
    day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit",
    hourCycle: "h23", timeZone: "Asia/Baghdad" }).format(at));
};
// A day (YYYY-MM-DD, as a stage was published) in the page's language.
const day = (iso) => new Intl.DateTimeFormat(state.lang === "ar" ? "ar-IQ" : "en-GB", {
  day: "numeric", month: "long", year: "numeric", timeZone: "Asia/Baghdad" })
  .format(new Date(`${iso}T12:00:00+03:00`));
const place = (name) => (state.lang === "ar" && ARABIC[name]) || name;
// A list by its Arabic name where the seat table knows it; colours come from the same table.
const listName = (name) => (state.lang === "ar" && state.data?.names[name]) || name;
const colour = (name) => state.data?.colours[name] || "#888";
const $ = (id) => document.getElementById(id);

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    // styles through the CSSOM: the content policy refuses style attributes, not this
    if (key === "style") node.style.cssText = value;
    else node.setAttribute(key, value);
  }
  node.append(...children);
  return node;
}

async function read(path) {
  const answer = await fetch(path, { cache: "no-cache" });  // revalidated by ETag: cheap
  return answer.ok ? answer.json() : [];
}

async function refresh() {
  const at = state.pinned ? `release=${state.pinned}` : "release=latest";
  const [election, seats, places, counted, results, seatsByPlace, lists, releases, stages,
    representation] = await Promise.all([read("/api/election"), read(`/api/seats?${at}`),
    read(`/api/constituencies?${at}`), read(`/api/counted?${at}`), read(`/api/results?${at}`),
    read(`/api/seats?level=constituency&${at}`), read("/api/lists"), read("/api/releases"),
    read("/api/certification"), read(`/api/representation?${at}`)]);
  if (state.pinned) {  // the release asked for is shown as if it were the latest
    const kept = releases.find((r) => r.number === state.pinned);
    if (kept) election.latest = kept; else state.pinned = null;
  }
  const power = await readPower(seats);
  const colours = Object.fromEntries(lists.map((l) => [l.name, l.colour]));
  const names = Object.fromEntries(lists.filter((l) => l.name_ar).map((l) => [l.name, l.name_ar]));
  state.data = { election, seats, places, counted, results, seatsByPlace, colours, names, power,
    releases, stages, representation, projection: null, candidates: {} };
  state.latest = election.latest ? election.latest.number : 0;
  render();
  // A projection is drawn thousands of times over: it follows when ready, the rest does not wait.
  const projection = election.latest ? await read(`/api/projection?release=${state.latest}`) : null;
  if (projection?.lists && projection.release === state.latest) {
    state.data.projection = projection;
    drawProjection();
  }
  drawBulletin();
}

// The release written up as a wire story by the service (escaped there, every figure citing
// its release), in the page's language; parsed, never run.
async function drawBulletin() {
  const d = state.data;
  if (!d || state.latest <= 0) return;
  const lang = state.lang;
  const digits = lang === "ar" ? "arabic" : "latin";  // as the rest of the page writes them
  const answer = await fetch(
    `/api/bulletin?release=${state.latest}&lang=${lang}&format=html&digits=${digits}`,
    { cache: "no-cache" });
  if (!answer.ok || d !== state.data || lang !== state.lang) return;
  const page = new DOMParser().parseFromString(await answer.text(), "text/html");
  $("bulletin-text").replaceChildren(...page.body.childNodes);
  $("bulletin").hidden = false;
}

// Power against the chosen quota: of the whole house, or of the seats the count has filled.
function readPower(seats) {
  const filled = seats.reduce((sum, r) => sum + r.seats, 0);
  const quota = state.quota === "so-far" ? Math.floor(filled / 2) + 1 : state.quota;
  return read(`/api/power?quota=${quota}&release=${state.pinned || "latest"}`);
}

function render() {
  const d = state.data;
  if (!d) return;
  document.documentElement.lang = state.lang;
  document.documentElement.dir = state.lang === "ar" ? "rtl" : "ltr";
  document.querySelectorAll("[data-t]").forEach((node) => { node.textContent = t(node.dataset.t); });
  const other = state.lang === "ar" ? "en" : "ar";
  $("lang").lang = other;
  $("lang").setAttribute("aria-label", `${t("other")}: ${t("otherLanguage")}`);
  drawReleasePicker(d);
  const latest = d.election.latest;
  $("release").textContent = latest
    ? t("release", number(latest.number), isolated(latest.name), moment(latest.created_at))
    : t("noRelease");
  $("counted-total").textContent = latest
    ? `${t("percentCounted", percent(latest.percent_counted))} — ${t("ofStations",
      number(latest.counted), number(latest.stations))}` : "";
  $("status").textContent = state.announced
    ? t("published", number(state.announced.number), isolated(state.announced.name)) : "";
  drawHemicycle(d.seats);
  drawVoteTable(d);
  drawProjection();
  drawCoalition();
  drawCartogram(d);
  drawCounted(d.counted);
  drawCertification(d.stages);
  drawRepresentation(d.representation);
  route();
}

// Any published release can be kept in view (and linked); "latest" follows the night live.
function drawReleasePicker(d) {
  const pick = $("release-pick");
  pick.replaceChildren(element("option", { value: "" }, t("latestRelease")),
    ...[...d.releases].reverse().map((r) => element("option", { value: String(r.number) },
      `${number(r.number)}: ${r.name}`)));
  pick.value = state.pinned ? String(state.pinned) : "";
}

// A release's name is written in English: in Arabic text it is isolated (FSI … PDI)
// so that the right-to-left order does not scramble it.
function isolated(text) {
  return state.lang === "ar" ? `\u2068${text}\u2069` : text;
}

// Seats on concentric arcs, filled list by list from one end: a wedge of the chamber per list.
function drawHemicycle(seats) {
  const svg = $("hemicycle");
  const total = seats.reduce((sum, row) => sum + row.seats, 0);
  svg.replaceChildren();
  svg.dataset.seats = String(total);
  const held = seats.filter((row) => row.seats > 0);
  svg.setAttribute("aria-label", total ? t("hemicycle", number(total), held.map(
    (row) => t("seatsOf", listName(row.list), number(row.seats))).join(", ")) : t("noSeats"));
  $("hemicycle-caption").textContent = total ? "" : t("noSeats");
  $("legend").replaceChildren(...held.map((row) => element("li", {},
    element("span", { class: "swatch", style: `background:${colour(row.list)}` }),
    `${listName(row.list)} ${number(row.seats)}`)));
  if (!total) return;
  const inner = 0.4;
  const rows = Math.max(1, Math.ceil(Math.sqrt(total / 3.67)));
  const radii = Array.from({ length: rows }, (_, i) => inner + (1 - inner) * (i + 0.5) / rows);
  const sum = radii.reduce((a, b) => a + b, 0);
  const perRow = radii.map((r) => Math.floor(total * r / sum));
  perRow[rows - 1] += total - perRow.reduce((a, b) => a + b, 0);
  const spots = [];
  radii.forEach((r, i) => {
    for (let k = 0; k < perRow[i]; k++) {
      const angle = Math.PI * (perRow[i] === 1 ? 0.5 : k / (perRow[i] - 1));
      spots.push({ angle, x: -Math.cos(angle) * r, y: -Math.sin(angle) * r });
    }
  });
  spots.sort((a, b) => a.angle - b.angle);
  const mirror = state.lang === "ar" ? -1 : 1;
  const size = Math.min(0.45 * (1 - inner) / rows, 0.9 * Math.PI * radii[0] / Math.max(perRow[0], 1));
  const pad = size + 0.01;  // room for the seats on the floor line and at both ends
  svg.setAttribute("viewBox", `${-1 - pad} ${-1 - pad} ${2 + 2 * pad} ${1 + 2 * pad}`);
  const ns = "http://www.w3.org/2000/svg";
  let s = 0;
  for (const row of held) {
    for (let k = 0; k < row.seats; k++, s++) {
      const seat = document.createElementNS(ns, "circle");
      seat.setAttribute("cx", (mirror * spots[s].x).toFixed(4));
      seat.setAttribute("cy", spots[s].y.toFixed(4));
      seat.setAttribute("r", size.toFixed(4));
      seat.setAttribute("fill", colour(row.list));
      const title = document.createElementNS(ns, "title");
      title.textContent = `${listName(row.list)}: ${number(row.seats)} — ${number(row.votes)} ${t("votes")}`;
      seat.append(title);
      svg.append(seat);
    }
  }
}

function table(node, caption, head, rows) {
  node.replaceChildren(element("caption", {}, caption),
    element("thead", {}, element("tr", {}, ...head.map(([label, numeric]) =>
      element("th", numeric ? { scope: "col", class: "n" } : { scope: "col" }, label)))),
    element("tbody", {}, ...rows.map((cells) => element("tr", {}, ...cells.map((cell, i) =>
      element(i === 0 ? "th" : "td", i === 0 ? { scope: "row" } : head[i][1] ? { class: "n" } : {},
        cell))))));
}

function drawVoteTable(d) {
  const votes = d.seats.length ? d.seats : [];
  const totalVotes = votes.reduce((a, r) => a + r.votes, 0) || 1;
  const totalSeats = votes.reduce((a, r) => a + r.seats, 0) || 1;
  table($("vote-table"), t("voteVsSeats"),
    [[t("list")], [t("votes"), 1], [t("voteShare"), 1], [t("seats"), 1], [t("seatShare"), 1]],
    votes.map((r) => [listName(r.list), number(r.votes), percent(100 * r.votes / totalVotes),
      number(r.seats), percent(100 * r.seats / totalSeats)]));
}

// Expected seats with the 80 % (dark) and 95 % (light) intervals as bars on one scale.
function drawProjection() {
  const p = state.data?.projection;
  $("projection").hidden = !p;
  if (!p) return;
  const seats = Object.fromEntries(state.data.seats.map((r) => [r.list, r.seats]));
  const shown = p.lists.filter((r) => r.high95 > 0);
  const top = Math.max(1, ...shown.map((r) => r.high95));
  const at = (n) => `${(100 * n / top).toFixed(2)}%`;
  const bar = (r) => element("span", { class: "range", role: "img", "aria-label":
    `${number(r.low80)}–${number(r.high80)}, ${number(r.low95)}–${number(r.high95)}` },
  element("span", { class: "r95", style: `inset-inline-start:${at(r.low95)};width:${at(r.high95 - r.low95)}` }),
  element("span", { class: "r80", style: `inset-inline-start:${at(r.low80)};width:${at(r.high80 - r.low80)}` }),
  element("span", { class: "mean", style: `inset-inline-start:${at(r.expected)}` }));
  const decimal = new Intl.NumberFormat(state.lang === "ar" ? "ar-IQ" : "en-GB",
    { maximumFractionDigits: 1 });
  $("projection-note").textContent = t("projectionNote", number(p.release),
    number(p.draws), percent(state.data.election.latest.percent_counted));
  table($("projection-table"), t("projection"),
    [[t("list")], [t("seats"), 1], [t("expected"), 1], [t("range")], [t("largest"), 1],
      [t("majority", number(p.majority)), 1]],
    shown.map((r) => [listName(r.list), number(seats[r.list] || 0), decimal.format(r.expected),
      bar(r), percent(100 * r.largest), percent(100 * r.majority)]));
}

// Tick lists, see their seats against the quota of the whole house (a majority by default).
function drawCoalition() {
  const power = state.data.power;
  const held = state.data.seats.filter((r) => r.seats > 0);
  $("coalition").hidden = !power.quota || !held.length;
  if ($("coalition").hidden) return;
  const index = Object.fromEntries(power.lists.map((r) => [r.list, r]));
  $("coalition-lists").replaceChildren(...held.map((r) => {
    const box = element("input", { type: "checkbox", value: r.list });
    box.checked = state.picked.has(r.list);
    box.addEventListener("change", () => {
      if (box.checked) state.picked.add(r.list); else state.picked.delete(r.list);
      share();
      tallyCoalition();
    });
    const strength = index[r.list];
    return element("li", {}, element("label", {}, box, " ",
      element("span", { class: "swatch", style: `background:${colour(r.list)}` }),
      `${listName(r.list)} ${number(r.seats)} `, strength ? element("span", { class: "power" },
        t("power", percent(100 * strength.banzhaf), percent(100 * strength.shapley_shubik))) : ""));
  }));
  tallyCoalition();
}

function tallyCoalition() {
  const { quota, house: whole, seats_allocated: filled } = state.data.power;
  const house = state.quota === "so-far" ? filled : whole;
  const seats = state.data.seats.filter((r) => state.picked.has(r.list))
    .reduce((sum, r) => sum + r.seats, 0);
  const reaches = seats >= quota;
  const out = $("coalition-total");
  out.className = reaches ? "reaches" : "misses";
  out.dataset.seats = String(seats);
  out.textContent = reaches ? t("reaches", number(seats), number(quota), number(house))
    : t("misses", number(seats), number(quota), number(house), number(quota - seats));
  $("coalition-bar").style.width = `${Math.min(100, 100 * seats / house).toFixed(2)}%`;
  $("coalition-mark").style.insetInlineStart = `${Math.min(100, 100 * quota / house).toFixed(2)}%`;
}

function drawCartogram(d) {
  const byPlace = Object.fromEntries(d.places.map((p) => [p.name, p]));
  const leader = {};
  for (const row of d.results) if (!(row.constituency in leader)) leader[row.constituency] = row.list;
  $("cartogram").replaceChildren(...TILES.map(([name, , column, row]) => {
    const known = byPlace[name];
    const dark = leader[name] !== undefined;
    const fill = dark ? colour(leader[name]) : "#e8e8e8";
    const label = known ? `${place(name)}: ${t("percentCounted", percent(known.percent_counted))}`
      + (leader[name] ? `, ${listName(leader[name])}` : "") : place(name);
    const inner = [element("span", {}, place(name)),
      element("span", { class: "pct" }, known ? percent(known.percent_counted) : "—")];
    const style = `background:${fill};color:${dark ? "#fff" : "#1b1b1b"}`;
    const tile = known
      ? element("a", { href: `#/c/${encodeURIComponent(name)}`, "aria-label": label, style }, ...inner)
      : element("span", { "aria-label": label, style }, ...inner);
    return element("li", { style: `grid-column:${column};grid-row:${row}`, "data-name": name }, tile);
  }));
}

// The certification timeline: each stage of the seat table as published, with the seats that
// moved and the members replaced since the stage before (in the constituencies both cover).
function drawCertification(stages) {
  $("certification").hidden = !stages.length;
  const where = (name) => (name === "*" ? t("house") : place(name));
  const member = (m) => isolated(`${m.name} (${listName(m.list)})`);
  $("stages").replaceChildren(...stages.map((s) => {
    const changes = s.changes ? [
      ...s.changes.seat_moves.filter((m) => m.before !== null && m.after !== null).map((m) =>
        t("seatMove", where(m.constituency), isolated(listName(m.list)), number(m.before),
          number(m.after))),
      ...s.changes.name_changes.filter((n) => n.left && n.entered).map((n) =>
        t("replaced", where(n.constituency), member(n.left), member(n.entered)))] : [];
    return element("li", { "data-stage": String(s.number), "data-kind": s.kind },
      element("strong", {}, t("stage", number(s.number), t(`kind-${s.kind}`), isolated(s.name),
        day(s.published_on))),
      s.changes ? (changes.length ? element("ul", {}, ...changes.map((c) => element("li", {}, c)))
        : element("p", { class: "hint" }, t("noChange"))) : "");
  }));
}

// How proportional the seats on the votes counted are — the house's indices, as
// /api/representation gives them — and the release's charts for print, in the page's language.
function drawRepresentation(rows) {
  const house = Array.isArray(rows) ? rows.find((r) => r.constituency === "*") : null;
  $("representation").hidden = !house;
  if (!house) return;
  const decimal = (x) => (x === null ? "—" : new Intl.NumberFormat(
    state.lang === "ar" ? "ar-IQ" : "en-GB", { maximumFractionDigits: 2 }).format(x));
  table($("representation-table"), t("representation"), [[t("index")], [t("value"), 1]], [
    [t("gallagher"), decimal(house.gallagher)],
    [t("loosemoreHanby"), decimal(house.loosemore_hanby)],
    [t("enpVotes"), decimal(house.enp_votes)],
    [t("enpSeats"), decimal(house.enp_seats)],
    [t("wasted"), `${number(house.wasted)} (${house.wasted_share === null ? "—"
      : percent(house.wasted_share)})`]]);
  const release = state.pinned || state.latest;
  $("charts").replaceChildren(t("charts"), ...["hemicycle", "votes-seats"].flatMap((kind) =>
    [" ", t(`chart-${kind}`), " ", ...["svg", "png"].flatMap((format, n) => [n ? " · " : "",
      element("a", {
        href: `/api/chart/${kind}?release=${release}&lang=${state.lang}&format=${format}`,
        download: `release-${release}-${kind}.${format}` }, format.toUpperCase())])]));
}

function drawCounted(counted) {
  const types = [...new Set(counted.map((r) => r.voting_type))].sort();
  const cell = {};
  for (const r of counted) cell[`${r.constituency}|${r.voting_type}`] = r;
  const places = [...new Set(counted.map((r) => r.constituency))];
  table($("counted-table"), t("stationsCounted"),
    [[t("constituency")], ...types.map((type) => [t(type), 1])],
    places.map((name) => [place(name), ...types.map((type) => {
      const r = cell[`${name}|${type}`];
      return r ? `${percent(r.percent_counted)} (${number(r.counted)}/${number(r.stations)})` : "—";
    })]));
}

function route() {
  const match = location.hash.match(/^#\/c\/(.+)$/);
  const name = match ? decodeURIComponent(match[1]) : null;
  $("national").hidden = name !== null;
  $("constituency").hidden = name === null;
  if (name === null || !state.data) return;
  const d = state.data;
  const info = d.places.find((p) => p.name === name);
  $("constituency-title").textContent = place(name);
  $("constituency-counted").textContent = info ? `${t("percentCounted", percent(
    info.percent_counted))} — ${t("ofStations", number(info.counted), number(info.stations))}` : "";
  const seats = Object.fromEntries(d.seatsByPlace.filter((r) => r.constituency === name)
    .map((r) => [r.list, r.seats]));
  const rows = d.results.filter((r) => r.constituency === name);
  const total = rows.reduce((a, r) => a + r.votes, 0) || 1;
  table($("constituency-table"), `${place(name)} — ${t("votes")}`,
    [[t("list")], [t("votes"), 1], [t("voteShare"), 1], [t("seats"), 1]],
    rows.map((r) => [listName(r.list), number(r.votes), percent(100 * r.votes / total),
      number(seats[r.list] || 0)]));
  table($("constituency-types"), `${place(name)} — ${t("stationsCounted")}`,
    [[t("votingType")], [t("counted"), 1]],
    d.counted.filter((r) => r.constituency === name).map((r) => [t(r.voting_type),
      `${percent(r.percent_counted)} (${number(r.counted)}/${number(r.stations)})`]));
  drawCandidates(name, rows.map((r) => r.list));
}

// A constituency's candidates are read when its page is opened, from the release on show.
async function drawCandidates(name, lists) {
  const d = state.data;
  if (!(name in d.candidates) && state.latest > 0) {
    $("candidates").hidden = true;  // not the last page's candidates while these are read
    d.candidates[name] = await read(`/api/candidates?release=${state.latest}&constituency=${
      encodeURIComponent(name)}`);
  }
  const found = d.candidates[name] || [];
  const onPage = decodeURIComponent(location.hash.slice(4)) === name && d === state.data;
  if (!onPage) return;
  const order = new Map(lists.map((list, i) => [list, i]));
  const rank = (list) => order.get(list) ?? lists.length;
  const shown = {};  // the API gives each list's candidates most votes first
  const leading = found.filter((r) => (shown[r.list] = (shown[r.list] || 0) + 1) <= LEADING)
    .sort((a, b) => rank(a.list) - rank(b.list) || a.list.localeCompare(b.list));
  $("candidates").hidden = !leading.length;
  $("candidates-hint").textContent = t("candidatesHint", number(LEADING));
  table($("candidates-table"), `${place(name)} — ${t("candidates")}`,
    [[t("candidate")], [t("list")], [t("votes"), 1]],
    leading.map((r) => [r.candidate, element("span", {},
      element("span", { class: "swatch", style: `background:${colour(r.list)}` }), listName(r.list)),
    number(r.votes)]));
}

function listen() {
  const source = new EventSource("/api/events");
  source.addEventListener("hello", (event) => {
    if (!state.pinned && JSON.parse(event.data).latest !== state.latest) refresh();
  });
  source.addEventListener("release", async (event) => {
    state.announced = JSON.parse(event.data);
    await refresh();  // a release kept in view stays; the new one joins the picker
  });
}

$("quota").value = state.quota;
$("release-pick").addEventListener("change", async () => {
  state.pinned = Number($("release-pick").value) || null;
  share();
  await refresh();
});
$("quota").addEventListener("change", async () => {
  state.quota = $("quota").value;
  share();
  state.data.power = await readPower(state.data.seats);
  drawCoalition();
});
$("lang").addEventListener("click", () => {
  state.lang = state.lang === "ar" ? "en" : "ar";
  // the next visit without ?lang= opens in the reader's choice, drawn so by the service
  document.cookie = `majlis-lang=${state.lang}; path=/; max-age=31536000; SameSite=Lax`;
  share();
  render();
  drawBulletin();
});
window.addEventListener("hashchange", () => {
  share();
  route();
  const target = location.hash.startsWith("#/c/") ? "constituency-title" : "seats-title";
  $(target).focus({ preventScroll: false });
});
share();
refresh().then(listen);
