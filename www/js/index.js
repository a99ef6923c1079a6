// Home page: says whether the package loaded.
import { startPage } from "./shared/page.js";

startPage(() => {
  document.getElementById("package-status").textContent = "The tokensmith package is loaded.";
});
