// The read side of a built CPG, as the CLI's read commands use it. The CLI imports this module
// only when such a command runs, so a build never loads the exports' code.
export { exportArrow, exportGraphML, exportNeo4jCsv, exportParquet, openCpg } from '@anatomy/cpg-query';
