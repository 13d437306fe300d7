import { Config, ConfigError } from './config.js';
import { Server } from './server.js';
import { allCommands } from '../commands/index.js';
import { checkAofMain } from './persistence/checkAof.js';

/**
 * `holdfast [config-file] [--name value ...]`: the same settings as redis-server.
 * `holdfast check-aof [--fix] FILE`: checks (and repairs) an append-only log.
 */
export async function main(args: string[]): Promise<void> {
  if (args[0] === 'check-aof') process.exit(await checkAofMain(args.slice(1)));
  const config = new Config();
  try {
    // Holdfast's defaults for the CLI (before the config file and flags, which may override
    // them): persistence on, in ./data, created if missing. Redis starts with it off.
    config.setText('appendonly', 'yes', true);
    config.setText('dir', './data', true);
    config.applyArgs(args);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`*** FATAL CONFIG ERROR *** ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  let server: Server;
  try {
    server = new Server(allCommands, { config });
  } catch (err) {
    // rename-command, user directives and the aclfile are checked when the server is built
    if (err instanceof ConfigError) {
      process.stderr.write(`*** FATAL CONFIG ERROR *** ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    server.log('warning', `Received ${signal}, scheduling shutdown...`);
    await server.close();
    server.log('warning', 'Holdfast is now ready to exit, bye bye...');
    process.exit(0);
  };
  // SHUTDOWN closes the server itself; the process ends here, never inside a command.
  server.exitProcess = () => {
    server.log('warning', 'Holdfast is now ready to exit, bye bye...');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  try {
    await server.listen();
  } catch (err) {
    server.log('warning', `Could not start: ${(err as Error).message}`);
    process.exit(1);
  }
}
