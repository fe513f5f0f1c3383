/**
 * Powertools for AWS Lambda (TypeScript) as its official Lambda layer rather than inside every bundle.
 *
 * AWS publishes the layer's ARN per region and version in a public SSM parameter,
 * `/aws/service/powertools/typescript/generic/all/<version>`
 * (https://docs.aws.amazon.com/powertools/typescript/latest/getting-started/lambda-layers/). The version asked
 * for is the installed `@aws-lambda-powertools/logger`'s, so the layer a function runs with is the code the tests
 * ran. Reading the parameter needs `ssm:GetParameter` on it (the deployer's, not the functions').
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';

const POWERTOOLS_VERSIONED_PACKAGE = '@aws-lambda-powertools/logger';

/** The installed version of a package, from its own package.json (Powertools does not export that file). */
export function installedVersion(packageName: string, fromDir: string = __dirname): string {
  const entry = require.resolve(packageName, { paths: [fromDir] });
  for (let dir = path.dirname(entry); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (manifest.name === packageName && typeof manifest.version === 'string') return manifest.version;
  }
  throw new Error(`cannot find the installed version of ${packageName}`);
}

/** The public SSM parameter holding the layer ARN of a Powertools version (exact `x.y.z`, no `v`). */
export function powertoolsLayerParameterName(version: string): string {
  if (!/^\d+\.\d+\.\d+$/.test(version))
    throw new Error(`Powertools layers are published per x.y.z version, got "${version}"`);
  return `/aws/service/powertools/typescript/generic/all/${version}`;
}

/** The layer ARN for the installed Powertools version, read from SSM when the program runs. */
export function powertoolsLayerArn(opts?: pulumi.InvokeOutputOptions): pulumi.Output<string> {
  const name = powertoolsLayerParameterName(installedVersion(POWERTOOLS_VERSIONED_PACKAGE));
  // A plain String parameter: `insecureValue` keeps the ARN out of Pulumi's secrets (`value` is always marked secret).
  return aws.ssm.getParameterOutput({ name }, opts).insecureValue;
}
