import madge from 'madge';
const res = await madge('src', { fileExtensions: ['ts'], tsConfig: 'tsconfig.json', detectiveOptions: { ts: { skipTypeImports: false } } });
const g = res.obj();
const top = (f) => f.includes('/') ? f.split('/')[0] : f.replace(/\.ts$/, '');
const pairs = process.argv.slice(2).map(p => p.split('>'));
const out = new Map();
for (const [f, ds] of Object.entries(g)) for (const d of ds) for (const [a,b] of pairs) if (top(f)===a && top(d)===b) out.set(d, (out.get(d)??0)+1);
console.log([...out].sort((x,y)=>y[1]-x[1]));
