/** The input cannot be read at all: missing file, unknown format, folder without authors.csv… */
export class InputError extends Error {
  override name = 'InputError';
}
