/* "Copy" buttons: <button data-copy="element-id" hidden> copies that field's value to the clipboard.
   Hidden until this script runs, so a browser without it shows only the field to copy by hand. */
document.querySelectorAll("button[data-copy]").forEach((button) => {
  const field = document.getElementById(button.dataset.copy);
  if (!field || !navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", () => {
    navigator.clipboard.writeText(field.value).then(() => {
      button.textContent = "Copied";
    });
  });
});
