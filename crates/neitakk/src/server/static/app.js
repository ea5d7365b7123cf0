// The pages work without this. It only keeps an edited draft from being
// lost: leaving the page (another strategy, the other language) asks first.
for (const form of document.querySelectorAll("form.draft")) {
  let edited = false;
  form.addEventListener("input", () => { edited = true; });
  form.addEventListener("submit", () => { edited = false; });
  window.addEventListener("beforeunload", (event) => {
    if (edited) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
}
