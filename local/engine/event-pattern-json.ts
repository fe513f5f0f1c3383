/**
 * Parsing pattern text the way EventBridge reports it.
 *
 * EventBridge parses patterns with Jackson (inside aws/event-ruler), so a syntax error surfaces as Jackson's
 * message, e.g. `Unrecognized token 'this': was expecting (JSON String, Number, Array, Object or token 'null',
 * 'true' or 'false')` (docs/aws-behaviour.md#invalid-patterns). Valid text is parsed by `JSON.parse` (duplicate keys: the last one
 * wins, as AWS documents for patterns); only when that fails does the scanner below walk the text to name the
 * first error in Jackson's words. The scanner is a diagnostic, not a second parser of record.
 */
import { InvalidEventPatternException } from './errors';

/** Result of looking at a pattern text before validation proper. */
export type PatternText =
  | { kind: 'value'; value: unknown }
  /** The text does not start with `{`: event-ruler answers `Filter is not an object` before reading further. */
  | { kind: 'not-object' };

/**
 * Parses `text` as a pattern document. Throws InvalidEventPatternException with a Jackson-like reason when the text
 * is not JSON. event-ruler reads the first token before anything else: if it is a well-formed token other than `{`
 * (an array, a string, a number, a literal, or nothing at all), the answer is `Filter is not an object`.
 */
export function parsePatternText(text: string): PatternText {
  const scanner = new JacksonScanner(text);
  const first = scanner.peekFirstToken();
  if (first !== '{') return { kind: 'not-object' };
  try {
    return { kind: 'value', value: JSON.parse(text) };
  } catch {
    scanner.findFirstError();
    // JSON.parse and the scanner disagree only on text no test has shown; stay AWS-shaped anyway.
    throw new InvalidEventPatternException('Unexpected character: malformed JSON');
  }
}

/**
 * A small JSON scanner that mimics the first line of Jackson's JsonParseException messages (Jackson 2.x wording).
 * Choice: text after a complete top-level object is reported as `expected end-of-input`; event-ruler stops reading
 * after the object, but a local tool that silently ignores trailing text would hide a real mistake.
 */
class JacksonScanner {
  private pos = 0;

  constructor(private readonly text: string) {}

  /** Returns '{' when the document starts an object, otherwise 'other'; throws on an unrecognised first token. */
  peekFirstToken(): '{' | 'other' {
    this.skipWhitespace();
    if (this.pos >= this.text.length) return 'other';
    const c = this.text[this.pos];
    if (c === '{') return '{';
    if (c === '[' || c === '"' || c === '-' || (c >= '0' && c <= '9')) return 'other';
    if (this.isTokenChar(c)) {
      const token = this.readTokenText();
      if (token === 'true' || token === 'false' || token === 'null') return 'other';
      this.fail(this.unrecognizedToken(token));
    }
    this.fail(`Unexpected character (${describeChar(c)}): expected a value`);
  }

  /** Walks the whole document and throws the first error found. */
  findFirstError(): void {
    this.pos = 0;
    this.skipWhitespace();
    this.value();
    this.skipWhitespace();
    if (this.pos < this.text.length) {
      this.fail(`Unexpected character (${describeChar(this.text[this.pos])}): expected end-of-input`);
    }
  }

  private value(): void {
    this.skipWhitespace();
    if (this.pos >= this.text.length) this.fail('Unexpected end-of-input: expected a value');
    const c = this.text[this.pos];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string('value');
    if (c === '-' || (c >= '0' && c <= '9')) return this.number();
    if (this.isTokenChar(c)) {
      const token = this.readTokenText();
      if (token !== 'true' && token !== 'false' && token !== 'null') this.fail(this.unrecognizedToken(token));
      return;
    }
    this.fail(`Unexpected character (${describeChar(c)}): expected a value`);
  }

  private object(): void {
    const start = this.location(this.pos);
    this.pos++; // '{'
    this.skipWhitespace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.pos >= this.text.length) this.endOfInput('Object', start);
      const c = this.text[this.pos];
      if (c !== '"')
        this.fail(`Unexpected character (${describeChar(c)}): was expecting double-quote to start field name`);
      this.string('name');
      this.skipWhitespace();
      if (this.pos >= this.text.length) this.endOfInput('Object', start);
      if (this.text[this.pos] !== ':') {
        this.fail(
          `Unexpected character (${describeChar(this.text[this.pos])}): was expecting a colon to separate field name and value`,
        );
      }
      this.pos++;
      this.skipWhitespace();
      if (this.pos >= this.text.length) this.endOfInput('Object', start);
      this.value();
      this.skipWhitespace();
      if (this.pos >= this.text.length) this.endOfInput('Object', start);
      const next = this.text[this.pos++];
      if (next === '}') return;
      if (next !== ',') {
        this.pos--;
        this.fail(`Unexpected character (${describeChar(next)}): was expecting comma to separate Object entries`);
      }
    }
  }

  private array(): void {
    const start = this.location(this.pos);
    this.pos++; // '['
    this.skipWhitespace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.pos >= this.text.length) this.endOfInput('Array', start);
      this.value();
      this.skipWhitespace();
      if (this.pos >= this.text.length) this.endOfInput('Array', start);
      const next = this.text[this.pos++];
      if (next === ']') return;
      if (next !== ',') {
        this.pos--;
        this.fail(`Unexpected character (${describeChar(next)}): was expecting comma to separate Array entries`);
      }
    }
  }

  private string(role: 'name' | 'value'): void {
    this.pos++; // opening quote
    while (this.pos < this.text.length) {
      const c = this.text[this.pos];
      if (c === '"') {
        this.pos++;
        return;
      }
      if (c === '\\') {
        const e = this.text[this.pos + 1];
        if (e === undefined) break;
        if (e === 'u') {
          const hex = this.text.slice(this.pos + 2, this.pos + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
            this.fail(
              'Unexpected character in character escape sequence: expected a hex-digit for character escape sequence',
            );
          }
          this.pos += 6;
          continue;
        }
        if (!'"\\/bfnrt'.includes(e)) this.fail(`Unrecognized character escape ${describeChar(e)}`);
        this.pos += 2;
        continue;
      }
      if (c.charCodeAt(0) < 0x20) {
        this.fail(
          `Illegal unquoted character ((CTRL-CHAR, code ${c.charCodeAt(0)})): has to be escaped using backslash to be included in ${role === 'name' ? 'name' : 'string value'}`,
        );
      }
      this.pos++;
    }
    this.fail(
      role === 'name'
        ? 'Unexpected end-of-input in field name'
        : 'Unexpected end-of-input: was expecting closing quote for a string value',
    );
  }

  private number(): void {
    if (this.text[this.pos] === '-') {
      this.pos++;
      const d = this.text[this.pos];
      if (d === undefined || d < '0' || d > '9') {
        this.fail(
          `Unexpected character (${d === undefined ? 'EOF' : describeChar(d)}) in numeric value: expected digit (0-9) to follow minus sign, for valid numeric value`,
        );
      }
    }
    if (this.text[this.pos] === '0' && /[0-9]/.test(this.text[this.pos + 1] ?? '')) {
      this.fail('Invalid numeric value: Leading zeroes not allowed');
    }
    while (/[0-9]/.test(this.text[this.pos] ?? '')) this.pos++;
    if (this.text[this.pos] === '.') {
      this.pos++;
      if (!/[0-9]/.test(this.text[this.pos] ?? '')) {
        this.fail(
          `Unexpected character (${this.describeAt(this.pos)}) in numeric value: Decimal point not followed by a digit`,
        );
      }
      while (/[0-9]/.test(this.text[this.pos] ?? '')) this.pos++;
    }
    if (this.text[this.pos] === 'e' || this.text[this.pos] === 'E') {
      this.pos++;
      if (this.text[this.pos] === '+' || this.text[this.pos] === '-') this.pos++;
      if (!/[0-9]/.test(this.text[this.pos] ?? '')) {
        this.fail(
          `Unexpected character (${this.describeAt(this.pos)}) in numeric value: Exponent indicator not followed by a digit`,
        );
      }
      while (/[0-9]/.test(this.text[this.pos] ?? '')) this.pos++;
    }
  }

  private describeAt(pos: number): string {
    return pos < this.text.length ? describeChar(this.text[pos]) : 'EOF';
  }

  private unrecognizedToken(token: string): string {
    return `Unrecognized token '${token}': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')`;
  }

  private endOfInput(kind: 'Object' | 'Array', start: string): never {
    this.fail(`Unexpected end-of-input: expected close marker for ${kind} (start marker at ${start})`);
  }

  private isTokenChar(c: string): boolean {
    return /[\p{L}\p{N}_$]/u.test(c);
  }

  private readTokenText(): string {
    const start = this.pos;
    while (this.pos < this.text.length && this.isTokenChar(this.text[this.pos])) this.pos++;
    return this.text.slice(start, this.pos);
  }

  private skipWhitespace(): void {
    while (this.pos < this.text.length && ' \t\r\n'.includes(this.text[this.pos])) this.pos++;
  }

  /** Jackson's location text: `[Source: (String)"<text>"; line: L, column: C]` (1-based). */
  private location(pos: number): string {
    const before = this.text.slice(0, pos);
    const line = before.split('\n').length;
    const column = pos - (before.lastIndexOf('\n') + 1) + 1;
    return `[Source: (String)"${this.text}"; line: ${line}, column: ${column}]`;
  }

  private fail(reason: string): never {
    throw new InvalidEventPatternException(reason, ` at ${this.location(this.pos)}`);
  }
}

/** Jackson's way of naming a character: `'x' (code 120)`. */
function describeChar(c: string): string {
  const code = c.codePointAt(0) ?? 0;
  if (code < 0x20) return `CTRL-CHAR, code ${code}`;
  return `'${c}' (code ${code})`;
}
