/**
 * Platform tags a target accepts, most specific first: manylinux (PEP 600 `manylinux_x_y`, with the
 * PEP 513/571/599 aliases `manylinux1`/`manylinux2010`/`manylinux2014` placed right after the glibc
 * version they stand for), musllinux (PEP 656), macOS and Windows.
 *
 * Pitfalls: a glibc 2.35 system accepts every `manylinux_2_y` down to 2.17 (2.5 on x86), newest first,
 * and the legacy alias is a *separate* tag, not a rewrite; glibc and musl never mix. On macOS the
 * version scheme changed at 11: 10.x counted minors, 11+ counts majors (`macosx_14_0`), and an 11+
 * system still accepts 10.x wheels — x86_64 ones in every binary format, arm64 ones only as
 * `universal2` because arm64 did not exist before 11. `universal2` and `intel` are fat binaries that
 * contain the target's slice, so they appear after the plain arch.
 */

import { DEFAULT_GLIBC, DEFAULT_MACOS_VERSION, type TargetArch, type TargetEnv } from "./target";

/** Architectures that have manylinux wheels at all. */
const MANYLINUX_ARCHES = new Set([
  "x86_64",
  "i686",
  "aarch64",
  "ppc64",
  "ppc64le",
  "s390x",
  "armv7l",
  "riscv64",
]);

const LEGACY_MANYLINUX = new Map([
  ["2_17", "manylinux2014"],
  ["2_12", "manylinux2010"],
  ["2_5", "manylinux1"],
]);

/** glibc has never had a minor above 50 under one major; used if the major ever moves past 2. */
const LAST_GLIBC_MINOR = 50;

function linuxArch(arch: TargetArch): string {
  return arch === "arm64" ? "aarch64" : arch;
}

export function manylinuxPlatforms(arch: string, glibc: readonly [number, number]): string[] {
  if (!MANYLINUX_ARCHES.has(arch)) return [];
  // The oldest glibc with wheels is 2.17 in general, 2.5 on x86 (manylinux1).
  const oldest: [number, number] = arch === "x86_64" || arch === "i686" ? [2, 5] : [2, 17];
  const [major, minor] = glibc;
  const out: string[] = [];
  for (let m = major; m >= oldest[0]; m--) {
    const top = m === major ? minor : LAST_GLIBC_MINOR;
    const bottom = m === oldest[0] ? oldest[1] : 0;
    for (let n = top; n >= bottom; n--) {
      out.push(`manylinux_${m}_${n}_${arch}`);
      const legacy = LEGACY_MANYLINUX.get(`${m}_${n}`);
      if (legacy) out.push(`${legacy}_${arch}`);
    }
  }
  return out;
}

export function musllinuxPlatforms(arch: string, musl: readonly [number, number]): string[] {
  const out: string[] = [];
  for (let n = musl[1]; n >= 0; n--) out.push(`musllinux_${musl[0]}_${n}_${arch}`);
  return out;
}

/** The binary formats a macOS wheel for `arch` may be built as, for one macOS version. */
function macBinaryFormats(version: readonly [number, number], arch: string): string[] {
  const before10_4 = version[0] === 10 && version[1] < 4;
  const formats = [arch];
  if (arch === "x86_64") {
    if (before10_4) return [];
    formats.push("intel", "fat64", "fat32");
  } else if (arch === "i386") {
    if (before10_4) return [];
    formats.push("intel", "fat32", "fat");
  } else if (arch === "ppc64") {
    if (version[0] > 10 || version[1] > 5 || before10_4) return [];
    formats.push("fat64");
  } else if (arch === "ppc") {
    if (version[0] > 10 || version[1] > 6) return [];
    formats.push("fat32", "fat");
  }
  if (arch === "arm64" || arch === "x86_64") formats.push("universal2");
  if (["x86_64", "i386", "ppc64", "ppc", "intel"].includes(arch)) formats.push("universal");
  return formats;
}

export function macPlatforms(version: readonly [number, number], arch: string): string[] {
  const out: string[] = [];
  const push = (major: number, minor: number, formats: string[]) => {
    for (const format of formats) out.push(`macosx_${major}_${minor}_${format}`);
  };
  const [major, minor] = version;
  if (major === 10) {
    for (let m = minor; m >= 0; m--) push(10, m, macBinaryFormats([10, m], arch));
  }
  if (major >= 11) {
    for (let m = major; m >= 11; m--) push(m, 0, macBinaryFormats([m, 0], arch));
    // 10.16 was the name some tools gave Big Sur; 10.4 is the oldest with any surviving format.
    for (let m = 16; m >= 4; m--) {
      push(10, m, arch === "x86_64" ? macBinaryFormats([10, m], arch) : ["universal2"]);
    }
  }
  return out;
}

export function windowsPlatform(arch: TargetArch): string {
  if (arch === "x86_64") return "win_amd64";
  if (arch === "i686") return "win32";
  if (arch === "aarch64" || arch === "arm64") return "win_arm64";
  return `win_${arch}`;
}

/** Every platform tag the target accepts except `any`, most preferred first. */
export function platformTags(target: TargetEnv): string[] {
  switch (target.os) {
    case "windows":
      return [windowsPlatform(target.arch)];
    case "macos": {
      const arch = target.arch === "aarch64" ? "arm64" : target.arch === "i686" ? "i386" : target.arch;
      return macPlatforms(target.macosVersion ?? DEFAULT_MACOS_VERSION, arch);
    }
    case "linux": {
      const arch = linuxArch(target.arch);
      const libc = target.libc ?? DEFAULT_GLIBC;
      const libcTags =
        libc.kind === "glibc"
          ? manylinuxPlatforms(arch, libc.version)
          : musllinuxPlatforms(arch, libc.version);
      return [...libcTags, `linux_${arch}`];
    }
  }
}
