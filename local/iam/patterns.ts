/**
 * Matching policy values against request values: `*` and `?` wildcards, policy variables (`${aws:SourceArn}`,
 * `${key, 'default'}`, and the escapes `${*}`, `${?}`, `${$}`), and ARNs compared segment by segment.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
 */

/** The request's context values, keys lower-cased (condition keys are case-insensitive). */
export type ContextValue = string | string[];
export type ContextValues = ReadonlyMap<string, ContextValue>;

export interface PatternOptions {
  /** `*` and `?` are wildcards (StringLike, ArnLike, Action, Resource); else every character is literal. */
  wildcards: boolean;
  ignoreCase?: boolean;
  /** Substitute `${...}` from the context (only for 2012-10-17 policies). */
  variables?: ContextValues;
}

const ESCAPES: Record<string, string> = { '*': '*', '?': '?', $: '$' };

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * The regular expression a policy value stands for, or undefined when it names a policy variable the request does
 * not carry and gives no default: AWS then treats the element as not matching.
 */
export function compilePattern(pattern: string, options: PatternOptions): RegExp | undefined {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (options.variables && c === '$' && pattern[i + 1] === '{') {
      const end = pattern.indexOf('}', i);
      if (end > i) {
        const resolved = resolveVariable(pattern.slice(i + 2, end), options.variables);
        if (resolved === undefined) return undefined;
        source += escapeRegExp(resolved);
        i = end;
        continue;
      }
    }
    if (options.wildcards && c === '*') source += '.*';
    else if (options.wildcards && c === '?') source += '.';
    else source += escapeRegExp(c);
  }
  return new RegExp(`^${source}$`, options.ignoreCase ? 'is' : 's');
}

/** `${key}` or `${key, 'default'}`; multi-valued keys cannot be variables. */
function resolveVariable(body: string, variables: ContextValues): string | undefined {
  const trimmed = body.trim();
  if (trimmed in ESCAPES) return ESCAPES[trimmed];
  const match = /^([^,]+?)\s*(?:,\s*'([^']*)')?$/.exec(trimmed);
  if (!match) return undefined;
  const value = variables.get(match[1].toLowerCase());
  if (typeof value === 'string') return value;
  return match[2];
}

export function matchesPattern(pattern: string, value: string, options: PatternOptions): boolean {
  return compilePattern(pattern, options)?.test(value) ?? false;
}

/** `arn:partition:service:region:account:resource` → six parts (the resource part keeps its colons). */
export function splitArn(arn: string): string[] | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

/**
 * ARN matching as ArnLike and the Resource element do it: each of the six colon-separated parts is compared on its
 * own, with wildcards that do not cross into the next part (the resource part may itself hold colons).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN
 */
export function matchesArn(pattern: string, arn: string, variables?: ContextValues): boolean {
  const substituted = variables ? substituteVariables(pattern, variables) : pattern;
  if (substituted === undefined) return false;
  if (substituted === '*') return true;
  const p = splitArn(substituted);
  const a = splitArn(arn);
  // Two ARNs compare part by part; a pattern that starts like an ARN but lacks its six parts matches no ARN.
  if (a && !p && substituted.startsWith('arn:')) return false;
  if (!p || !a) return matchesPattern(substituted, arn, { wildcards: true });
  return p.every((part, i) => matchesPattern(part, a[i], { wildcards: true }));
}

/**
 * Replace policy variables by their values, keeping wildcards as wildcards; an escaped `${*}` becomes a literal
 * that can no longer act as a wildcard, so such values are compared through compilePattern instead.
 */
function substituteVariables(pattern: string, variables: ContextValues): string | undefined {
  if (!pattern.includes('${')) return pattern;
  let unresolved = false;
  const result = pattern.replace(/\$\{([^}]*)\}/g, (_, body: string) => {
    const value = resolveVariable(body, variables);
    if (value === undefined) unresolved = true;
    return value ?? '';
  });
  return unresolved ? undefined : result;
}

/** Action names are case-insensitive; `*` and `?` are wildcards. */
export function matchesAction(pattern: string, action: string): boolean {
  return matchesPattern(pattern, action, { wildcards: true, ignoreCase: true });
}
