// Documentation coverage of the public API: every export of every entry point, and every public member of an
// exported class, interface, object type or enum, must carry a doc comment. Read with the TypeScript compiler API
// over the sources (one program for all packages, the root tsconfig's paths), so it needs no build.
import { relative } from 'node:path';
import ts from 'typescript';
import { type Entry, ROOT } from './entries.js';

/** A public declaration without a doc comment. */
export interface Undocumented {
  /** Import specifier that exposes it (`@kmemsim/core`). */
  specifier: string;
  /** Exported name, or `Name.member` for a member. */
  name: string;
  /** `file:line` of the declaration, relative to the root. */
  where: string;
}

function hasDoc(node: ts.Node): boolean {
  return ts.getJSDocCommentsAndTags(node).some((d) => {
    if (!ts.isJSDoc(d)) return false;
    const text = typeof d.comment === 'string' ? d.comment : (d.comment ?? []).map((c) => c.text).join('');
    return text.trim() !== '' || (d.tags ?? []).some((t) => t.tagName.text === 'inheritDoc');
  });
}

function isPublicMember(m: ts.Node): boolean {
  if (ts.isConstructorDeclaration(m) || ts.isIndexSignatureDeclaration(m) || ts.isClassStaticBlockDeclaration(m)) {
    return false;
  }
  if (ts.isCallSignatureDeclaration(m) || ts.isConstructSignatureDeclaration(m)) return false;
  const flags = ts.getCombinedModifierFlags(m as ts.Declaration);
  if (flags & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) return false;
  // An override (an Error's `name`, an interface method implemented) is documented by the declaration it overrides.
  if (flags & ts.ModifierFlags.Override) return false;
  const name = (m as ts.NamedDeclaration).name;
  if (!name) return false;
  if (ts.isPrivateIdentifier(name)) return false;
  return !name.getText().startsWith('_');
}

/** Members of a declaration that are part of the public surface, if it is a class, interface, object type or enum. */
function membersOf(decl: ts.Declaration): readonly ts.Node[] {
  if (ts.isClassDeclaration(decl) || ts.isInterfaceDeclaration(decl) || ts.isEnumDeclaration(decl)) {
    return decl.members;
  }
  if (ts.isTypeAliasDeclaration(decl) && ts.isTypeLiteralNode(decl.type)) return decl.type.members;
  return [];
}

function where(node: ts.Node, root: string): string {
  const sf = node.getSourceFile();
  const line = sf.getLineAndCharacterOfPosition(node.getStart()).line + 1;
  return `${relative(root, sf.fileName)}:${line}`;
}

/** Load the root tsconfig (its paths resolve `@kmemsim/*` to sources) as a program over the given entries. */
export function programFor(entries: readonly Entry[], root = ROOT): ts.Program {
  const configFile = ts.findConfigFile(root, ts.sys.fileExists, 'tsconfig.json');
  if (!configFile) throw new Error(`no tsconfig.json at ${root}`);
  const parsed = ts.getParsedCommandLineOfConfigFile(
    configFile,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (!parsed) throw new Error(`cannot read ${configFile}`);
  return ts.createProgram({
    rootNames: entries.map((e) => `${root}${e.source}`),
    options: { ...parsed.options, noEmit: true },
  });
}

/** Every undocumented export and public member reachable from the entries, each reported once. */
export function undocumented(entries: readonly Entry[], root = ROOT, program = programFor(entries, root)) {
  const checker = program.getTypeChecker();
  const out: Undocumented[] = [];
  const seen = new Set<ts.Node>();
  const report = (specifier: string, name: string, node: ts.Node) => {
    if (seen.has(node)) return;
    seen.add(node);
    out.push({ specifier, name, where: where(node, root) });
  };
  for (const entry of entries) {
    const sf = program.getSourceFile(`${root}${entry.source}`);
    if (!sf) throw new Error(`${entry.source}: not in the program`);
    const moduleSymbol = checker.getSymbolAtLocation(sf);
    if (!moduleSymbol) continue;
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const decls = (target.declarations ?? []).filter((d) => !d.getSourceFile().isDeclarationFile);
      if (decls.length === 0) continue;
      const name = exported.getName() === 'default' ? `default (${target.getName()})` : exported.getName();
      if (!decls.some(hasDoc)) report(entry.specifier, name, decls[0] as ts.Node);
      for (const decl of decls) {
        for (const m of membersOf(decl)) {
          if (!isPublicMember(m) || hasDoc(m)) continue;
          // An overload set is documented once: any documented signature of the same name covers it.
          const memberName = (m as ts.NamedDeclaration).name?.getText() ?? '?';
          const siblings = membersOf(decl).filter((o) => (o as ts.NamedDeclaration).name?.getText() === memberName);
          if (siblings.some(hasDoc)) continue;
          report(entry.specifier, `${target.getName()}.${memberName}`, m);
        }
      }
    }
  }
  return out;
}
