// Runs the caller tsc compiled from determine.ts against a real server, as a user's program would:
// node run-determine.mjs BASE_URL KEY REQUEST.json prints the answer it read as JSON.
import { readFileSync } from "node:fs";
import { determined } from "./out/determine.js";

const [baseUrl, key, file] = process.argv.slice(2);
console.log(JSON.stringify(await determined(baseUrl, key, JSON.parse(readFileSync(file, "utf8")))));
