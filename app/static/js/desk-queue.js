// The desk's "Callers waiting" panel (issue 12): per line, how many callers wait in its
// in-hours queue and the longest wait, from /api/queue every few seconds. No caller's
// number: who they are is learnt when the call is accepted.
import { api, h, loadOr } from "/static/js/api.js";

const POLL_MS = 5000;
const panel = document.getElementById("queue-waiting");

function waited(seconds) {
  const whole = Math.max(0, Math.round(seconds || 0));
  const minutes = Math.floor(whole / 60);
  const rest = whole % 60;
  if (!minutes) return `${rest} second${rest === 1 ? "" : "s"}`;
  return `${minutes} minute${minutes === 1 ? "" : "s"}${rest ? ` ${rest} second${rest === 1 ? "" : "s"}` : ""}`;
}

function row(line) {
  const value = line.waiting
    ? `${line.waiting} waiting, the longest for ${waited(line.longest_wait_seconds)}`
    : "Nobody waiting";
  // A list, not a summary list: the desk's side column is too narrow for two columns.
  return h("li", { dataset: { queueLine: line.key } }, h("strong", {}, line.name), h("br"), value);
}

async function refresh() {
  const body = await loadOr(panel, () => api.get("/api/queue"));
  if (body) panel.replaceChildren(h("ul", { class: "govuk-list govuk-list--spaced" }, body.lines.map(row)));
}

if (panel) {
  refresh();
  setInterval(refresh, POLL_MS);
}
