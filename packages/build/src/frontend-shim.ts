/**
 * The Python half of the PEP 517 / PEP 660 frontend: a script run by the build environment's
 * interpreter, in the source tree, that imports the backend and calls one hook.
 *
 * Protocol: `python -I -B shim.py <hook> <input.json> <output.json>`. The input names the backend,
 * its `backend-path` and the hook's keyword arguments; the shim writes one JSON object to the output
 * file: `{"ok": true, "value": …}`, `{"ok": false, "missing": true}` when an optional hook is not
 * defined (the TypeScript side applies the PEP 517 fallback), or `{"ok": false, "error": kind,
 * "message": …}`. Results go to a file, never to stdout, because backends print freely.
 *
 * Pitfalls: `backend-path` entries go to the front of `sys.path`, and a backend named with
 * `backend-path` must then be loaded from one of them (PEP 517); an `ImportError` raised inside the
 * backend is not a missing backend; `-I` keeps the script's directory, `PYTHONPATH` and the user's
 * site-packages off `sys.path`, and `-B` keeps `__pycache__` out of the source tree.
 */

export const HOOKS = [
  "get_requires_for_build_wheel",
  "prepare_metadata_for_build_wheel",
  "build_wheel",
  "get_requires_for_build_sdist",
  "build_sdist",
  "get_requires_for_build_editable",
  "prepare_metadata_for_build_editable",
  "build_editable",
] as const;

export type HookName = (typeof HOOKS)[number];

/** Hooks a backend must define (PEP 517 mandatory ones); a missing optional hook has a fallback. */
export const MANDATORY_HOOKS: ReadonlySet<HookName> = new Set(["build_wheel", "build_sdist"]);

export const SHIM_SOURCE = String.raw`import json
import os
import sys
import traceback


def _write(path, payload):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(payload, f)


def _inside(path, roots):
    path = os.path.normcase(os.path.abspath(path))
    for root in roots:
        root = os.path.normcase(os.path.abspath(root))
        if path == root or path.startswith(root + os.sep):
            return True
    return False


def _load(spec, backend_path):
    module_name, _, qualname = spec.partition(":")
    sys.path[:0] = backend_path
    try:
        import importlib

        obj = importlib.import_module(module_name)
    except ModuleNotFoundError as e:
        missing = e.name or ""
        if module_name == missing or module_name.startswith(missing + "."):
            raise _Failure("backend-missing", "No module named %r" % missing)
        raise
    if backend_path:
        where = getattr(obj, "__file__", None) or ""
        if not _inside(where, backend_path):
            raise _Failure(
                "backend-path-mismatch",
                "%s was loaded from %s, not from backend-path %s" % (module_name, where, backend_path),
            )
    for attr in [a for a in qualname.split(".") if a]:
        try:
            obj = getattr(obj, attr)
        except AttributeError:
            raise _Failure("backend-missing", "%s has no attribute %r" % (module_name, attr))
    return obj


class _Failure(Exception):
    def __init__(self, kind, message):
        Exception.__init__(self, message)
        self.kind = kind
        self.message = message


def main():
    hook_name, input_path, output_path = sys.argv[1:4]
    with open(input_path, "r", encoding="utf-8") as f:
        request = json.load(f)
    try:
        backend = _load(request["backend"], request["backend_path"])
    except _Failure as e:
        _write(output_path, {"ok": False, "error": e.kind, "message": e.message})
        return
    except BaseException as e:
        traceback.print_exc()
        _write(output_path, {"ok": False, "error": "backend-import-failed", "message": _describe(e)})
        return
    hook = getattr(backend, hook_name, None)
    if hook is None:
        _write(output_path, {"ok": False, "missing": True})
        return
    try:
        value = hook(**request["kwargs"])
    except BaseException as e:
        traceback.print_exc()
        _write(output_path, {"ok": False, "error": "hook-failed", "message": _describe(e)})
        return
    _write(output_path, {"ok": True, "value": value})


def _describe(e):
    text = str(e)
    return "%s: %s" % (type(e).__name__, text) if text else type(e).__name__


main()
`;
