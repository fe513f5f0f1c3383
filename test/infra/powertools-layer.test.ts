import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { installedVersion, powertoolsLayerParameterName } from '../../infra/powertools-layer';
import { REPO_ROOT } from '../../infra/bundle';

describe('powertoolsLayerParameterName', () => {
  it('names the public SSM parameter of an exact version', () => {
    // Prepare / Act / Assess
    expect(powertoolsLayerParameterName('2.36.0')).toBe('/aws/service/powertools/typescript/generic/all/2.36.0');
  });

  it.each(['latest', 'v2.36.0', '2.36', '^2.36.0'])('refuses %s: layers are published per x.y.z', (version) => {
    // Prepare / Act / Assess
    expect(() => powertoolsLayerParameterName(version)).toThrow(/x\.y\.z/);
  });
});

describe('installedVersion', () => {
  it('reads the version Powertools is installed at (the one the tests ran)', () => {
    // Prepare
    const manifest = path.join(REPO_ROOT, 'node_modules', '@aws-lambda-powertools', 'logger', 'package.json');
    const expected = (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;

    // Act / Assess
    expect(installedVersion('@aws-lambda-powertools/logger')).toBe(expected);
  });

  it('fails clearly for a package that is not installed', () => {
    // Prepare / Act / Assess
    expect(() => installedVersion('@aws-lambda-powertools/not-a-package')).toThrow();
  });
});
