/**
 * Entry of the Electron main process (`out/main/main.cjs`, package.json "main").
 */
import { createServices, toBridgeError } from '../services/index';
import { runElectronApp } from './app';

runElectronApp({ createServices, toBridgeError, mainDir: __dirname });
