/**
 * The environment a project test syncs and runs in: the caller's, without `VIRTUAL_ENV` and
 * `LOCKSTEP_PROJECT_ENVIRONMENT`, either of which would send the sync to another venv than the
 * project's `.venv` (a developer's active venv, or CI's setting).
 */
export function projectTestEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.VIRTUAL_ENV;
  delete env.LOCKSTEP_PROJECT_ENVIRONMENT;
  return env;
}
