import type { DemoRouter } from './link';

export const DEMO_USER = 'admin';
export const DEMO_PASSWORD = 'demo';

/**
 * The built-in Demo router: the simulator of issue 3, in this process, on a free loopback port
 * (design.md §1: app-main imports simulator/ only for this). Loaded lazily so that nothing of the
 * simulator is evaluated until someone connects to the Demo router.
 */
export async function defaultDemoRouter(): Promise<DemoRouter> {
  const { startSimulator } = await import('../../../../simulator/src/index');
  const sim = await startSimulator({
    host: '127.0.0.1',
    port: 0,
    user: DEMO_USER,
    password: DEMO_PASSWORD,
    identity: 'Tikscope Demo',
  });
  if (sim.port === undefined) {
    await sim.close();
    throw new Error('the demo router did not open its API port');
  }
  return {
    host: '127.0.0.1',
    port: sim.port,
    user: DEMO_USER,
    password: DEMO_PASSWORD,
    stop: () => sim.close(),
  };
}
