// The pages work without this. It only asks first where a click would lose
// something: leaving an edited draft (another strategy, the other
// language), or deleting.
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

for (const form of document.querySelectorAll("form[data-confirm]")) {
  form.addEventListener("submit", (event) => {
    if (!window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });
}
