export { pythonCpgProgram } from './python-cpg-program.js';
