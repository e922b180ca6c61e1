/**
 * Editing from the tables (`form:*`, issue 14): what a menu lets the user do, the form of an `add`
 * or `set` built from the command tree, and the exact sentences a filled form sends. The services
 * make all three (design.md §1); the window only draws the form and shows the sentences.
 */
import type { BridgeError } from './base';
import type { ConsoleOutcome } from './console';

/** The actions of the Tables toolbar. `edit` is the menu's `set` on one item. */
export type FormAction = 'add' | 'edit' | 'remove' | 'enable' | 'disable' | 'comment';

/**
 * How a field is drawn, from the argument's syntax (protocol/src/tree `SyntaxKind`): `select` for
 * a closed enumeration, `combobox` when other values are allowed (the router's own names, values
 * that may be incomplete), `switch` for yes/no, `number` with its range, and text kinds that the
 * services check (`ip`, `prefix`, `mac`, `time`, …).
 */
export type FieldKind =
  | 'select'
  | 'combobox'
  | 'switch'
  | 'number'
  | 'ip'
  | 'ipv6'
  | 'ip-prefix'
  | 'ipv6-prefix'
  | 'ip-range'
  | 'mac'
  | 'time'
  | 'text'
  | 'hex'
  | 'script';

export interface FormField {
  /** The argument name; also the field's label. */
  name: string;
  kind: FieldKind;
  /** For select/combobox: the values to offer (static ones, then the router's own names). */
  options?: string[];
  /** Several values, comma-separated (`a,b`). */
  multiple?: boolean;
  /** The argument takes a `!` in front of its value (a negated match, e.g. `in-interface=!ether1`). */
  negatable?: boolean;
  /** Inclusive range of a number or time field, as RouterOS states it (decimal text). */
  min?: string;
  max?: string;
  maxLength?: number;
  /** The syntax line RouterOS shows for it, e.g. `A.B.C.D    (IP address)`. */
  syntax?: string;
  /** Pre-filled value (from the row for `edit`, from a copied row). */
  value?: string;
}

export interface FormMenuArgs {
  connectionId: string;
  /** API menu path, e.g. `/ip/address`. */
  path: string;
}

/** What the Tables toolbar may offer for a menu on a router. */
export interface FormMenu {
  path: string;
  /**
   * Where the command list came from: the router's own `/console/inspect`, the command tree
   * shipped with Tikscope (nearest RouterOS version), or nothing (every action offered; the
   * router decides).
   */
  source: 'router' | 'tree' | 'none';
  /** Version of the shipped tree used, when one was. */
  treeVersion?: string;
  /** Commands of the menu among add, set, unset, remove, enable, disable, comment. */
  commands: string[];
  /** Whether the user's group has the `write` policy; `reason` says why not (or why unknown). */
  write: { allowed: boolean; reason?: string };
}

export interface FormDescribeArgs {
  connectionId: string;
  path: string;
  action: 'add' | 'edit';
  /** The row being edited, or a row to copy from (its values pre-fill the fields). */
  row?: Record<string, string>;
}

export interface FormDescription {
  path: string;
  action: 'add' | 'edit';
  /** The command the form fills: `add` or `set`. */
  command: 'add' | 'set';
  /** True when no command tree knew the menu: a plain name/value form. */
  generic: boolean;
  source: FormMenu['source'];
  treeVersion?: string;
  fields: FormField[];
  /** The menu has `unset` (a cleared field is sent as `unset`, else as an empty value). */
  canUnset: boolean;
  /** Arguments of the command the fields leave out (`numbers`, `copy-from`, …), for the raw rows' hints. */
  skipped: string[];
}

/** A filled form, or a row action, as the window sends it. */
export interface FormRequest {
  connectionId: string;
  path: string;
  action: FormAction;
  /** `.id`s of the selected rows (edit: exactly one; add: none). */
  ids?: string[];
  /** Field values by argument name (add/edit). A switch is `yes`/`no`; `!` in front negates. */
  values?: Record<string, string>;
  /** The row as it was (edit): only what differs from it is sent. */
  original?: Record<string, string>;
  /** Name/value rows for arguments the tree does not list. */
  extra?: { name: string; value: string }[];
  /** The comment text (comment). */
  comment?: string;
}

/** The sentences a request becomes, or why it cannot be sent yet. */
export interface FormPlan {
  sentences: string[][];
  /** Problems by field name (`extra:<n>` for the nth raw row, `form` for the whole form). */
  fieldErrors: Record<string, string>;
}

export interface FormSentenceResult {
  words: string[];
  outcome: ConsoleOutcome | 'not-sent';
  /** `=ret=` of an `add` (the new item's `.id`). */
  ret?: string;
  error?: BridgeError;
}

export interface FormResult {
  /** `invalid`: nothing was sent (see `fieldErrors`); otherwise the first sentence that did not end done decides. */
  outcome: 'done' | 'invalid' | ConsoleOutcome;
  sentences: FormSentenceResult[];
  /** Validation problems, or the router's trap message beside the argument it names. */
  fieldErrors: Record<string, string>;
}
