import { XMLParser } from 'fast-xml-parser';

export interface ParsedTestcase {
  readonly '@_name': string;
  readonly '@_classname': string;
  readonly failure?: { readonly '@_message': string; readonly '#text'?: string };
  readonly skipped?: { readonly '@_message': string };
  readonly error?: { readonly '@_message': string };
}

/** Every <testcase> of a JUnit XML document, read with a real XML parser. */
export function testcasesIn(xml: string): ParsedTestcase[] {
  const parsed = new XMLParser({
    ignoreAttributes: false,
    isArray: (name) => name === 'testsuite' || name === 'testcase',
  }).parse(xml) as {
    testsuites: { testsuite: Array<{ testcase: ParsedTestcase[] }> };
  };
  return parsed.testsuites.testsuite.flatMap((suite) => suite.testcase);
}
