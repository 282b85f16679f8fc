/**
 * The environment the built CLI runs in under test: no colour (output is asserted as text) and no
 * `VIRTUAL_ENV` (the developer's or CI's active venv must not become the project's environment).
 * Tests add `LOCKSTEP_CACHE_DIR` once their temporary directory exists.
 */
export function cliTestEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
  delete env.VIRTUAL_ENV;
  return env;
}
