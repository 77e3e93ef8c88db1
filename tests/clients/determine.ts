// A caller of the service written against the types openapi-typescript generates from /openapi.json
// (./car-t.d.ts) with openapi-fetch: it determines one CAR-T request and reads a 422's field errors.
// tests/clients/test_generated_clients.py type-checks it (tsc --strict), compiles it and runs it
// (run-determine.mjs) against a real server.
import createClient from "openapi-fetch";
import type { components, paths } from "./car-t";

type Answer =
  | { determination: components["schemas"]["Outcome"] | null; disposition: components["schemas"]["Disposition"] | null }
  | { status: number; code: components["schemas"]["ErrorCode"]; errors: Array<[string, string]> };

export async function determined(baseUrl: string, key: string,
                                 request: components["schemas"]["CarTInputs"]): Promise<Answer> {
  const client = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${key}` } });
  const { data, error, response } = await client.POST("/api/v1/car-t/determinations", { body: request });
  if (data !== undefined) {
    return { determination: data.determination ?? null, disposition: data.disposition ?? null };
  }
  if (response.status === 422 && error !== undefined) {
    return { status: error.status, code: error.code,
             errors: error.errors.map((found): [string, string] => [found.pointer, found.detail]) };
  }
  throw new Error(`HTTP ${response.status}`);
}
