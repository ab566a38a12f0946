// The compiler keeps the repo layout under dist/ (dist/src, dist/migrations); these shims give the documented
// entry points `node dist/main.js` and `node dist/cli.js`.
import { writeFileSync } from 'node:fs';
writeFileSync('dist/main.js', "import './src/main.js';\n");
writeFileSync('dist/cli.js', "import './src/cli.js';\n");
