/**
 * The one error base of the local cloud. `code` is the error code AWS would return (it is also the error's
 * `name`, so logs and SDKs read the same word) and `statusCode` the HTTP status AWS answers with. The edge turns
 * any `LocalCloudError` into an AWS error response as it stands (`instanceof`, no guessing from the shape), and
 * answers anything else as an internal failure (500).
 */
export class LocalCloudError extends Error {
  /** The HTTP status AWS answers with for this error. */
  readonly statusCode: number;

  /** @param code AWS's error code; default: the class name. */
  constructor(message: string, options: { code?: string; statusCode?: number } = {}) {
    super(message);
    this.name = options.code ?? new.target.name;
    this.statusCode = options.statusCode ?? 400;
  }

  /** AWS's error code (the `__type` of a JSON error, `x-amzn-ErrorType`): the error's name. */
  get code(): string {
    return this.name;
  }
}

/** The text of anything thrown: an Error's message, or the value itself as a string. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
