/**
 * The default package index: PyPI's simple API (PEP 503/691), asked last unless a project declares
 * a default index or `--index-url` replaces it. A module of its own (exported as
 * `@lockstep/index/default-index`) so the project layer can name it without loading the client.
 */
export const PYPI_URL = "https://pypi.org/simple";
