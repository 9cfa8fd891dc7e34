/** Applies an OpenAPI Overlay document to a spec file, both given by path: the patched spec, as YAML. */
export type OverlayApplier = (specFile: string, overlayFile: string) => string;

interface OverlaysLibrary {
  readonly overlayFiles: (openapiFile: string, overlayFile: string) => string;
}

/**
 * The spec with the overlay applied by openapi-overlays-js, in this process: the package is ES modules only,
 * which Node's own require loads (22.12+, package.json's engines). jest's module registry cannot, so the tests
 * hand the findings command this function as loaded outside it (tests/support/verificationEnvironment.ts).
 * Throws with the library's words when it could not read or apply it.
 */
export const applyOverlay: OverlayApplier = (specFile, overlayFile) => {
  try {
    const { overlayFiles } = require('openapi-overlays-js/src/overlay.js') as OverlaysLibrary;
    // What the library's CLI prints, less console.log's newline.
    return `${overlayFiles(specFile, overlayFile)}\n`;
  } catch (error) {
    throw new Error(
      `openapi-overlays-js could not apply ${overlayFile}: ${(error as Error).message.split('\n')[0] ?? ''}`,
      { cause: error },
    );
  }
};
