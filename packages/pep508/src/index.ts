/** @lockstep/pep508 — PEP 508 requirements and markers, PEP 503 names, and the marker algebra. */
export { canonicalizeName, isValidName, normalizeExtraName } from "./names";
export { Requirement } from "./requirement";
export { Marker } from "./marker";
export type { MarkerContext, MarkerEnvironment } from "./environment";
export { evaluateComparison } from "./compare";
export type { MarkerOperator, MarkerVariable } from "./marker-expr";
