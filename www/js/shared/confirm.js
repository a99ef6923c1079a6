// A confirmation step in a modal <dialog> (keyboard: Tab between the buttons, Escape cancels;
// the dialog returns the focus to where it was when it closes).

/** Asks `question` in `dialog` (with #confirm-text and a "yes"-valued button); resolves true on yes. */
export function confirmAction(dialog, { title, question, yes }) {
  dialog.querySelector("h2").textContent = title;
  dialog.querySelector("#confirm-text").textContent = question;
  dialog.querySelector("#confirm-yes").textContent = yes;
  dialog.returnValue = "";
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "yes"), { once: true });
    dialog.showModal();
  });
}
