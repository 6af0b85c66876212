// The compiler's name for DuckDB string literals; one definition serves every package.
export { sqlString as sqlLiteral } from '@anatomy/contracts';
