/** Variable filling of library commands: the one rule behind the preview and the run. */
import { describe, expect, it } from 'vitest';
import { commandVariables, FillError, fillSentences, sentencesWrite, variablesIn } from './fill';

const router = { name: 'Edge B', host: '10.0.0.2', identity: 'edge-b', version: '7.12', vars: { site: 'ams' } };

function fillError(f: () => unknown): FillError {
  try {
    f();
  } catch (e) {
    if (e instanceof FillError) return e;
    throw e;
  }
  throw new Error('expected a FillError');
}

describe('variablesIn / commandVariables', () => {
  it('lists names in order of first use, with spaces inside the braces allowed', () => {
    expect(variablesIn([['/ip/address/add', '=address={{addr}}/{{ prefix }}', '=comment={{addr}} at {{site}}']])).toEqual([
      'addr',
      'prefix',
      'site',
    ]);
  });

  it('leaves script braces and malformed references alone', () => {
    expect(variablesIn([['/system/script/add', '=source=:if (1) do={ {:log info x} }', '=x={{1bad}}', '={{a b}}']])).toEqual([]);
  });

  it('declared first, then used-only ones without a default; per-router names are not variables of the command', () => {
    expect(
      commandVariables([['/x/set', '=a={{b}}', '=n={{identity}}', '=c={{a}}', '=h={{host}}']], [{ name: 'a', default: '1' }]),
    ).toEqual([{ name: 'a', default: '1' }, { name: 'b' }]);
  });
});

describe('fillSentences', () => {
  it('fills per-router names from the router', () => {
    expect(fillSentences([['/system/note/set', '=note={{name}} {{identity}} {{version}} {{host}}']], [], {}, router)).toEqual([
      ['/system/note/set', '=note=Edge B edge-b 7.12 10.0.0.2'],
    ]);
  });

  it('form value, then the connection’s value, then the default', () => {
    const vars = [
      { name: 'site', default: 'default-site' },
      { name: 'vlan', default: '10' },
    ];
    const words = [['/x/add', '=site={{site}}', '=vlan={{vlan}}']];
    expect(fillSentences(words, vars, {}, router)).toEqual([['/x/add', '=site=ams', '=vlan=10']]);
    expect(fillSentences(words, vars, { site: 'lon', vlan: '20' }, router)).toEqual([['/x/add', '=site=lon', '=vlan=20']]);
    // An empty form field means "not given".
    expect(fillSentences(words, vars, { site: '' }, router)).toEqual([['/x/add', '=site=ams', '=vlan=10']]);
    expect(fillSentences(words, vars, {}, { ...router, vars: {} })).toEqual([['/x/add', '=site=default-site', '=vlan=10']]);
  });

  it('a per-router name cannot be overridden by the form or the connection', () => {
    expect(
      fillSentences([['/x', '=i={{identity}}']], [], { identity: 'typed' }, { ...router, vars: { identity: 'own' } }),
    ).toEqual([['/x', '=i=edge-b']]);
  });

  it('a missing variable is an error naming it and the router', () => {
    const e = fillError(() => fillSentences([['/ip/address/add', '=address={{addr}}']], [], {}, router));
    expect(e.variable).toBe('addr');
    expect(e.message).toBe(
      '{{addr}} has no value for router "Edge B": none given in the form, none set on the connection, and no default',
    );
  });

  it('identity of a router that is not connected is an error, not an empty value', () => {
    const e = fillError(() => fillSentences([['/x', '=i={{identity}}']], [], {}, { name: 'Off', host: 'h' }));
    expect(e.variable).toBe('identity');
    expect(e.message).toMatch(/^\{\{identity\}\} is not known for router "Off"/);
  });

  it('a word that fills to nothing is refused (it would end the sentence)', () => {
    const e = fillError(() => fillSentences([['/x/print', '{{q}}']], [{ name: 'q', default: '' }], {}, router));
    expect(e.variable).toBe('q');
    expect(e.message).toMatch(/^sentence 1, word 2 is empty once \{\{q\}\} is filled in/);
  });

  it('one pass: a value holding {{x}} is sent as typed', () => {
    expect(fillSentences([['/x', '=a={{a}}']], [], { a: '{{site}}' }, router)).toEqual([['/x', '=a={{site}}']]);
  });

  it('fills every sentence and leaves the template untouched', () => {
    const template = [
      ['/a/add', '=n={{n}}'],
      ['/b/print', '?n={{n}}'],
    ];
    const copy = structuredClone(template);
    expect(fillSentences(template, [], { n: '5' }, router)).toEqual([
      ['/a/add', '=n=5'],
      ['/b/print', '?n=5'],
    ]);
    expect(template).toEqual(copy);
  });

  it('inherited names are not values', () => {
    const e = fillError(() => fillSentences([['/x', '=a={{constructor}}']], [], {}, { ...router, vars: {} }));
    expect(e.variable).toBe('constructor');
  });
});

describe('sentencesWrite', () => {
  it('uses the broadcast’s command classes', () => {
    expect(sentencesWrite([['/interface/print']])).toEqual({ writes: false, reason: 'only reads' });
    expect(sentencesWrite([['/interface/print'], ['/ip/address/add', '=address=1.2.3.4/32']])).toMatchObject({
      writes: true,
      reason: expect.stringContaining('"add"'),
    });
    expect(sentencesWrite([['/interface/print', '=file={{f}}']]).writes).toBe(true);
  });
});
