/**
 * Every fault, bad input and security promise of issue 8: what the bot does, the tests that prove it,
 * and, for a case that does not hold yet, what goes wrong. RELIABILITY.md is generated from this list
 * (`npm run reliability:doc`); test/reliability/catalog.test.ts checks that the file is current, that
 * every test named here exists, and that exactly the cases marked as not holding are `it.fails`.
 */
import { faultCases } from "./catalog/faults.ts";
import { inputAndSecurityCases } from "./catalog/input-and-security.ts";
import { platformCases } from "./catalog/platform.ts";
import type { ReliabilityCase } from "./catalog/types.ts";

export type { Area, ReliabilityCase, TestRef } from "./catalog/types.ts";

export const catalog: ReliabilityCase[] = [...faultCases, ...inputAndSecurityCases, ...platformCases];
