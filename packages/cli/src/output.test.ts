import { expect, test } from "vitest";
import { formatDuration } from "./output";

test.each([
  [0.4, "0ms"],
  [212.4, "212ms"],
  [1432, "1.43s"],
])("formatDuration(%s) = %s", (msValue, text) => {
  expect(formatDuration(msValue)).toBe(text);
});
