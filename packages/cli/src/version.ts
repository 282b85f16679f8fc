/** lockstep's own version: its own module so `lockstep --version` loads nothing else. */
export const VERSION = "0.1.0";
