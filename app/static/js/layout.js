// The layout: signing out (the header's name and links are rendered for the signed-in person).
import { api } from "/static/js/api.js";

async function signOut() {
  try {
    await api.delete("/api/session", { redirectOn401: false });
  } catch {
    // signed out already, or the session expired: either way, go to the sign-in page
  }
  window.location.assign("/sign-in");
}

document.querySelector("[data-sign-out]")?.addEventListener("click", signOut);
