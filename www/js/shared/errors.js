// Readable error messages. The package's errors are TokenError subclasses with core's stable
// `code`; OAuthError adds the server's `error`, `description` and HTTP `status` (RFC 6749 §5.2).
// The dev server's own API (/api/tokens) answers with the same {error, error_description} shape,
// read into an ApiError here. Messages from the package carry no secret (core redacts them).

/** An error answer of a JSON API in the RFC 6749 §5.2 shape. */
export class ApiError extends Error {
  constructor(status, error, description) {
    super(description ? `${error}: ${description}` : error);
    this.name = "ApiError";
    this.status = status;
    this.error = error;
    this.description = description ?? null;
  }

  /** Reads a failed fetch Response into an ApiError. */
  static async from(response) {
    let body = null;
    try {
      body = await response.json();
    } catch {
      // Not JSON: keep the status alone.
    }
    const error = typeof body?.error === "string" ? body.error : `http_${response.status}`;
    const description = typeof body?.error_description === "string" ? body.error_description : null;
    return new ApiError(response.status, error, description);
  }
}

/**
 * `{ code, description, status, kind }` for any thrown value: `code` is the OAuth `error` when
 * the server sent one, else the package's error code, else the error's name.
 */
export function describeError(err) {
  if (err && typeof err === "object") {
    const status = typeof err.status === "number" ? err.status : null;
    if (typeof err.error === "string") {
      return { code: err.error, description: err.description ?? err.message ?? "", status, kind: err.name };
    }
    if (typeof err.code === "string") {
      return { code: err.code, description: err.message ?? "", status, kind: err.name };
    }
    if (err instanceof Error) {
      return { code: err.name, description: err.message, status, kind: err.name };
    }
  }
  return { code: "error", description: String(err), status: null, kind: "Error" };
}

/** Renders `err` into `box` (a role="alert" element) with a lead sentence. */
export function showError(box, lead, err) {
  const { code, description, status } = describeError(err);
  box.replaceChildren();
  const p = document.createElement("p");
  p.append(`${lead} `);
  const strong = document.createElement("strong");
  strong.className = "error-code";
  strong.textContent = code;
  p.append(strong);
  if (description && description !== code) p.append(`: ${description}`);
  if (status) p.append(` (HTTP ${status})`);
  box.append(p);
  box.hidden = false;
  return { code, description, status };
}

/** Hides an error box. */
export function hideError(box) {
  box.replaceChildren();
  box.hidden = true;
}
