/** Side-effect CSS imports are bundled by vite into plain stylesheet files (CSP `style-src 'self'`). */
declare module '*.css';
