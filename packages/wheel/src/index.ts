/** @lockstep/wheel — wheel and sdist file names, platform tags, core metadata, reading archives. */
export * from "./tag";
export * from "./target";
export * from "./platform-tags";
export * from "./supported-tags";
export * from "./zip";
