// Insight: the page is drawn on the server; this only moves focus to the error summary.
document.querySelector("[data-error-summary]")?.focus();
