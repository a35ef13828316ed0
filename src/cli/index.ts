/**
 * What the tool commands in tools/ and bench/ share with the product's commands. The CLI itself
 * starts from main.ts.
 */
export { chosenLogLevel } from './command-line.js';
export type { ToolCommandsModule } from './tool-commands.js';
