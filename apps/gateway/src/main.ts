import { createApp, type RunningApp } from './create-app.js';

/** Start-up and shutdown of the gateway process; failures print one line, never a stack trace. */
async function main(): Promise<void> {
  let running: RunningApp;
  try {
    running = await createApp();
  } catch (error) {
    console.error(error instanceof Error ? error.message.split('\n')[0] : String(error));
    process.exit(1);
  }
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    running.logger.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => {
      running.logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, running.config.shutdownTimeoutMs + 5_000);
    deadline.unref();
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        running.logger.error({ err: error }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

void main();
