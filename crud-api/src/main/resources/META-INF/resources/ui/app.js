// Scheduleman's dashboard: a small front end on the same REST API (and so the same validation)
// as every other client. The API key lives in this tab's session storage and goes out as a
// Bearer token; it never appears in a URL.
const KEY = "scheduleman.apiKey";
const SCOPES = "scheduleman.scopes";
const main = document.getElementById("main");
const nav = document.getElementById("nav");
let refreshTimer = null;

// ---------------------------------------------------------------------------------------------
// API

class ApiError extends Error {
  constructor(problem, status) {
    super(problem?.detail || `HTTP ${status}`);
    this.problem = problem || {};
    this.status = status;
  }
}

async function api(method, path, body) {
  const response = await fetch(`/api/v1${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${sessionStorage.getItem(KEY)}`,
      ...(body !== undefined ? { "Content-Type": "application/json" } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 401) {
    sessionStorage.removeItem(KEY);
    sessionStorage.removeItem(SCOPES);
    route();
    throw new ApiError({ detail: "Signed out: the API key is not valid." }, 401);
  }
  const text = await response.text();
  const json = text ? JSON.parse(text) : null;
  if (!response.ok) throw new ApiError(json, response.status);
  return json;
}

// What the signed-in key may do (its scopes, from GET /api-keys/current). The API refuses what a
// key lacks anyway; the dashboard disables what would be refused and says why.
async function loadScopes() {
  const me = await api("GET", "/api-keys/current");
  sessionStorage.setItem(SCOPES, JSON.stringify(me.scopes || []));
}

function can(scope) {
  return JSON.parse(sessionStorage.getItem(SCOPES) || "[]").includes(scope);
}

const lacks = (scope) => `disabled title="This API key lacks the scope ${scope}"`;

// ---------------------------------------------------------------------------------------------
// Small helpers

const esc = (v) =>
  String(v ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

function when(iso) {
  if (!iso) return '<span class="muted">—</span>';
  const d = new Date(iso);
  return `<time datetime="${esc(iso)}" title="${esc(d.toISOString())} UTC">${esc(d.toLocaleString())}</time>`;
}

function announce(text) {
  document.getElementById("status").textContent = text;
}

function render(html, title) {
  clearInterval(refreshTimer);
  main.innerHTML = html;
  document.title = `${title} · Scheduleman`;
}

function problemBanner(error) {
  return `<div class="banner" role="alert">${esc(error.message)}</div>`;
}

function state(s) {
  return `<span class="state state-${esc(s)}">${esc(s)}</span>`;
}

function lastRun(run) {
  if (!run) return '<span class="muted">not fired yet</span>';
  const status = run.httpStatus ? ` ${run.httpStatus}` : "";
  const error = run.error ? `<div class="error">${esc(run.error)}</div>` : "";
  return `<span class="outcome-${esc(run.outcome)}">${esc(run.outcome)}${status}</span> ${when(run.at)}${error}`;
}

// ---------------------------------------------------------------------------------------------
// Sign in

function signIn(message) {
  nav.hidden = true;
  render(
    `<h1>Sign in</h1>
     ${message ? `<div class="banner" role="alert">${esc(message)}</div>` : ""}
     <form id="sign-in" class="form narrow">
       <div class="wide"><label for="api-key">API key</label>
         <input id="api-key" name="apiKey" type="password" autocomplete="off" required placeholder="sk_…">
         <p class="muted">Kept in this browser tab only, and sent as a Bearer token.</p></div>
       <div><button type="submit">Sign in</button></div>
     </form>`,
    "Sign in",
  );
  document.getElementById("api-key").focus();
  document.getElementById("sign-in").addEventListener("submit", async (event) => {
    event.preventDefault();
    sessionStorage.setItem(KEY, document.getElementById("api-key").value.trim());
    try {
      await loadScopes();
      location.hash = "#/";
      route();
    } catch (e) {
      sessionStorage.removeItem(KEY);
      sessionStorage.removeItem(SCOPES);
      signIn("That API key is not valid.");
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Schedule list

async function listView(params) {
  const query = new URLSearchParams();
  for (const k of ["state", "name", "label", "cursor"]) if (params.get(k)) query.set(k, params.get(k));
  query.set("limit", "25");
  render(
    `<h1>Schedules</h1>
     <form id="filters" class="filters" role="search">
       <div><label for="f-state">State</label>
         <select id="f-state" name="state"><option value="">any</option>
           ${["ACTIVE", "PAUSED", "COMPLETED", "DEAD"].map((s) => `<option ${params.get("state") === s ? "selected" : ""}>${s}</option>`).join("")}
         </select></div>
       <div><label for="f-name">Name starts with</label><input id="f-name" name="name" value="${esc(params.get("name"))}"></div>
       <div><label for="f-label">Label (key:value)</label><input id="f-label" name="label" value="${esc(params.get("label"))}"></div>
       <div><button type="submit" class="secondary">Filter</button></div>
     </form>
     <div id="list" aria-busy="true">Loading…</div>`,
    "Schedules",
  );
  document.getElementById("filters").addEventListener("submit", (event) => {
    event.preventDefault();
    const form = new URLSearchParams(new FormData(event.target));
    for (const [k, v] of [...form]) if (!v) form.delete(k);
    location.hash = `#/?${form}`;
  });
  const load = async () => {
    const target = document.getElementById("list");
    if (!target) return;
    try {
      const page = await api("GET", `/schedules?${query}`);
      target.innerHTML = scheduleTable(page.items) + pager(params, page.nextCursor);
      target.setAttribute("aria-busy", "false");
    } catch (e) {
      target.innerHTML = problemBanner(e);
    }
  };
  await load();
  refreshTimer = setInterval(load, 5000);
}

function scheduleTable(items) {
  if (!items.length) return '<p>No schedules here. <a href="#/new">Create one</a>.</p>';
  return `<div class="table-wrap"><table>
    <thead><tr><th scope="col">Name</th><th scope="col">When</th><th scope="col">State</th>
      <th scope="col">Next execution</th><th scope="col" class="hide-narrow">Last run</th></tr></thead>
    <tbody>${items.map((s) => `<tr>
      <td><a href="#/schedules/${esc(s.id)}">${esc(s.name || s.id.slice(0, 8) + "…")}</a></td>
      <td>${esc(s.summary)}</td>
      <td>${state(s.state)}</td>
      <td>${when(s.nextFireAt)}</td>
      <td class="hide-narrow">${lastRun(s.lastRun)}</td></tr>`).join("")}
    </tbody></table></div>`;
}

function pager(params, next) {
  const links = [];
  if (params.get("cursor")) {
    const first = new URLSearchParams(params);
    first.delete("cursor");
    links.push(`<a href="#/?${first}">First page</a>`);
  }
  if (next) {
    const more = new URLSearchParams(params);
    more.set("cursor", next);
    links.push(`<a href="#/?${more}">Next page</a>`);
  }
  return `<p class="actions">${links.join(" ")}<span class="muted">Refreshes every 5 s.</span></p>`;
}

// ---------------------------------------------------------------------------------------------
// Schedule detail

async function detailView(id) {
  render(`<div id="detail" aria-busy="true">Loading…</div>`, "Schedule");
  let s;
  try {
    s = await api("GET", `/schedules/${encodeURIComponent(id)}`);
  } catch (e) {
    main.innerHTML = problemBanner(e);
    return;
  }
  const [next, history] = await Promise.all([
    api("GET", `/schedules/${s.id}/next?count=10`).catch(() => ({ nextFireTimes: [] })),
    can("history:read")
      ? api("GET", `/schedules/${s.id}/executions?limit=50`).catch(() => ({ items: [] }))
      : null,
  ]);
  const write = can("schedules:write") ? "" : lacks("schedules:write");
  const allowed = {
    pause: s.state === "ACTIVE", resume: s.state === "PAUSED",
    trigger: s.state === "ACTIVE" || s.state === "COMPLETED", rearm: s.state === "DEAD",
  };
  render(
    `<h1>${esc(s.name || s.id)} ${state(s.state)}</h1>
     <div id="actions" class="actions">
       ${allowed.pause ? `<button data-action="pause" class="secondary" ${write}>Pause</button>` : ""}
       ${allowed.resume ? `<button data-action="resume" class="secondary" ${write}>Resume</button>` : ""}
       ${allowed.trigger ? `<button data-action="trigger" class="secondary" ${write}>Trigger now</button>` : ""}
       ${allowed.rearm ? `<button data-action="rearm" ${write}>Re-arm</button>` : ""}
       ${write ? `<button class="secondary" ${write}>Edit</button>` : `<a class="button secondary" href="#/schedules/${esc(s.id)}/edit">Edit</a>`}
       <button data-action="delete" class="danger" ${write}>Delete</button>
     </div>
     <div id="action-result"></div>
     <h2>Definition</h2>
     <dl class="definition">
       <dt>When</dt><dd>${esc(s.summary)}</dd>
       <dt>Spec</dt><dd><code>${esc(JSON.stringify(s.schedule))}</code></dd>
       ${s.schedule.excludeDates ? `<dt>Not on</dt><dd>${esc(s.schedule.excludeDates.join(", "))}</dd>` : ""}
       <dt>Next execution</dt><dd>${when(s.nextFireAt)}</dd>
       <dt>Target</dt><dd>${esc(s.target.method)} ${esc(s.target.url)} (timeout ${esc(s.target.timeout)})</dd>
       ${s.target.taskType ? `<dt>Task type</dt><dd>${esc(s.target.taskType)}</dd>` : ""}
       <dt>Flow key</dt><dd>${s.target.flowKey ? esc(s.target.flowKey) : `host:${esc(hostOf(s.target.url))} <span class="muted">(the default)</span>`}</dd>
       ${s.target.headers ? `<dt>Headers</dt><dd>${esc(Object.keys(s.target.headers).join(", "))}</dd>` : ""}
       ${s.target.body ? `<dt>Body</dt><dd><pre>${esc(s.target.body)}</pre></dd>` : ""}
       <dt>Priority</dt><dd>${esc(s.priority)}</dd>
       <dt>Retry</dt><dd>${esc(s.retry.maxAttempts)} attempts, backoff ${esc(s.retry.minBackoff)}–${esc(s.retry.maxBackoff)}, then ${esc(s.retry.onExhausted)}</dd>
       ${s.description ? `<dt>Description</dt><dd>${esc(s.description)}</dd>` : ""}
       ${Object.keys(s.labels || {}).length ? `<dt>Labels</dt><dd>${esc(Object.entries(s.labels).map(([k, v]) => `${k}=${v}`).join(", "))}</dd>` : ""}
       <dt>Last run</dt><dd>${lastRun(s.lastRun)}</dd>
       <dt>Version</dt><dd>${esc(s.version)} · created ${when(s.createdAt)} · updated ${when(s.updatedAt)}</dd>
     </dl>
     <h2>Next 10 fire times</h2>
     ${next.nextFireTimes.length ? `<ol>${next.nextFireTimes.map((t) => `<li>${when(t)}</li>`).join("")}</ol>` : '<p class="muted">None.</p>'}
     <h2>Execution history</h2>
     ${history ? historyTable(history.items) : '<p class="muted">This API key lacks the scope history:read.</p>'}`,
    s.name || "Schedule",
  );
  document.getElementById("actions").addEventListener("click", (event) => {
    const action = event.target.closest("button")?.dataset.action;
    if (action) act(s, action);
  });
}

function historyTable(items) {
  if (!items.length) return '<p class="muted">No attempts yet.</p>';
  return `<div class="table-wrap"><table>
    <thead><tr><th scope="col">Fired</th><th scope="col">Attempt</th><th scope="col">Outcome</th>
      <th scope="col">Duration</th><th scope="col">Error</th><th scope="col" class="hide-narrow">Response</th>
      <th scope="col" class="hide-narrow">Executor</th></tr></thead>
    <tbody>${items.map((e) => `<tr>
      <td>${when(e.firedAt)}<div class="muted">due ${when(e.scheduledFor)}</div>${e.throttledMs ? `<div class="muted">waited ${esc(e.throttledMs)} ms for flow limit ${esc(e.flowKey)}</div>` : ""}</td>
      <td>${esc(e.attempt)}${e.exhausted ? ' <span class="error">(last)</span>' : ""}</td>
      <td class="outcome-${esc(e.outcome)}">${esc(e.outcome)}${e.httpStatus ? " " + esc(e.httpStatus) : ""}</td>
      <td>${esc(e.durationMs)} ms</td>
      <td class="error">${esc(e.error)}${e.retryAfter ? `<div class="muted">asked to retry at ${when(e.retryAfter)}</div>` : ""}</td>
      <td class="hide-narrow"><pre>${esc(e.responseExcerpt)}</pre></td>
      <td class="hide-narrow">${esc(e.executor)}</td></tr>`).join("")}
    </tbody></table></div>`;
}

async function act(s, action) {
  const label = { pause: "Pause", resume: "Resume", trigger: "Trigger now", rearm: "Re-arm", delete: "Delete" }[action];
  if (!confirm(`${label} “${s.name || s.id}”?`)) return;
  try {
    if (action === "delete") {
      await api("DELETE", `/schedules/${s.id}`);
      announce("Schedule deleted.");
      location.hash = "#/";
      return;
    }
    await api("POST", `/schedules/${s.id}/${action}`);
    announce(`${label}: done.`);
    detailView(s.id);
  } catch (e) {
    document.getElementById("action-result").innerHTML = problemBanner(e);
  }
}

// ---------------------------------------------------------------------------------------------
// Create and edit

const KINDS = { cron: "Cron expression", at: "At a moment", delay: "After a delay", every: "Every interval" };

function field(id, label, value = "", attrs = "", help = "") {
  return `<div data-field-box="${id}"><label for="${id}">${label}</label>
    <input id="${id}" name="${id}" value="${esc(value)}" ${attrs}>
    ${help ? `<div class="muted">${help}</div>` : ""}<div class="field-error" id="${id}-error"></div></div>`;
}

function hostOf(url) {
  try { return new URL(url).hostname.toLowerCase(); } catch { return ""; }
}

function lines(map) {
  return Object.entries(map || {}).map(([k, v]) => `${k}=${v}`).join("\n");
}

async function formView(id) {
  let s = null;
  if (id) {
    try {
      s = await api("GET", `/schedules/${encodeURIComponent(id)}`);
    } catch (e) {
      render(problemBanner(e), "Edit");
      return;
    }
  }
  const spec = s?.schedule || { cron: "0 3 * * *", timezone: Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC" };
  const kind = Object.keys(KINDS).find((k) => spec[k] !== undefined) || "cron";
  render(
    `<h1>${s ? `Edit ${esc(s.name || s.id)}` : "New schedule"}</h1>
     <div id="form-problem"></div>
     <form id="schedule-form" novalidate>
       <fieldset><legend>Schedule</legend><div class="form">
         ${field("name", "Name", s?.name, "", "Letters, digits and . _ : -; unique.")}
         ${field("description", "Description", s?.description)}
         <div><label for="kind">Fires</label><select id="kind" name="kind">
           ${Object.entries(KINDS).map(([k, v]) => `<option value="${k}" ${k === kind ? "selected" : ""}>${v}</option>`).join("")}
         </select></div>
         ${field("cron", "Cron expression", spec.cron ?? "0 3 * * *", 'data-kind="cron" spellcheck="false"', "5 fields (minute hour day month weekday) or 6 with seconds.")}
         ${field("timezone", "Time zone", spec.timezone ?? "UTC", 'data-kind="cron every" list="zones"', "An IANA zone such as Europe/Berlin. For an interval it only places the excluded dates.")}
         ${field("at", "At (ISO instant)", spec.at ?? new Date(Date.now() + 3600e3).toISOString(), 'data-kind="at"')}
         ${field("delay", "Delay", spec.delay ?? "5m", 'data-kind="delay"', "30s, 5m, 1h30m or PT30S.")}
         ${field("every", "Every", spec.every ?? "5m", 'data-kind="every"')}
         ${field("startAt", "Starting at (optional)", spec.startAt ?? "", 'data-kind="cron every"', "An ISO instant; nothing fires before it.")}
         ${field("endAt", "Ending at (optional)", spec.endAt ?? "", 'data-kind="cron every"', "An ISO instant; the last occurrence falls at or before it, then the schedule completes.")}
         ${field("excludeDates", "Not on these dates (optional)", (spec.excludeDates || []).join(", "), 'data-kind="cron every" spellcheck="false"', "Local dates in the time zone, such as 2026-12-25, separated by commas; up to 366.")}
         ${field("window", "Fire within (optional)", spec.window ?? "", 'data-kind="cron at delay every"', "Each run fires at a steady instant up to this long after its time (5m, PT1H); spreads load. At most the cadence.")}
         <div data-field-box="misfirePolicy"><label for="misfirePolicy">Runs missed while down</label>
           <select id="misfirePolicy" name="misfirePolicy" data-kind="cron every">
             ${[["latest", "catch up once"], ["skip", "skip them"], ["all", "catch up each"]].map(([v, t]) => `<option value="${v}" ${v === (spec.misfire?.policy ?? "latest") ? "selected" : ""}>${t}</option>`).join("")}
           </select><div class="muted">A run later than the threshold was missed.</div><div class="field-error" id="misfirePolicy-error"></div></div>
         ${field("misfireThreshold", "Missed when later than", spec.misfire?.threshold ?? "1m", 'data-kind="cron every"')}
         ${field("maxCatchUp", "Catch up at most", spec.misfire?.maxCatchUp ?? 100, 'data-kind="cron every" type="number" min="1" max="1000"', "Runs, when catching up each.")}
         <div class="wide"><div class="field-error" id="schedule-error"></div>
           <div class="preview" aria-live="polite"><strong>Next fire times</strong><div id="preview">…</div></div></div>
         <div class="wide"><label for="labels">Labels (one key=value per line)</label>
           <textarea id="labels" name="labels">${esc(lines(s?.labels))}</textarea><div class="field-error" id="labels-error"></div></div>
       </div></fieldset>
       <fieldset><legend>Webhook</legend><div class="form">
         ${field("url", "URL", s?.target.url ?? "https://", 'type="url" required')}
         <div><label for="method">Method</label><select id="method" name="method">
           ${["POST", "PUT", "PATCH", "GET", "DELETE"].map((m) => `<option ${m === (s?.target.method ?? "POST") ? "selected" : ""}>${m}</option>`).join("")}
         </select><div class="field-error" id="method-error"></div></div>
         ${field("timeout", "Timeout", s?.target.timeout ?? "3s")}
         ${field("flowKey", "Flow key (optional)", s?.target.flowKey ?? "", "", "Deliveries share the flow limit declared for this key; empty for host: and the URL's host.")}
         ${field("taskType", "Task type (optional)", s?.target.taskType ?? "", "", "A declared task type: the body must be JSON its schema accepts.")}
         <div class="wide"><label for="headers">Headers (one Name=value per line)</label>
           <textarea id="headers" name="headers">${esc(lines(s?.target.headers))}</textarea><div class="field-error" id="headers-error"></div></div>
         <div class="wide"><label for="body">Body</label>
           <textarea id="body" name="body">${esc(s?.target.body ?? "")}</textarea><div class="field-error" id="body-error"></div></div>
       </div></fieldset>
       <fieldset><legend>Retries and priority</legend><div class="form">
         ${field("maxAttempts", "Attempts", s?.retry.maxAttempts ?? 5, 'type="number" min="1"')}
         ${field("minBackoff", "Shortest backoff", s?.retry.minBackoff ?? "1s")}
         ${field("maxBackoff", "Longest backoff", s?.retry.maxBackoff ?? "5m")}
         <div><label for="onExhausted">When attempts run out</label><select id="onExhausted" name="onExhausted">
           <option value="dead" ${s?.retry.onExhausted !== "continue" ? "selected" : ""}>stop the schedule (dead)</option>
           <option value="continue" ${s?.retry.onExhausted === "continue" ? "selected" : ""}>record a dead letter and go on</option>
         </select></div>
         ${field("priority", "Priority (0 lowest – 9 highest)", s?.priority ?? 5, 'type="number" min="0" max="9"')}
       </div></fieldset>
       ${can("schedules:write") ? "" : '<p class="banner" role="note">This API key can read schedules but not change them (it lacks the scope schedules:write).</p>'}
       <button type="submit" ${can("schedules:write") ? "" : lacks("schedules:write")}>${s ? "Save" : "Create"}</button>
     </form>
     <datalist id="zones">${(Intl.supportedValuesOf ? Intl.supportedValuesOf("timeZone") : ["UTC"]).map((z) => `<option value="${esc(z)}">`).join("")}</datalist>`,
    s ? "Edit" : "New schedule",
  );
  const form = document.getElementById("schedule-form");
  const showKind = () => {
    const k = form.kind.value;
    form.querySelectorAll("[data-kind]").forEach((el) => {
      el.closest("[data-field-box]").hidden = !el.dataset.kind.split(" ").includes(k);
    });
  };
  showKind();
  let timer = null;
  const preview = () => {
    clearTimeout(timer);
    timer = setTimeout(() => runPreview(form), 300);
  };
  form.kind.addEventListener("change", () => { showKind(); preview(); });
  for (const name of SPEC_FIELDS) form[name].addEventListener("input", preview);
  runPreview(form);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    save(form, s);
  });
}

const SPEC_FIELDS = ["cron", "timezone", "at", "delay", "every", "startAt", "endAt", "excludeDates",
  "misfirePolicy", "misfireThreshold", "maxCatchUp", "window"];

function specOf(form) {
  const k = form.kind.value;
  const window = form.window.value || undefined;
  if (k === "at") return { at: form.at.value, window };
  if (k === "delay") return { delay: form.delay.value, window };
  const excludeDates = form.excludeDates.value.split(/[\s,]+/).filter(Boolean);
  const misfire = {
    policy: form.misfirePolicy.value,
    threshold: form.misfireThreshold.value || undefined,
    maxCatchUp: form.maxCatchUp.value === "" ? undefined : Number(form.maxCatchUp.value),
  };
  const isDefault = misfire.policy === "latest" && ["1m", "PT1M", "60s", undefined].includes(misfire.threshold)
    && [100, undefined].includes(misfire.maxCatchUp);
  const bounds = {
    startAt: form.startAt.value || undefined,
    endAt: form.endAt.value || undefined,
    excludeDates: excludeDates.length ? excludeDates : undefined,
    misfire: isDefault ? undefined : misfire,
    window,
  };
  if (k === "cron") return { cron: form.cron.value, timezone: form.timezone.value || undefined, ...bounds };
  // An interval runs in absolute time: its zone only says where the excluded dates fall.
  return { every: form.every.value, timezone: excludeDates.length ? form.timezone.value || undefined : undefined, ...bounds };
}

function mapOf(text, field, errors) {
  const out = {};
  for (const line of text.split("\n").map((l) => l.trim()).filter(Boolean)) {
    const at = line.indexOf("=");
    if (at < 1) errors.push({ field, message: `“${line}” is not key=value` });
    else out[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return out;
}

let previewSeq = 0;

async function runPreview(form) {
  const target = document.getElementById("preview");
  // Answers can arrive out of order while someone types: only the latest request's counts.
  const seq = ++previewSeq;
  try {
    const result = await api("POST", "/schedules/preview", { schedule: specOf(form), count: 5 });
    if (seq !== previewSeq) return;
    clearErrors(form, ["schedule", ...SPEC_FIELDS]);
    target.innerHTML = result.nextFireTimes.length
      ? `<ol>${result.nextFireTimes.map((t) => `<li>${when(t)}</li>`).join("")}</ol>`
      : '<p class="muted">Never fires.</p>';
  } catch (e) {
    if (seq !== previewSeq) return;
    clearErrors(form, ["schedule", ...SPEC_FIELDS]);
    target.innerHTML = '<p class="muted">Fix the schedule to see when it fires.</p>';
    showErrors(form, e);
  }
}

const FIELD_IDS = {
  name: "name", description: "description", labels: "labels", schedule: "schedule",
  "schedule.cron": "cron", "schedule.timezone": "timezone", "schedule.at": "at", "schedule.delay": "delay",
  "schedule.every": "every", "schedule.startAt": "startAt", "schedule.endAt": "endAt",
  "schedule.excludeDates": "excludeDates", "schedule.misfire": "misfirePolicy",
  "schedule.misfire.policy": "misfirePolicy", "schedule.misfire.threshold": "misfireThreshold",
  "schedule.misfire.maxCatchUp": "maxCatchUp", "schedule.window": "window", target: "url", "target.url": "url",
  "target.method": "method", "target.headers": "headers", "target.body": "body", "target.timeout": "timeout",
  "target.flowKey": "flowKey", "target.taskType": "taskType",
  "retry.maxAttempts": "maxAttempts", "retry.minBackoff": "minBackoff", "retry.maxBackoff": "maxBackoff",
  "retry.onExhausted": "onExhausted", priority: "priority",
};

function fieldId(path) {
  if (FIELD_IDS[path]) return FIELD_IDS[path];
  if (path.startsWith("labels.")) return "labels";
  if (path.startsWith("schedule.excludeDates[")) return "excludeDates";
  if (path.startsWith("target.headers.")) return "headers";
  if (path.startsWith("target.body.") || path.startsWith("target.body[")) return "body";
  return null;
}

function clearErrors(form, ids) {
  for (const id of ids) {
    const box = document.getElementById(`${id}-error`);
    if (box) box.textContent = "";
    form[id]?.removeAttribute?.("aria-invalid");
  }
}

/** Puts each of the server's field errors next to its field; the rest goes above the form. */
function showErrors(form, error) {
  const unplaced = [];
  for (const { field, message } of error.problem.errors || []) {
    const id = fieldId(field);
    const box = id && document.getElementById(`${id}-error`);
    if (box) {
      // A body of a task type can have several problems, each at a place inside it.
      const inside = field.startsWith("target.body") ? field.slice("target.body".length).replace(/^\./, "") : "";
      const text = inside ? `${inside}: ${message}` : message;
      box.textContent = box.textContent ? `${box.textContent}; ${text}` : text;
      const input = form[id];
      if (input?.setAttribute) {
        input.setAttribute("aria-invalid", "true");
        input.setAttribute("aria-describedby", `${id}-error`);
      }
    } else {
      unplaced.push(`${field}: ${message}`);
    }
  }
  if (!(error.problem.errors || []).length) unplaced.push(error.message);
  return unplaced;
}

async function save(form, existing) {
  const errors = [];
  const body = {
    name: form.name.value || undefined,
    description: form.description.value || undefined,
    labels: mapOf(form.labels.value, "labels", errors),
    schedule: specOf(form),
    target: {
      url: form.url.value, method: form.method.value, timeout: form.timeout.value || undefined,
      flowKey: form.flowKey.value || undefined,
      taskType: form.taskType.value || undefined,
      headers: mapOf(form.headers.value, "target.headers", errors), body: form.body.value || undefined,
    },
    retry: {
      maxAttempts: Number(form.maxAttempts.value), minBackoff: form.minBackoff.value,
      maxBackoff: form.maxBackoff.value, onExhausted: form.onExhausted.value,
    },
    priority: form.priority.value === "" ? undefined : Number(form.priority.value),
  };
  clearErrors(form, Object.values(FIELD_IDS));
  const problem = document.getElementById("form-problem");
  problem.innerHTML = "";
  if (errors.length) {
    showErrors(form, new ApiError({ errors }, 400));
    return;
  }
  try {
    const saved = existing
      ? await api("PUT", `/schedules/${existing.id}`, body)
      : await api("POST", "/schedules", body);
    announce("Saved.");
    location.hash = `#/schedules/${saved.id}`;
  } catch (e) {
    const unplaced = showErrors(form, e);
    problem.innerHTML = `<div class="banner" role="alert">${esc(e.message)}${
      unplaced.length ? `<ul>${unplaced.map((u) => `<li>${esc(u)}</li>`).join("")}</ul>` : ""}</div>`;
    form.querySelector('[aria-invalid="true"]')?.focus();
  }
}

// ---------------------------------------------------------------------------------------------
// Dead letters and overview

async function deadLettersView() {
  render(`<h1>Dead letters</h1><div id="dead">Loading…</div>`, "Dead letters");
  try {
    const page = await api("GET", "/dead-letters?limit=100");
    document.getElementById("dead").innerHTML = page.items.length
      ? `<div class="table-wrap"><table><thead><tr><th scope="col">Schedule</th><th scope="col">State now</th>
          <th scope="col">Due</th><th scope="col">Last attempt</th><th scope="col">Attempts</th><th scope="col">Last error</th></tr></thead>
          <tbody>${page.items.map((d) => `<tr>
            <td><a href="#/schedules/${esc(d.scheduleId)}">${esc(d.scheduleName || d.scheduleId.slice(0, 8) + "…")}</a></td>
            <td>${state(d.scheduleState)}</td><td>${when(d.scheduledFor)}</td><td>${when(d.lastAttemptAt)}</td>
            <td>${esc(d.attempts)}</td><td class="error">${esc(d.error)}${d.httpStatus ? ` (HTTP ${esc(d.httpStatus)})` : ""}</td></tr>`).join("")}
          </tbody></table></div>`
      : "<p>No dead letters: every trigger was delivered or is still being retried.</p>";
  } catch (e) {
    document.getElementById("dead").innerHTML = problemBanner(e);
  }
}

async function overviewView() {
  render(`<h1>Overview</h1><div id="overview">Loading…</div>`, "Overview");
  const load = async () => {
    const target = document.getElementById("overview");
    if (!target) return;
    try {
      const s = await api("GET", "/stats?minutes=30");
      const l = s.lateness;
      target.innerHTML = `<div class="cards">
          ${Object.entries(s.schedules).map(([k, v]) => `<div class="card"><div class="muted">${esc(k)}</div><div class="n">${esc(v)}</div></div>`).join("")}
          <div class="card"><div class="muted">Due backlog</div><div class="n">${esc(s.dueBacklog)}</div></div>
          <div class="card"><div class="muted">Lateness p50 / p99</div><div class="n">${l.p50Ms ?? "—"} / ${l.p99Ms ?? "—"} ms</div>
            <div class="muted">${esc(l.samples)} first attempts, last ${esc(l.windowMinutes)} min</div></div>
        </div>
        <h2>Fired and failed per minute</h2>${chart(s.perMinute)}`;
    } catch (e) {
      target.innerHTML = problemBanner(e);
    }
  };
  await load();
  refreshTimer = setInterval(load, 10000);
}

function chart(minutes) {
  if (!minutes.length) return '<p class="muted">Nothing fired in the last 30 minutes.</p>';
  const max = Math.max(1, ...minutes.map((m) => m.fired));
  const w = 16;
  const bars = minutes.map((m, i) => {
    const h = (m.fired / max) * 120;
    const f = (m.failed / max) * 120;
    const t = new Date(m.minute).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    return `<g><title>${esc(t)}: ${m.fired} fired, ${m.failed} failed</title>
      <rect x="${i * w}" y="${130 - h}" width="${w - 3}" height="${h}" fill="#0b5cad"></rect>
      <rect x="${i * w}" y="${130 - f}" width="${w - 3}" height="${f}" fill="#a40e26"></rect></g>`;
  });
  return `<svg role="img" aria-label="Fired (blue) and failed (red) per minute" width="${minutes.length * w}" height="135">${bars.join("")}</svg>
    <p class="muted">Blue: fired, red: failed. Hover a bar for the figures.</p>`;
}

// ---------------------------------------------------------------------------------------------
// Routing

function route() {
  if (!sessionStorage.getItem(KEY)) {
    signIn();
    return;
  }
  nav.hidden = false;
  if (sessionStorage.getItem(SCOPES) === null) {
    loadScopes().then(route, () => {});
    return;
  }
  const create = nav.querySelector('a[href="#/new"]');
  if (can("schedules:write")) {
    create.removeAttribute("aria-disabled");
    create.removeAttribute("title");
  } else {
    create.setAttribute("aria-disabled", "true");
    create.setAttribute("title", "This API key lacks the scope schedules:write");
  }
  const hash = location.hash.slice(1) || "/";
  const [path, query] = hash.split("?");
  const params = new URLSearchParams(query || "");
  const parts = path.split("/").filter(Boolean);
  if (parts[0] === "schedules" && parts[2] === "edit") formView(parts[1]);
  else if (parts[0] === "schedules" && parts[1]) detailView(parts[1]);
  else if (parts[0] === "new") formView(null);
  else if (parts[0] === "dead-letters") deadLettersView();
  else if (parts[0] === "overview") overviewView();
  else listView(params);
  main.focus({ preventScroll: true });
}

document.getElementById("sign-out").addEventListener("click", () => {
  sessionStorage.removeItem(KEY);
  sessionStorage.removeItem(SCOPES);
  location.hash = "#/";
  route();
});
nav.addEventListener("click", (event) => {
  if (event.target.closest('a[aria-disabled="true"]')) event.preventDefault();
});
window.addEventListener("hashchange", route);
route();
