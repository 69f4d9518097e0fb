import { resolve } from 'node:path';
import ts from 'typescript';

/**
 * Every class reachable from the library's entry point through its exports' public members,
 * parameters and return types (what a user's editor would show): `file:Name`, paths relative to
 * src/. Private and protected members are not followed, as a .d.ts shows them without types.
 */
export function reachableClasses(entry = resolve('src/index.ts')): string[] {
  const program = ts.createProgram([entry], { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, strict: true, noEmit: true, skipLibCheck: true });
  const checker = program.getTypeChecker();
  const root = resolve('src');
  const seen = new Set<string>();
  const classes = new Set<string>();
  const isHidden = (d: ts.Declaration) => (ts.getCombinedModifierFlags(d) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) !== 0 || (ts.isPropertyDeclaration(d) && ts.isPrivateIdentifier(d.name));
  const visitSignatures = (t: ts.Type, at: ts.Node) => {
    for (const sig of [...t.getCallSignatures(), ...t.getConstructSignatures()]) {
      for (const p of sig.parameters) visitType(checker.getTypeOfSymbolAtLocation(p, at));
      visitType(sig.getReturnType());
    }
  };
  const visitType = (t: ts.Type | undefined): void => {
    if (!t) return;
    const s = t.aliasSymbol ?? t.getSymbol();
    if (s) visitSymbol(s);
    for (const a of t.aliasTypeArguments ?? []) visitType(a);
    if (t.isUnionOrIntersection()) t.types.forEach(visitType);
    if (t.flags & ts.TypeFlags.Object && (t as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference) checker.getTypeArguments(t as ts.TypeReference).forEach(visitType);
  };
  const visitSymbol = (sym: ts.Symbol): void => {
    const s = sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : sym;
    const decl = s.declarations?.[0];
    if (!decl) return;
    const file = decl.getSourceFile().fileName;
    if (!file.startsWith(root)) return;
    const key = `${file.slice(root.length + 1)}:${s.name}`;
    if (seen.has(key)) return;
    seen.add(key);
    if (s.flags & ts.SymbolFlags.Class) classes.add(key);
    const declared = checker.getDeclaredTypeOfSymbol(s);
    for (const p of checker.getPropertiesOfType(declared)) {
      const pd = p.declarations?.[0];
      if (pd && isHidden(pd)) continue;
      const pt = checker.getTypeOfSymbolAtLocation(p, pd ?? decl);
      visitType(pt);
      visitSignatures(pt, pd ?? decl);
    }
    if (s.flags & ts.SymbolFlags.Function) visitSignatures(checker.getTypeOfSymbolAtLocation(s, decl), decl);
    if (s.flags & ts.SymbolFlags.Class) {
      // a private constructor is emitted without its parameters
      const ctor = (decl as ts.ClassDeclaration).members?.find(ts.isConstructorDeclaration);
      if (!ctor || !isHidden(ctor)) visitSignatures(checker.getTypeOfSymbolAtLocation(s, decl), decl);
      // static members
      for (const p of checker.getPropertiesOfType(checker.getTypeOfSymbolAtLocation(s, decl))) {
        const pd = p.declarations?.[0];
        if (!pd || isHidden(pd) || p.name === 'prototype') continue;
        const pt = checker.getTypeOfSymbolAtLocation(p, pd);
        visitType(pt);
        visitSignatures(pt, pd);
      }
    }
  };
  const sf = program.getSourceFile(entry)!;
  for (const e of checker.getExportsOfModule(checker.getSymbolAtLocation(sf)!)) visitSymbol(e);
  return [...classes].sort();
}
