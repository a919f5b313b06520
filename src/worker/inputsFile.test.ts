// Inputs files as editors on every platform write them: CRLF line ends, byte order marks, UTF-16.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { decodeInputs, InputsFileError, parseInputs, readInputsFile } from './inputsFile';

const lines = ['{"key":"alice","input":{"amount":5}}', '', '{"key":"bob","input":"x"}'];
const expected = [
  { key: 'alice', input: { amount: 5 } },
  { key: 'bob', input: 'x' },
];

function writeTemp(bytes: Buffer): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-inputs-'));
  const file = path.join(dir, 'inputs.jsonl');
  fs.writeFileSync(file, bytes);
  return file;
}

describe('an inputs file', () => {
  it('reads the same with CRLF line ends as with LF', () => {
    assert.deepEqual(parseInputs(lines.join('\r\n') + '\r\n', 'in.jsonl'), expected);
    assert.deepEqual(parseInputs(lines.join('\n'), 'in.jsonl'), expected);
  });

  it('names the right line of a CRLF file that has a bad line', () => {
    const text = [lines[0], '{"key":"carol"}', lines[2]].join('\r\n');
    assert.throws(() => parseInputs(text, 'in.jsonl'), {
      name: 'InputsFileError',
      message: /^in\.jsonl:2: the object has no "input"/,
    });
  });

  it('reads a file that starts with a UTF-8 byte order mark (Notepad writes one)', () => {
    const file = writeTemp(Buffer.from('\ufeff' + lines.join('\r\n'), 'utf8'));
    assert.deepEqual(readInputsFile(file), expected);
  });

  it("reads UTF-16 files, little and big endian (Windows PowerShell 5's `>` writes them)", () => {
    const text = lines.join('\r\n') + '\r\n';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    assert.deepEqual(readInputsFile(writeTemp(le)), expected);
    const be = Buffer.concat([
      Buffer.from([0xfe, 0xff]),
      Buffer.from(Buffer.from(text, 'utf16le')).swap16(),
    ]);
    assert.equal(decodeInputs(be), text);
  });

  it('decodes a file without a byte order mark as UTF-8', () => {
    assert.equal(
      decodeInputs(Buffer.from('{"key":"é","input":1}', 'utf8')),
      '{"key":"é","input":1}',
    );
  });

  it('says which file is missing', () => {
    assert.throws(
      () => readInputsFile(path.join(os.tmpdir(), 'no-such-inputs.jsonl')),
      (e) => {
        assert.ok(e instanceof InputsFileError);
        assert.match(e.message, /no-such-inputs\.jsonl does not exist/);
        return true;
      },
    );
  });
});
