export { RemoteJwks } from "#native";
