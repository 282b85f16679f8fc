/** Test support for @lockstep/wheel: writing (hostile) ZIP archives and wheels to disk. */
export * from "./zip-file-writer";
export * from "./wheel-file";
