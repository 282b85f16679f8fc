/**
 * The Python program lockstep runs once per interpreter (then caches by path and mtime) to learn its
 * PEP 508 marker environment, what it needs for PEP 425 tags, and its install scheme. It must run on
 * every Python lockstep may meet (2.7 included, so that discovery can say "too old" instead of
 * crashing), hence the plain syntax.
 */
export const QUERY_SCRIPT = String.raw`
import json, os, platform, sys, sysconfig
def fmt(info):
    v = "%d.%d.%d" % (info.major, info.minor, info.micro)
    if info.releaselevel != "final":
        v += {"alpha": "a", "beta": "b", "candidate": "rc"}.get(info.releaselevel, "") + str(info.serial)
    return v
impl = getattr(sys, "implementation", None)
impl_name = impl.name if impl else "cpython"
impl_version = fmt(impl.version) if impl else "0"
markers = {
    "implementation_name": impl_name,
    "implementation_version": impl_version,
    "os_name": os.name,
    "platform_machine": platform.machine(),
    "platform_python_implementation": platform.python_implementation(),
    "platform_release": platform.release(),
    "platform_system": platform.system(),
    "platform_version": platform.version(),
    "python_full_version": platform.python_version(),
    "python_version": ".".join(platform.python_version_tuple()[:2]),
    "sys_platform": sys.platform,
}
libc = None
try:
    name, ver = platform.libc_ver()
    if name == "glibc" and ver:
        libc = {"kind": "glibc", "version": ver}
except Exception:
    pass
if libc is None and sys.platform.startswith("linux"):
    try:
        import subprocess
        out = subprocess.run(["ldd", "--version"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT).stdout.decode()
        if "musl" in out.lower():
            for line in out.splitlines():
                if line.lower().startswith("version"):
                    libc = {"kind": "musl", "version": line.split()[-1]}
    except Exception:
        pass
mac = platform.mac_ver()[0] if sys.platform == "darwin" else ""
try:
    scheme_paths = sysconfig.get_paths(scheme="venv" if "venv" in sysconfig.get_scheme_names() else ("nt" if os.name == "nt" else "posix_prefix"), vars={"base": "{base}", "platbase": "{base}", "installed_base": "{base}", "installed_platbase": "{base}"})
except Exception:
    scheme_paths = {}
print(json.dumps({
    "markers": markers,
    "executable": sys.executable,
    "prefix": sys.prefix,
    "base_prefix": getattr(sys, "base_prefix", sys.prefix),
    "base_executable": getattr(sys, "_base_executable", sys.executable),
    "version": [sys.version_info[0], sys.version_info[1], sys.version_info[2]],
    "pointer_size": 64 if sys.maxsize > 2**32 else 32,
    "platform": sysconfig.get_platform(),
    "soabi": sysconfig.get_config_var("SOABI"),
    "abiflags": getattr(sys, "abiflags", ""),
    "gil_disabled": bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
    "libc": libc,
    "macos_version": mac,
    "scheme": scheme_paths,
    "is_venv": getattr(sys, "base_prefix", sys.prefix) != sys.prefix,
}))
`;
