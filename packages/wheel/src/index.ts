/** @lockstep/wheel — wheel and sdist file names, platform tags, core metadata, reading archives. */
export * from "./tag";
export * from "./target";
export * from "./platform-tags";
export * from "./supported-tags";
export * from "./tag-priority";
export * from "./wheel-filename";
export * from "./sdist-filename";
export * from "./metadata-fields";
export * from "./core-metadata";
export * from "./core-metadata-format";
export * from "./zip";
export * from "./wheel-archive";
