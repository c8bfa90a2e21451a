// `kmemsim arch init <name>`: a starter arch-plugin package. The profile lists every field of the arch-profile
// JSON Schema with its description, a NaN placeholder for each number and a "TODO" source slot, so the conformance
// kit fails, naming each field, until every number and source is filled in. Generated from the schema: a field
// added to @kmemsim/mmu appears here with no change.
import { archProfileJsonSchema } from '@kmemsim/mmu';

interface Node {
  type?: string;
  description?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: Node[];
  properties?: Record<string, Node>;
  required?: string[];
}

export interface InitOptions {
  /** Arch name (the profile's `name`, what `kmemsim arch list` shows). */
  name: string;
  /** npm package name to write (default kmemsim-arch-<name>). */
  packageName?: string;
  /** Version range of @kmemsim/mmu to depend on. */
  mmuRange: string;
  /** Version range of vitest for the conformance test. */
  vitestRange: string;
}

const ident = (k: string) => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : `'${k}'`);

function placeholder(node: Node): string {
  if (node.type === 'number' || node.type === 'integer') return "[TODO, 'TODO: source']";
  if (node.type === 'boolean') return 'null /* TODO: true or false */';
  if (node.enum) return `null /* TODO: one of ${node.enum.map((v) => JSON.stringify(v)).join(', ')} */`;
  return "'' /* TODO */";
}

/** The profile object literal: one commented line per field; optional blocks listed in comments. */
function profileBody(node: Node, indent: string, name: string): string[] {
  const lines: string[] = [];
  for (const [key, child0] of Object.entries(node.properties ?? {})) {
    if (key === '$schema' || key === 'sources') continue;
    const required = node.required?.includes(key) ?? false;
    const nullable = child0.anyOf?.some((a) => a.type === 'null');
    const child = child0.anyOf?.find((a) => a.type !== 'null') ?? child0;
    const desc = child0.description ?? child.description ?? '';
    if (!required) {
      lines.push(`${indent}// optional: ${key} — ${desc}`);
      if (key === 'virt' || child.properties) {
        for (const [k, c] of Object.entries(child.properties ?? {}))
          lines.push(`${indent}//   ${k}: ${c.description ?? ''}`);
      }
      continue;
    }
    if (desc) lines.push(`${indent}// ${desc}`);
    if (nullable) {
      const fields = Object.keys(child.properties ?? {}).join(', ');
      lines.push(`${indent}${ident(key)}: null, // or { ${fields} } (see the schema)`);
    } else if (child.type === 'object' && child.properties && key === 'virt') {
      const modes = Object.keys(child.properties).join(', ');
      lines.push(`${indent}// Each mode (${modes}) is an object; see arch-profile.schema.json and an existing arch.`);
      lines.push(`${indent}virt: {},`);
    } else if (child.type === 'object' && child.properties) {
      lines.push(`${indent}${ident(key)}: {`, ...profileBody(child, `${indent}  `, name), `${indent}},`);
    } else if (key === 'name') lines.push(`${indent}name: '${name}',`);
    else lines.push(`${indent}${ident(key)}: ${placeholder(child)},`);
  }
  return lines;
}

export function archInitFiles(o: InitOptions): Record<string, string> {
  const pkg = o.packageName ?? `kmemsim-arch-${o.name}`;
  const schema = archProfileJsonSchema() as Node;
  const profile = `// @ts-check
// ${o.name}: a kmemsim arch plugin (data only). Replace every TODO: each number with its source, a manual, paper,
// commit or mailing-list measurement, "[U] why" for a documented assumption, or "calibrated: <figure>" for a value
// set from a published figure. \`npm test\` runs the conformance kit; it names every field still to fill in.
import { sourced } from '@kmemsim/mmu';

/** A number not filled in yet (the kit reports it as "not filled in"). */
const TODO = Number.NaN;

export default sourced({
${profileBody(schema, '  ', o.name).join('\n')}
});
`;
  const test = `import { testArch } from '@kmemsim/mmu/testing';
import arch from './index.mjs';

testArch(arch);
`;
  const manifest = {
    name: pkg,
    version: '0.1.0',
    description: `kmemsim architecture plugin: ${o.name} (data only)`,
    keywords: ['kmemsim', 'kmemsim-arch', o.name],
    type: 'module',
    exports: { '.': './index.mjs', './package.json': './package.json' },
    main: './index.mjs',
    files: ['index.mjs', 'README.md'],
    scripts: { test: 'vitest run' },
    peerDependencies: { '@kmemsim/mmu': o.mmuRange },
    devDependencies: { '@kmemsim/mmu': o.mmuRange, vitest: o.vitestRange },
  };
  const readme = `# ${pkg}

A [kmemsim](https://www.npmjs.com/package/kmemsim) architecture plugin: ${o.name}.

## Fill it in
\`index.mjs\` lists every field of the arch profile with its meaning, unit and range. Replace each \`TODO\` number
and its \`'TODO: source'\`; pick the booleans and choices; add the virtualization modes the arch offers (the full
contract, with every field: \`node_modules/@kmemsim/mmu/schema/arch-profile.schema.json\`). Then:
\`\`\`sh
npm install
npm test                 # the conformance kit: passes once every field is filled in and consistent
\`\`\`

## Use it
\`\`\`sh
kmemsim arch show ./index.mjs                       # from this folder
npm install ../${pkg}                 # or from npm once published, in the project where you run kmemsim
kmemsim vmap-bench --arch ${pkg}      # --arch takes the package name, resolved from the working directory
\`\`\`
The profile's name (\`${o.name}\`) must not be one of kmemsim's built-in arch names. Results record the plugin's
package, version and the SHA-256 of the file that was loaded.
`;
  return {
    'package.json': `${JSON.stringify(manifest, null, 2)}\n`,
    'index.mjs': profile,
    'index.test.mjs': test,
    'README.md': readme,
  };
}
