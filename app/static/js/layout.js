// The layout: who is signed in, the navigation their roles allow, signing out.
import { api, me } from "/static/js/api.js";

async function showAccount() {
  let user;
  try {
    user = await me();
  } catch {
    return; // 401 already sends the browser to the sign-in page
  }
  const name = document.querySelector("[data-signed-in-as]");
  if (name) name.textContent = `Signed in as ${user.display_name}`;
  for (const item of document.querySelectorAll(".nav__item[data-roles]")) {
    const roles = item.dataset.roles.split(" ");
    item.hidden = !roles.some((role) => user.roles.includes(role));
  }
}

async function signOut() {
  try {
    await api.delete("/api/session", { redirectOn401: false });
  } catch {
    // signed out already, or the session expired: either way, go to the sign-in page
  }
  window.location.assign("/sign-in");
}

document.querySelector("[data-sign-out]")?.addEventListener("click", signOut);
showAccount();
