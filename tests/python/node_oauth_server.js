// An authorization server we did not write, on 127.0.0.1: @node-oauth/oauth2-server (npm) with an
// in-memory model serving the password (RFC 6749 §4.3) and refresh_token (RFC 6749 §6) grants.
// The library rotates refresh tokens (alwaysIssueNewRefreshToken, its default): each refresh
// revokes the refresh token used, so reusing it fails with invalid_grant (RFC 6749 §5.2).
//
// Usage: node node_oauth_server.js '<json config>' with config
//   {"clientId", "clientSecret", "users": {name: password}, "lifetime": seconds}
// Prints one JSON line {"port": N} when listening. POST /token is the token endpoint;
// GET /stats answers {"tokenRequests": n}. Exits when its standard input closes.
"use strict";

const http = require("http");
const OAuth2Server = require("@node-oauth/oauth2-server");

const config = JSON.parse(process.argv[2]);
const refreshTokens = new Map();
let tokenRequests = 0;

const model = {
  async getClient(clientId, clientSecret) {
    if (clientId !== config.clientId) return false;
    if (clientSecret !== null && clientSecret !== undefined && clientSecret !== config.clientSecret) {
      return false;
    }
    return { id: clientId, grants: ["password", "refresh_token"] };
  },
  async getUser(username, password) {
    return Object.prototype.hasOwnProperty.call(config.users, username) &&
      config.users[username] === password
      ? { id: username }
      : false;
  },
  async saveToken(token, client, user) {
    const saved = { ...token, client, user };
    if (token.refreshToken) refreshTokens.set(token.refreshToken, saved);
    return saved;
  },
  async getRefreshToken(refreshToken) {
    return refreshTokens.get(refreshToken) || false;
  },
  async revokeToken(token) {
    return refreshTokens.delete(token.refreshToken);
  },
  async validateScope(user, client, scope) {
    return scope || [];
  },
};

const oauth = new OAuth2Server({
  model,
  accessTokenLifetime: config.lifetime,
  refreshTokenLifetime: 10 * config.lifetime,
});

const server = http.createServer((req, res) => {
  if (req.method === "GET" && req.url === "/stats") {
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ tokenRequests }));
    return;
  }
  const chunks = [];
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("end", async () => {
    tokenRequests += 1;
    const body = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString("utf8")));
    const request = new OAuth2Server.Request({
      method: req.method,
      headers: req.headers,
      query: {},
      body,
    });
    const response = new OAuth2Server.Response({});
    try {
      await oauth.token(request, response);
    } catch (error) {
      // The library has already put the RFC 6749 §5.2 error into the response.
    }
    res.writeHead(response.status, { ...response.headers, "Content-Type": "application/json" });
    res.end(JSON.stringify(response.body));
  });
});

server.listen(0, "127.0.0.1", () => {
  process.stdout.write(JSON.stringify({ port: server.address().port }) + "\n");
});
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
