/** The node types `/console/inspect` reports (`node-type`), plus `arg` for a command's arguments. */
export type TreeNodeType = 'dir' | 'path' | 'cmd' | 'arg';

/** One value RouterOS offers for an argument (`request=completion`). */
export interface CompletionEntry {
  value: string;
  /** `none`, `arg`, `dir`, `cmd`, `syntax-meta`, `obj-dynamic`, `obj-inactive`, … */
  style: string;
  preference: number;
  desc?: string;
}
