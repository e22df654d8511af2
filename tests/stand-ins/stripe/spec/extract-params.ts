// Derives the parameter shapes the stand-in accepts from the pinned `stripe` package's own type
// declarations (which Stripe generates from its OpenAPI spec for that API version). The stand-in
// refuses any parameter outside these shapes, so a request it accepts is one the real API accepts
// by name, nesting and enum value. Run: `npx tsx tests/stand-ins/stripe/spec/extract-params.ts`
// (rewrites params.json); tests/billing/stand-in-spec.test.ts checks the file is current.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import type { ParamShape } from './param-shape';

/** Every params type the stand-in serves, by declaration file (under stripe/esm/resources) and qualified name. */
export const PARAM_TYPES: Record<string, string[]> = {
  'Products.d.ts': ['ProductCreateParams', 'ProductRetrieveParams', 'ProductUpdateParams', 'ProductListParams'],
  'Prices.d.ts': ['PriceCreateParams', 'PriceRetrieveParams', 'PriceUpdateParams', 'PriceListParams'],
  'Billing/Meters.d.ts': [
    'Billing.MeterCreateParams', 'Billing.MeterRetrieveParams', 'Billing.MeterUpdateParams', 'Billing.MeterListParams',
    'Billing.MeterDeactivateParams', 'Billing.MeterReactivateParams',
  ],
  'Billing/MeterEvents.d.ts': ['Billing.MeterEventCreateParams'],
  'BillingPortal/Configurations.d.ts': [
    'BillingPortal.ConfigurationCreateParams', 'BillingPortal.ConfigurationRetrieveParams',
    'BillingPortal.ConfigurationUpdateParams', 'BillingPortal.ConfigurationListParams',
  ],
  'BillingPortal/Sessions.d.ts': ['BillingPortal.SessionCreateParams'],
  'Customers.d.ts': [
    'CustomerCreateParams', 'CustomerRetrieveParams', 'CustomerUpdateParams', 'CustomerListParams', 'CustomerSearchParams',
    'CustomerListPaymentMethodsParams', 'CustomerCreateBalanceTransactionParams', 'CustomerListBalanceTransactionsParams',
  ],
  'Checkout/Sessions.d.ts': ['Checkout.SessionCreateParams', 'Checkout.SessionRetrieveParams', 'Checkout.SessionListParams', 'Checkout.SessionExpireParams'],
  'Subscriptions.d.ts': [
    'SubscriptionCreateParams', 'SubscriptionRetrieveParams', 'SubscriptionUpdateParams', 'SubscriptionListParams', 'SubscriptionCancelParams',
  ],
  'Invoices.d.ts': ['InvoiceRetrieveParams', 'InvoiceListParams', 'InvoiceCreatePreviewParams', 'InvoicePayParams', 'InvoiceMarkUncollectibleParams'],
  'InvoicePayments.d.ts': ['InvoicePaymentListParams', 'InvoicePaymentRetrieveParams'],
  'InvoiceItems.d.ts': ['InvoiceItemListParams', 'InvoiceItemRetrieveParams'],
  'SubscriptionSchedules.d.ts': [
    'SubscriptionScheduleCreateParams', 'SubscriptionScheduleRetrieveParams', 'SubscriptionScheduleUpdateParams',
    'SubscriptionScheduleReleaseParams', 'SubscriptionScheduleCancelParams',
  ],
  'PaymentMethods.d.ts': ['PaymentMethodAttachParams', 'PaymentMethodRetrieveParams', 'PaymentMethodDetachParams'],
  'PaymentIntents.d.ts': ['PaymentIntentRetrieveParams'],
  'Charges.d.ts': ['ChargeRetrieveParams'],
  'Balance.d.ts': ['BalanceRetrieveParams'],
  'Refunds.d.ts': ['RefundCreateParams', 'RefundRetrieveParams', 'RefundListParams'],
  'Events.d.ts': ['EventRetrieveParams', 'EventListParams'],
  'TestHelpers/TestClocks.d.ts': [
    'TestHelpers.TestClockCreateParams', 'TestHelpers.TestClockRetrieveParams', 'TestHelpers.TestClockListParams',
    'TestHelpers.TestClockAdvanceParams', 'TestHelpers.TestClockDeleteParams',
  ],
};

/** Response objects the stand-in returns: their top-level fields are checked against these. */
export const OBJECT_TYPES: Record<string, string[]> = {
  'Products.d.ts': ['Product'],
  'Prices.d.ts': ['Price'],
  'Billing/Meters.d.ts': ['Meter'],
  'Billing/MeterEvents.d.ts': ['MeterEvent'],
  'BillingPortal/Configurations.d.ts': ['Configuration'],
  'BillingPortal/Sessions.d.ts': ['Session'],
  'Customers.d.ts': ['Customer'],
  'Checkout/Sessions.d.ts': ['Session'],
  'Subscriptions.d.ts': ['Subscription'],
  'SubscriptionItems.d.ts': ['SubscriptionItem'],
  'Invoices.d.ts': ['Invoice'],
  'InvoicePayments.d.ts': ['InvoicePayment'],
  'InvoiceItems.d.ts': ['InvoiceItem'],
  'SubscriptionSchedules.d.ts': ['SubscriptionSchedule'],
  'PaymentMethods.d.ts': ['PaymentMethod'],
  'PaymentIntents.d.ts': ['PaymentIntent'],
  'Charges.d.ts': ['Charge'],
  'Refunds.d.ts': ['Refund'],
  'CustomerBalanceTransactions.d.ts': ['CustomerBalanceTransaction'],
  'TestHelpers/TestClocks.d.ts': ['TestClock'],
};

/** Top-level fields of each response object: required (always present, maybe null) and optional. */
export function extractObjectFields(): Record<string, { object: string; required: string[]; optional: string[] }> {
  const { program, checker, resources } = load(OBJECT_TYPES);
  const out: Record<string, { object: string; required: string[]; optional: string[] }> = {};
  for (const [file, names] of Object.entries(OBJECT_TYPES)) {
    const source = program.getSourceFile(join(resources, file))!;
    for (const name of names) {
      const decl = findInterface(source, [name]);
      if (!decl) throw new Error(`${name} not declared in ${file}`);
      const props = checker.getPropertiesOfType(checker.getTypeAtLocation(decl));
      const objectProp = props.find((p) => p.name === 'object');
      const objectType = objectProp && checker.getTypeOfSymbolAtLocation(objectProp, decl);
      const object = objectType?.isStringLiteral() ? objectType.value : name;
      out[object] = {
        object,
        required: props.filter((p) => !(p.flags & ts.SymbolFlags.Optional)).map((p) => p.name).sort(),
        optional: props.filter((p) => p.flags & ts.SymbolFlags.Optional && p.name !== 'deleted').map((p) => p.name).sort(),
      };
    }
  }
  return out;
}

function load(types: Record<string, string[]>) {
  const require = createRequire(import.meta.url);
  // The package exports no package.json: climb from its CommonJS entry (cjs/stripe.cjs.node.js).
  const resources = join(dirname(require.resolve('stripe')), '..', 'esm', 'resources');
  const program = ts.createProgram(Object.keys(types).map((f) => join(resources, f)), { target: ts.ScriptTarget.ES2022, skipLibCheck: true, noEmit: true, types: [] });
  return { program, checker: program.getTypeChecker(), resources };
}

export function extractParams(): Record<string, ParamShape> {
  const { program, checker, resources } = load(PARAM_TYPES);
  const out: Record<string, ParamShape> = {};

  for (const [file, names] of Object.entries(PARAM_TYPES)) {
    const source = program.getSourceFile(join(resources, file));
    if (!source) throw new Error(`stripe declaration ${file} not found`);
    for (const qualified of names) {
      const decl = findInterface(source, qualified.split('.'));
      if (!decl) throw new Error(`${qualified} not declared in ${file}`);
      out[qualified] = shapeOf(checker, checker.getTypeAtLocation(decl), 0);
    }
  }
  return out;
}

function findInterface(source: ts.SourceFile, path: string[]): ts.InterfaceDeclaration | undefined {
  const search = (statements: readonly ts.Statement[], rest: string[]): ts.InterfaceDeclaration | undefined => {
    const [head, ...tail] = rest;
    for (const s of statements) {
      if (tail.length === 0 && ts.isInterfaceDeclaration(s) && s.name.text === head) return s;
      // A namespace may be declared several times in one file: search every block.
      if (tail.length > 0 && ts.isModuleDeclaration(s) && s.name.text === head && s.body && ts.isModuleBlock(s.body)) {
        const found = search(s.body.statements, tail);
        if (found) return found;
      }
    }
    return undefined;
  };
  return search(source.statements, path);
}

function shapeOf(checker: ts.TypeChecker, type: ts.Type, depth: number): ParamShape {
  if (depth > 12) return { kind: 'any' };
  if (type.aliasSymbol?.name === 'Decimal' || type.getSymbol()?.name === 'DecimalImpl') return { kind: 'decimal' };
  if (type.isUnion()) {
    const parts = type.types.filter((t) => !(t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null)));
    // `''` in a union is Stripe's Emptyable: an empty string unsets the field.
    const emptyable = parts.some((t) => t.isStringLiteral() && t.value === '');
    const rest = parts.filter((t) => !(t.isStringLiteral() && t.value === ''));
    if (rest.length > 0 && rest.every((t) => t.flags & ts.TypeFlags.BooleanLiteral)) return withEmpty({ kind: 'boolean' }, emptyable);
    // Literals, possibly joined with the SDK's `OtherString` (string & Record<never, never>) for
    // forward compatibility: the API itself accepts only the listed values.
    const literals = rest.filter((t) => t.isStringLiteral()) as ts.StringLiteralType[];
    if (literals.length > 0 && rest.every((t) => t.isStringLiteral() || isOtherString(t))) {
      return withEmpty({ kind: 'enum', values: literals.map((t) => t.value).sort() }, emptyable);
    }
    const shapes = dedupe(rest.map((t) => shapeOf(checker, t, depth + 1)));
    const shape: ParamShape = shapes.length === 1 ? shapes[0]! : { kind: 'union', of: shapes };
    return withEmpty(shape, emptyable);
  }
  if (type.flags & ts.TypeFlags.StringLike) return type.isStringLiteral() ? { kind: 'enum', values: [type.value] } : { kind: 'string' };
  if (type.flags & ts.TypeFlags.NumberLike) return { kind: 'number' };
  if (type.flags & ts.TypeFlags.BooleanLike) return { kind: 'boolean' };
  if (type.flags & ts.TypeFlags.Intersection) {
    // `string & Record<never, never>` (OtherString) is a string.
    const it = type as ts.IntersectionType;
    if (it.types.some((t) => t.flags & ts.TypeFlags.String)) return { kind: 'string' };
  }
  if (checker.isArrayType(type)) {
    const [element] = checker.getTypeArguments(type as ts.TypeReference);
    return { kind: 'array', of: element ? shapeOf(checker, element, depth + 1) : { kind: 'any' } };
  }
  if (type.flags & ts.TypeFlags.Object) {
    const index = checker.getIndexInfoOfType(type, ts.IndexKind.String);
    const props = checker.getPropertiesOfType(type);
    if (index && props.length === 0) return { kind: 'map', of: shapeOf(checker, index.type, depth + 1) };
    const fields: Record<string, { required: boolean; shape: ParamShape }> = {};
    for (const prop of props) {
      const decl = prop.valueDeclaration ?? prop.declarations?.[0];
      const propType = decl ? checker.getTypeOfSymbolAtLocation(prop, decl) : checker.getDeclaredTypeOfSymbol(prop);
      fields[prop.name] = { required: !(prop.flags & ts.SymbolFlags.Optional), shape: shapeOf(checker, propType, depth + 1) };
    }
    return { kind: 'object', fields };
  }
  return { kind: 'any' };
}

function isOtherString(type: ts.Type): boolean {
  return !!(type.flags & ts.TypeFlags.Intersection) && (type as ts.IntersectionType).types.some((t) => !!(t.flags & ts.TypeFlags.String));
}

function withEmpty(shape: ParamShape, emptyable: boolean): ParamShape {
  return emptyable ? { ...shape, emptyable: true } : shape;
}

function dedupe(shapes: ParamShape[]): ParamShape[] {
  const seen = new Map<string, ParamShape>();
  for (const s of shapes) seen.set(JSON.stringify(s), s);
  return [...seen.values()];
}

export const PARAMS_JSON = join(dirname(fileURLToPath(import.meta.url)), 'params.json');
export const OBJECTS_JSON = join(dirname(fileURLToPath(import.meta.url)), 'objects.json');

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  // One params type per line: reviewable diffs when the SDK moves.
  const params = extractParams();
  const lines = Object.entries(params).map(([name, shape]) => `${JSON.stringify(name)}:${JSON.stringify(shape)}`);
  writeFileSync(PARAMS_JSON, `{\n${lines.join(',\n')}\n}\n`);
  writeFileSync(OBJECTS_JSON, JSON.stringify(extractObjectFields(), null, 1) + '\n');
  console.log(`wrote ${PARAMS_JSON} and ${OBJECTS_JSON}`);
}
