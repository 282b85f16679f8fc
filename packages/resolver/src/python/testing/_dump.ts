import { generateUniverse } from "./random-universe";
const g = generateUniverse(Number(process.argv[2]), { flavour: process.argv[3] as "conflicting" });
console.log(JSON.stringify({ root: g.root, packages: g.universe.packages }, null, 1));
