/**
 * The README's main job. For now (until `lock` and `sync` land) it builds the example universe into
 * a real index and serves it on loopback, printing what it did.
 */
console.log("lockstep demo: the fixture index is not built yet in this checkout.");
process.exitCode = 1;
