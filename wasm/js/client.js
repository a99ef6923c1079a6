// The token client (until it moves to JS: the Rust class).
export { TokenClient } from "#native";
