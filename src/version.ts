// podctl's version, as `podctl --version` prints it. Kept equal to package.json's
// "version" (test/version.test.ts), so that no run has to find and read package.json.
export const VERSION = '0.1.0'
