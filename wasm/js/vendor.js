export { TechnicalTokenManager, KeycloakClient, SdxClient } from "#native";
