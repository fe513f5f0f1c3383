/**
 * Errors of the event engine (local/engine/).
 *
 * Every error the engine throws is an `EngineError`, and its `name` is the AWS error code a real service would
 * return (the edge server puts it in the `__type` of the JSON error body). `statusCode` is the HTTP status AWS
 * answers with, so a caller never maps names to statuses itself.
 */
import { LocalCloudError } from '../services/kernel/errors';

export class EngineError extends LocalCloudError {
  constructor(message: string, statusCode = 400) {
    // Subclasses set `name` (their AWS code) as a field.
    super(message, { statusCode });
  }
}

/**
 * The pattern given to PutRule, TestEventPattern, CreateArchive (and a Pipe filter) is not valid.
 * AWS: `InvalidEventPatternException`, HTTP 400, message `Event pattern is not valid. Reason: <reason>`
 * (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_TestEventPattern.html#API_TestEventPattern_Errors).
 */
export class InvalidEventPatternException extends EngineError {
  static readonly messagePrefix = 'Event pattern is not valid. Reason: ';

  override readonly name = 'InvalidEventPatternException';
  /** The reason alone (the first line, without the prefix and without a parser location). */
  readonly reason: string;

  /**
   * @param reason AWS's reason text (event-ruler's message).
   * @param location optional Jackson-style location line (` at [Source: ...; line: 1, column: N]`), which AWS
   *   appends on a second line for JSON syntax errors.
   */
  constructor(reason: string, location?: string) {
    super(InvalidEventPatternException.messagePrefix + reason + (location ? `\n${location}` : ''));
    this.reason = reason;
  }
}

/**
 * A request parameter is not valid, e.g. TestEventPattern's `Event` that is not an event envelope
 * (message `Parameter Event is not valid.`). AWS: `ValidationException`, HTTP 400.
 */
export class ValidationException extends EngineError {
  override readonly name = 'ValidationException';
}
