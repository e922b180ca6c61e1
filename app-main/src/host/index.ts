/** The browser host's public surface (the e2e suite starts it with `startHost`). */
export { startHost, startupLine, tokenMatches, HOST_ADDRESS, BRIDGE_PATH, type HostOptions, type RunningHost } from './server';
export { defaultDataDir, defaultRendererDir } from './paths';
