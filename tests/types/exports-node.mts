// Node (ESM) through the package's `exports`: the `node` entry, initialised on import.
// @ts-expect-error the Node entry has no default export (no init to call)
import init from "tokensmith";
import { TokenClient, verifyJwt, OAuthError, type Token } from "tokensmith";

export async function main(): Promise<Token> {
  void init;
  const client = new TokenClient({ tokenUrl: "https://as.example/token", clientId: "c", clientSecret: "s" });
  try {
    return await client.token();
  } catch (err) {
    if (err instanceof OAuthError) await verifyJwt("", { keys: [] }, { algorithms: [err.error] });
    throw err;
  }
}
