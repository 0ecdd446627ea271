// The wallboard: the lines now, followed live through /api/wallboard/stream (Server-Sent
// Events computed from the database, so a call through any process shows). Workers'
// names only: no caller and no child is ever on it.
import { api, h } from "/static/js/api.js";

document.body.classList.add("wallboard-page");
const lines = document.getElementById("wallboard-lines");
const status = document.getElementById("wallboard-status");

function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

// Seconds as words: "45 seconds", "3 minutes 5 seconds", "2 hours 10 minutes".
export function duration(seconds) {
  if (seconds === null || seconds === undefined) return "None";
  const whole = Math.round(seconds);
  if (whole < 60) return plural(whole, "second");
  if (whole < 3600) {
    const rest = whole % 60;
    return plural(Math.floor(whole / 60), "minute") + (rest ? ` ${plural(rest, "second")}` : "");
  }
  if (whole < 2 * 86400) {
    const minutes = Math.floor((whole % 3600) / 60);
    return plural(Math.floor(whole / 3600), "hour") + (minutes ? ` ${plural(minutes, "minute")}` : "");
  }
  const hours = Math.floor((whole % 86400) / 3600);
  return plural(Math.floor(whole / 86400), "day") + (hours ? ` ${plural(hours, "hour")}` : "");
}

function percent(rate) {
  return rate === null || rate === undefined ? "None yet" : `${Math.round(rate * 100)}%`;
}

function figure(name, value, key, alert = false) {
  return h(
    "div",
    { class: `wallboard__figure${alert ? " wallboard__figure--alert" : ""}`, dataset: { figure: key } },
    h("dt", {}, name),
    h("dd", {}, String(value)),
  );
}

function people(label, names) {
  return [h("dt", {}, label), h("dd", {}, names.length ? names.join(", ") : "Nobody")];
}

function renderLine(line) {
  const headingId = `line-${line.key}`;
  return h(
    "section",
    { class: "wallboard__line", "aria-labelledby": headingId, dataset: { line: line.key } },
    h("h2", { id: headingId }, line.name),
    h(
      "dl",
      { class: "wallboard__figures" },
      figure("Calls ringing now", line.ringing, "ringing", line.ringing > 0),
      figure("Longest wait now", line.ringing ? duration(line.longest_wait_seconds) : "None", "longest-wait"),
      figure("Waiting in the queue", line.queued, "queued", line.queued > 0),
      figure("Longest in the queue", line.queued ? duration(line.longest_queued_seconds) : "None", "longest-queued"),
      figure("Callbacks waiting", line.callbacks_waiting, "callbacks", line.callbacks_waiting > 0),
      figure("Oldest callback", duration(line.oldest_callback_seconds), "oldest-callback"),
      figure("Calls today", line.offered_today, "offered"),
      figure("Answered today", line.answered_today, "answered"),
      figure("Abandoned today", line.abandoned_today, "abandoned"),
      figure("Answered within target today", percent(line.service_level_today), "service-level"),
    ),
    h(
      "dl",
      { class: "wallboard__people" },
      people(`Available (${line.available.length})`, line.available),
      people(`Busy on a call (${line.busy.length})`, line.busy),
      people(`Offline (${line.offline.length})`, line.offline),
    ),
  );
}

function show(board) {
  lines.replaceChildren(...board.lines.map(renderLine));
  const at = new Intl.DateTimeFormat("en-GB", {
    timeZone: "Europe/London", hour: "2-digit", minute: "2-digit", second: "2-digit",
  }).format(new Date(board.at));
  status.textContent = `Live. Last updated at ${at}.`;
  document.body.dataset.updated = board.at;
}

async function start() {
  try {
    show(await api.get("/api/wallboard"));
  } catch (error) {
    status.textContent = error.message;
    return;
  }
  const source = new EventSource("/api/wallboard/stream");
  source.addEventListener("figures", (event) => show(JSON.parse(event.data)));
  source.addEventListener("error", () => {
    status.textContent = "Live updates paused: reconnecting…";
  });
}

start();
