// `drive`, which runs one call of a vendor engine of wasm/src/vendor/ for the classes of
// vendor.js: the engine says what to do next (every rule is in Rust), this file does the I/O.

import { exchange, sleep } from "./http.js";

// Step kinds, as wasm/src/vendor/mod.rs numbers them.
const SEND = 0;
const SLEEP = 1;
const SPAWN = 2;

/**
 * Runs `call` to its end and resolves to its result: each `call.next(reply)` answers
 * `[kind, value]`: send the request `value` (its answer is the next `reply`), sleep `value` ms,
 * start the call `value` in the background (not awaited; its failure concerns no caller), or
 * (DONE) the result. Rejects with the error `next` throws. The call is freed either way, which
 * releases whatever it still held (a tenant's single-flight ticket, say).
 */
export async function drive(call, fetchImpl, timeoutMs) {
  try {
    let reply;
    for (;;) {
      const [kind, value] = call.next(reply);
      reply = undefined;
      if (kind === SEND) reply = await exchange(fetchImpl, value, timeoutMs);
      else if (kind === SLEEP) await sleep(value);
      else if (kind === SPAWN) drive(value, fetchImpl, timeoutMs).catch(() => {});
      else return value;
    }
  } finally {
    call.free();
  }
}
