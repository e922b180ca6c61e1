/**
 * Builder for `print` query words (protocol.md §4.4). Query words are order-sensitive and act on a
 * stack of booleans; the builder only emits words, the router evaluates them.
 *
 *   query().eq('type', 'ether').eq('type', 'vlan').or().words()
 *   // ['?=type=ether', '?=type=vlan', '?#|']
 */
export class QueryBuilder {
  private readonly out: string[] = [];

  /** `?name`: the item has the property. */
  has(name: string): this {
    return this.push(`?${checkName(name)}`);
  }
  /** `?-name`: the item lacks the property. */
  lacks(name: string): this {
    return this.push(`?-${checkName(name)}`);
  }
  /** `?=name=value` */
  eq(name: string, value: string): this {
    return this.push(`?=${checkName(name)}=${value}`);
  }
  /** `?<name=value` */
  lt(name: string, value: string): this {
    return this.push(`?<${checkName(name)}=${value}`);
  }
  /** `?>name=value` (`gt('comment', '')` means "comment not empty"). */
  gt(name: string, value: string): this {
    return this.push(`?>${checkName(name)}=${value}`);
  }
  /** `?=name=value ?#!` */
  ne(name: string, value: string): this {
    return this.eq(name, value).not();
  }
  /** Property equals one of the values: n `?=` words followed by n−1 `?#|`. */
  oneOf(name: string, values: readonly string[]): this {
    if (values.length === 0) throw new RangeError('oneOf needs at least one value');
    for (const v of values) this.eq(name, v);
    return values.length > 1 ? this.ops('|'.repeat(values.length - 1)) : this;
  }
  not(): this {
    return this.ops('!');
  }
  and(): this {
    return this.ops('&');
  }
  or(): this {
    return this.ops('|');
  }
  /** Raw stack operations: digits (index), `!`, `&`, `|`, `.`. */
  ops(operations: string): this {
    if (!/^[0-9!&|.]+$/.test(operations)) throw new RangeError(`not a ?# operation string: ${operations}`);
    return this.push(`?#${operations}`);
  }
  words(): string[] {
    return [...this.out];
  }
  private push(word: string): this {
    this.out.push(word);
    return this;
  }
}

function checkName(name: string): string {
  if (name === '' || name.includes('=')) throw new RangeError(`not a property name: "${name}"`);
  return name;
}

export function query(): QueryBuilder {
  return new QueryBuilder();
}
