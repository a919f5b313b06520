// Paths compared as each platform's file system compares them, simulated for the platforms this
// machine is not: breakpoints, call sites and state folders all go through pathKey/samePath.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ignoresCase, pathKey, samePath } from './paths';

describe('paths on Windows', () => {
  it('name one file whatever the drive letter case, separators and letter case', () => {
    assert.ok(samePath('C:\\Work\\Pay\\Agent.ts', 'c:/work/pay/agent.ts', 'win32'));
    assert.ok(samePath('c:\\work\\pay\\agent.ts', 'C:\\WORK\\pay\\agent.ts', 'win32'));
  });

  it('name one folder with or without a trailing separator, and through . and ..', () => {
    assert.ok(samePath('C:\\ws\\.durable\\', 'c:\\ws\\.durable', 'win32'));
    assert.ok(samePath('C:\\ws\\sub\\..\\.durable', 'C:\\ws\\.\\.durable', 'win32'));
    assert.equal(pathKey('C:\\', 'win32'), 'c:/');
  });

  it('tell apart other drives and other files', () => {
    assert.ok(!samePath('C:\\ws\\agent.ts', 'D:\\ws\\agent.ts', 'win32'));
    assert.ok(!samePath('C:\\ws\\agent.ts', 'C:\\ws\\agent2.ts', 'win32'));
  });
});

describe('paths on macOS', () => {
  it('ignore letter case, as its default file system does', () => {
    assert.ok(ignoresCase('darwin'));
    assert.ok(samePath('/Users/ann/Pay/agent.ts', '/users/ann/pay/Agent.ts', 'darwin'));
  });

  it('keep backslashes, which are part of a file name there', () => {
    assert.ok(!samePath('/ws/a\\b.ts', '/ws/a/b.ts', 'darwin'));
  });
});

describe('paths on Linux', () => {
  it('are case-sensitive', () => {
    assert.ok(!ignoresCase('linux'));
    assert.ok(!samePath('/ws/Agent.ts', '/ws/agent.ts', 'linux'));
  });

  it('still name one file through . and .. and a trailing separator', () => {
    assert.ok(samePath('/ws/sub/../agent.ts', '/ws/./agent.ts', 'linux'));
    assert.ok(samePath('/ws/.durable/', '/ws/.durable', 'linux'));
    assert.equal(pathKey('/', 'linux'), '/');
  });
});
