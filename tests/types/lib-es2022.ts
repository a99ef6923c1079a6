// A user project on lib es2022 (tsconfig.es2022.json): importing the package must type-check
// without `esnext` in `lib` (the generated classes declare `[Symbol.dispose]`).
import { TokenClient, verifyJwt, type Token } from "tokensmith";
import init from "tokensmith/web";

export async function main(): Promise<Token> {
  await init();
  const client = new TokenClient({ tokenUrl: "https://as.example/token", clientId: "c", clientSecret: "s" });
  const token = await client.token();
  await verifyJwt(token.accessToken, { keys: [] }, { algorithms: ["RS256"] });
  return token;
}
