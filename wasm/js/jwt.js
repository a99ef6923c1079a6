export { verifyJwt } from "#native";
