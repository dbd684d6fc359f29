// The API reference of the published packages, docs/api/<package>.md, generated from their
// TSDoc comments with the TypeScript compiler's own API (TypeDoc is not among the workspace's
// dependencies). One section per export of every entry of a package's exports map: its kind,
// its signature or type, and its doc comment. `pnpm docs:api` writes docs/api/ (not committed:
// it would go stale with every doc comment); tooling/release-check/test/api-docs.test.ts runs it.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const ts = createRequire(join(root, 'package.json'))('typescript');

/** Published packages: folder, name and entries (subpath -> source file). */
function publishedPackages() {
  return readdirSync(join(root, 'packages'))
    .filter((p) => existsSync(join(root, 'packages', p, 'package.json')))
    .map((p) => {
      const dir = join(root, 'packages', p);
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      const entries = Object.entries(pkg.exports ?? {}).map(([subpath, target]) => {
        const js = target.default ?? target.import;
        return {
          subpath,
          source: join(dir, js.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts')),
        };
      });
      return { folder: p, name: pkg.name, private: pkg.private, entries };
    })
    .filter((p) => !p.private);
}

const FORMAT = ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.WriteArrowStyleSignature;

function kindOf(symbol) {
  const f = symbol.flags;
  if (f & ts.SymbolFlags.Class) return 'class';
  if (f & ts.SymbolFlags.Function) return 'function';
  if (f & ts.SymbolFlags.Interface) return 'interface';
  if (f & ts.SymbolFlags.TypeAlias) return 'type';
  if (f & ts.SymbolFlags.Enum) return 'enum';
  if (f & ts.SymbolFlags.Variable) return 'const';
  return 'export';
}

const doc = (checker, symbol) =>
  ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();

/** The public members of a class or interface: name, signature, doc. */
function members(checker, symbol, isClass) {
  const out = [];
  const add = (m, staticPrefix) => {
    const decl = m.valueDeclaration ?? m.declarations?.[0];
    if (!decl) return;
    const mods = ts.getCombinedModifierFlags(decl);
    if (mods & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) return;
    if (m.name.startsWith('#') || m.name.startsWith('__')) return;
    // members inherited from outside the repository (Error's, Node's) are documented there
    if (decl.getSourceFile().fileName.includes('/node_modules/')) return;
    const type = checker.getTypeOfSymbolAtLocation(m, decl);
    const calls = type.getCallSignatures();
    const sig =
      m.flags & ts.SymbolFlags.Method && calls.length > 0
        ? calls.map(
            (s) => `${staticPrefix}${m.name}${checker.signatureToString(s, undefined, FORMAT)}`,
          )
        : [
            `${staticPrefix}${mods & ts.ModifierFlags.Readonly ? 'readonly ' : ''}${m.name}${m.flags & ts.SymbolFlags.Optional ? '?' : ''}: ${checker.typeToString(type, undefined, FORMAT)}`,
          ];
    out.push({ sig, doc: doc(checker, m) });
  };
  const type = checker.getDeclaredTypeOfSymbol(symbol);
  for (const m of checker.getPropertiesOfType(type)) add(m, '');
  if (isClass) {
    const ctor = checker.getTypeOfSymbol(symbol);
    for (const m of checker.getPropertiesOfType(ctor))
      if (m.name !== 'prototype') add(m, 'static ');
  }
  return out;
}

function describe(checker, symbol) {
  const kind = kindOf(symbol);
  const lines = [];
  if (kind === 'function') {
    const type = checker.getTypeOfSymbol(symbol);
    for (const s of type.getCallSignatures())
      lines.push(`function ${symbol.name}${checker.signatureToString(s, undefined, FORMAT)}`);
  } else if (kind === 'type') {
    lines.push(
      `type ${symbol.name} = ${checker.typeToString(checker.getDeclaredTypeOfSymbol(symbol), undefined, FORMAT | ts.TypeFormatFlags.InTypeAlias)}`,
    );
  } else if (kind === 'const') {
    lines.push(
      `const ${symbol.name}: ${checker.typeToString(checker.getTypeOfSymbol(symbol), undefined, FORMAT)}`,
    );
  } else if (kind === 'class' || kind === 'interface') {
    const decl = symbol.declarations?.find((d) => d.heritageClauses);
    const heritage = (decl?.heritageClauses ?? []).map((h) => h.getText()).join(' ');
    lines.push(`${kind} ${symbol.name}${heritage ? ` ${heritage.replace(/\s+/g, ' ')}` : ''}`);
  } else {
    lines.push(`${kind} ${symbol.name}`);
  }
  return {
    kind,
    lines,
    doc: doc(checker, symbol),
    members:
      kind === 'class' || kind === 'interface' ? members(checker, symbol, kind === 'class') : [],
  };
}

function render(pkg, checker, program) {
  const out = [
    `# ${pkg.name}`,
    '',
    `The exports of [\`${pkg.name}\`](../../packages/${pkg.folder}/README.md), generated from the doc comments in its source by \`pnpm docs:api\` (do not edit).`,
    '',
  ];
  let documented = 0;
  let total = 0;
  const body = [];
  for (const entry of pkg.entries) {
    const source = program.getSourceFile(entry.source);
    const moduleSymbol = checker.getSymbolAtLocation(source);
    const exports = checker
      .getExportsOfModule(moduleSymbol)
      .sort((a, b) => a.name.localeCompare(b.name, 'en'));
    const importPath = entry.subpath === '.' ? pkg.name : `${pkg.name}/${entry.subpath.slice(2)}`;
    body.push(`## \`${importPath}\``, '');
    for (const exported of exports) {
      const symbol =
        exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const d = describe(checker, symbol);
      total++;
      if (d.doc) documented++;
      body.push(`### ${exported.name} (${d.kind})`, '', '```ts', ...d.lines, '```', '');
      if (d.doc) body.push(d.doc, '');
      for (const m of d.members) {
        body.push(
          `- \`${m.sig.join(' / ').replace(/\s+/g, ' ')}\`${m.doc ? `: ${m.doc.replace(/\s*\n\s*/g, ' ')}` : ''}`,
        );
      }
      if (d.members.length > 0) body.push('');
    }
  }
  out.push(`${total} exports, ${documented} with a doc comment.`, '', ...body);
  return `${out.join('\n').trimEnd()}\n`;
}

export function generate(outDir = join(root, 'docs/api')) {
  const packages = publishedPackages();
  const config = ts.getParsedCommandLineOfConfigFile(
    join(root, 'tooling/config/tsconfig.base.json'),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
  );
  const program = ts.createProgram(
    packages.flatMap((p) => p.entries.map((e) => e.source)),
    { ...config.options, noEmit: true, types: ['node'] },
  );
  const checker = program.getTypeChecker();
  mkdirSync(outDir, { recursive: true });
  const written = [];
  for (const pkg of packages) {
    const file = join(outDir, `${pkg.folder}.md`);
    writeFileSync(file, render(pkg, checker, program));
    written.push(file);
  }
  const index = [
    '# API reference',
    '',
    'One page per published package, generated from the doc comments in the source by `pnpm docs:api` (do not edit).',
    '',
    ...packages.map((p) => `- [${p.name}](${p.folder}.md)`),
  ];
  const indexFile = join(outDir, 'README.md');
  writeFileSync(indexFile, `${index.join('\n')}\n`);
  written.push(indexFile);
  return written;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const f of generate(process.argv[2])) process.stdout.write(`${f}\n`);
}
